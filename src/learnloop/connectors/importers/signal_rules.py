"""What makes a signal valid, defined once: its metric, source, subject, time, value and id.

One check both answers the fast path (is this row valid?) and words every problem of a row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from math import isfinite, nan
from operator import itemgetter
from typing import Any

from learnloop.connectors.importers.cells import MAX_KEY, parse_time
from learnloop.domain.imports import Problems
from learnloop.domain.signals import compact_time, derived_signal_key

__all__ = ["FIELDS", "MAX_SIGNAL_ID", "REQUIRED", "SignalCheck", "signal_check"]

FIELDS = ("id", "metric", "subject_type", "subject", "observed_at", "value", "source", "volume")
REQUIRED = FIELDS[1:7]  # id and volume may be left out
MAX_SIGNAL_ID = 300
_REMEMBERED_TIMES = 65_536
_NONE: Mapping[str, int] = {}

Checked = tuple[str, tuple[Any, ...]]  # the signal's id and its values, in SIGNAL_COLUMNS order
SignalCheck = Callable[[int, Sequence[str], Problems | None], Checked | None]


def signal_check(*, people: Mapping[str, int], teams: Mapping[str, int],
                 columns: Mapping[str, int]) -> SignalCheck:
    """The check of one signal's cells (text, at `columns`: field name → position; "id" may be
    absent), resolving subjects against the organisation's people and teams.

    `check(row, cells)` returns the signal's id and values to store, or None as soon as a rule
    fails: the question each of millions of plain CSV rows is asked, so the rules are inline and
    read their look-ups as a closure's locals. `check(row, cells, problems)` asks the same and
    words every failure at `row`.

    A subject is found by its type and key: a person's id, a team's key, or a blank subject for
    the organisation as a whole (id 0, stored as no id).
    """
    subjects: dict[str, Mapping[str, int]] = {
        "person": people, "team": teams, "organisation": {"": 0}}
    times: dict[str, tuple[datetime, str]] = {}
    pick = itemgetter(*(columns[name] for name in REQUIRED))
    id_at = columns.get("id")
    volume_at = columns.get("volume")

    def check(row: int, cells: Sequence[str], problems: Problems | None = None) -> Checked | None:
        metric, subject_type, subject, observed_at, value, source = pick(cells)
        key = "" if id_at is None else cells[id_at].strip()
        metric, subject, source = metric.strip(), subject.strip(), source.strip()
        subject_type, observed_at = subject_type.strip(), observed_at.strip()
        ok = True
        if not 0 < len(metric) <= MAX_KEY:
            if problems is None:
                return None
            _name_problem(problems, row, "metric", metric)
            ok = False
        if not 0 < len(source) <= MAX_KEY:
            if problems is None:
                return None
            _name_problem(problems, row, "source", source)
            ok = False
        lookup = subjects.get(subject_type)
        if lookup is None:  # "Person" is a person too
            subject_type = subject_type.lower()
            lookup = subjects.get(subject_type, _NONE)
        subject_id = lookup.get(subject)
        if subject_id is None:
            if problems is None:
                return None
            _subject_problem(problems, row, subject_type, subject, kinds=subjects)
            ok = False
        time = times.get(observed_at) or _time(observed_at, times)
        if time is None:
            if problems is None:
                return None
            problems.add(f"{observed_at!r} is not an ISO 8601 time" if observed_at
                         else "is required", row=row, field="observed_at")
            ok = False
        try:
            number = float(value)
        except ValueError:
            number = nan
        if not isfinite(number):  # NaN or infinity would poison every average taken of it
            if problems is None:
                return None
            problems.add(f"{value!r} is not a number" if value.strip() else "is required",
                         row=row, field="value")
            ok = False
        volume = None
        if volume_at is not None and (text := cells[volume_at].strip()):
            volume = _volume(text)
            if volume is None:
                if problems is None:
                    return None
                problems.add(f"{text!r} is not a non-negative number of events", row=row,
                             field="volume")
                ok = False
        if not ok or time is None:
            return None
        key = key or derived_signal_key(source=source, metric=metric, subject_type=subject_type,
                                        subject_key=subject, moment=time[1])
        if len(key) > MAX_SIGNAL_ID:
            if problems is not None:
                problems.add(f"is longer than {MAX_SIGNAL_ID} characters", row=row, field="id")
            return None
        return key, (metric, subject_type, subject_id or None, time[0], number, source, volume)

    return check


def _volume(text: str) -> float | None:
    """The number of events behind a value (tickets, answers): finite and not negative."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if isfinite(number) and number >= 0 else None


def _time(text: str, times: dict[str, tuple[datetime, str]]) -> tuple[datetime, str] | None:
    """The time in UTC and its compact form for ids, kept in `times`: exports repeat the same
    times, and both steps cost more than the rest of a row's checks."""
    try:
        when = parse_time(text)
    except ValueError:
        return None
    if len(times) >= _REMEMBERED_TIMES:
        times.clear()
    known = times[text] = (when, compact_time(when))
    return known


def _name_problem(problems: Problems, row: int, field: str, text: str) -> None:
    problems.add(f"is longer than {MAX_KEY} characters" if text else "is required", row=row,
                 field=field)


def _subject_problem(problems: Problems, row: int, subject_type: str, subject: str, *,
                     kinds: Mapping[str, Mapping[str, int]]) -> None:
    if subject_type == "person":
        problems.add(f"no person with id {subject!r}" if subject else "is required for a person",
                     row=row, field="subject")
    elif subject_type == "team":
        problems.add(f"no team with key {subject!r}" if subject else "is required for a team",
                     row=row, field="subject")
    elif subject_type == "organisation":
        problems.add("must be blank when subject_type is organisation", row=row, field="subject")
    else:
        problems.add(f"{subject_type!r} is not one of {', '.join(kinds)}" if subject_type
                     else "is required", row=row, field="subject_type")
