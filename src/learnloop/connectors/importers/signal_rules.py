"""What makes a signal valid, defined once: its metric, source, subject, time, value and id.

Each field's rule is one function below. `signal_checks` applies them two ways: to whole columns
of a batch of rows (the fast path: is every row valid?), and row by row, wording every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from math import isfinite
from operator import itemgetter
from typing import Any

from learnloop.connectors.importers.cells import MAX_KEY, parse_time
from learnloop.domain.imports import Problems
from learnloop.domain.signals import compact_time, derived_signal_key, derived_signal_keys

__all__ = [
    "FIELDS", "MAX_SIGNAL_ID", "REQUIRED", "SignalBatchCheck", "SignalCheck", "SignalChecks",
    "signal_check", "signal_checks",
]

FIELDS = ("id", "metric", "subject_type", "subject", "observed_at", "value", "source", "volume")
REQUIRED = FIELDS[1:7]  # id and volume may be left out
MAX_SIGNAL_ID = 300
_REMEMBERED_TIMES = 65_536
_NONE: Mapping[str, int] = {}

Checked = tuple[str, tuple[Any, ...]]  # the signal's id and its values, in SIGNAL_COLUMNS order
SignalCheck = Callable[[int, Sequence[str], Problems | None], Checked | None]
# a batch's ids and its values as columns (SIGNAL_COLUMNS order), or None if any row fails
CheckedBatch = tuple[list[str], list[Sequence[Any]]]
SignalBatchCheck = Callable[[Sequence[Sequence[str]]], CheckedBatch | None]  # given columns


@dataclass(frozen=True, slots=True)
class SignalChecks:
    """The two ways of asking the same rules: `batch` (whole columns, silent) and `row`."""

    batch: SignalBatchCheck
    row: SignalCheck


def signal_checks(*, people: Mapping[str, int], teams: Mapping[str, int],
                  columns: Mapping[str, int]) -> SignalChecks:
    """`signal_check`, and the same rules applied to a batch of rows column by column.

    `batch(columns)` (a batch of rows' cells, column by column) returns every row's id and
    values, as `row` would, or None when any row of the batch fails a rule: the caller then
    asks `row` of each row, which words the problems, so a file's messages do not depend on
    which way its rows were checked. Each column is checked in C where it can be (`map`, `set`):
    a rule runs once per distinct metric, source, subject kind and time, numbers are read by
    `float` and tested by `isfinite` (the rule of `_number`), subjects are looked up by `map`.
    """
    times: dict[str, tuple[datetime, str]] = {}
    subjects = _subjects(people, teams)
    row = signal_check(people=people, teams=teams, columns=columns, times=times)
    at = [columns[name] for name in REQUIRED]
    id_at, volume_at = columns.get("id"), columns.get("volume")

    def batch(table: Sequence[Sequence[str]]) -> CheckedBatch | None:
        count = len(table[0]) if table else 0
        if not count:
            return [], [[] for _ in range(7)]
        metric, subject_type, subject, observed_at, value, source = (table[i] for i in at)
        metrics, sources = _each_distinct(metric, _name), _each_distinct(source, _name)
        kinds = _each_distinct(subject_type, lambda text: _kind(text, subjects))
        moments = _each_distinct(observed_at, lambda text: _moment(text, times))
        if metrics is None or sources is None or kinds is None or moments is None:
            return None
        subject_keys = list(map(str.strip, subject))
        present = set(kinds)
        if len(present) == 1:
            ids = list(map(subjects[kinds[0]].get, subject_keys))
        else:
            ids = [subjects[kind].get(key) for kind, key in zip(kinds, subject_keys, strict=True)]
        if None in ids:
            return None
        if 0 in ids:  # the organisation as a whole is stored as no id
            ids = [found or None for found in ids]
        try:
            numbers = list(map(float, value))
        except ValueError:
            return None
        if not all(map(isfinite, numbers)):  # as _number: NaN or infinity refused
            return None
        volumes = _volumes(table[volume_at], count) if volume_at is not None else None
        if volumes is None and volume_at is not None:
            return None
        initial = {kind: kind[0] for kind in present}
        keys = list(map(str.strip, table[id_at])) if id_at is not None else None
        if keys is None or "" in keys:
            derived = derived_signal_keys(
                sources=sources, metrics=metrics, initials=list(map(initial.__getitem__, kinds)),
                subject_keys=subject_keys, moments=[moment[1] for moment in moments])
            keys = derived if keys is None else [key or new for key, new in
                                                 zip(keys, derived, strict=True)]
        if max(map(len, keys)) > MAX_SIGNAL_ID:
            return None
        return keys, [metrics, kinds, ids, [moment[0] for moment in moments], numbers, sources,
                      volumes or [None] * count]

    return SignalChecks(batch=batch, row=row)


def _each_distinct(column: Sequence[str], rule: Callable[[str], Any]) -> Sequence[Any] | None:
    """`rule` of each cell, asked once per distinct cell; None if it refuses any."""
    answers = {text: rule(text) for text in set(column)}
    if None in answers.values():
        return None
    if all(text is answer for text, answer in answers.items()):
        return column  # every cell is its own answer (already stripped): nothing to convert
    return list(map(answers.__getitem__, column))


def _volumes(column: Sequence[str], count: int) -> list[float | None] | None:
    texts = list(map(str.strip, column))
    if not any(texts):
        return [None] * count
    volumes = [_volume(text) if text else None for text in texts]
    if any(text and volume is None for text, volume in zip(texts, volumes, strict=True)):
        return None
    return volumes


def signal_check(*, people: Mapping[str, int], teams: Mapping[str, int],
                 columns: Mapping[str, int],
                 times: dict[str, tuple[datetime, str]] | None = None) -> SignalCheck:
    """The check of one signal's cells (text, at `columns`: field name → position; "id" may be
    absent), resolving subjects against the organisation's people and teams.

    `check(row, cells)` returns the signal's id and values to store, or None as soon as a rule
    fails: the question each of millions of plain CSV rows is asked, so the rules are inline and
    read their look-ups as a closure's locals. `check(row, cells, problems)` asks the same and
    words every failure at `row`.

    A subject is found by its type and key: a person's id, a team's key, or a blank subject for
    the organisation as a whole (id 0, stored as no id).
    """
    subjects = _subjects(people, teams)
    times = {} if times is None else times
    pick = itemgetter(*(columns[name] for name in REQUIRED))
    id_at = columns.get("id")
    volume_at = columns.get("volume")

    def check(row: int, cells: Sequence[str], problems: Problems | None = None) -> Checked | None:
        metric, subject_type, subject, observed_at, value, source = pick(cells)
        key = "" if id_at is None else cells[id_at].strip()
        metric, subject, source = metric.strip(), subject.strip(), source.strip()
        subject_type, observed_at = subject_type.strip(), observed_at.strip()
        ok = True
        if _name(metric) is None:
            if problems is None:
                return None
            _name_problem(problems, row, "metric", metric)
            ok = False
        if _name(source) is None:
            if problems is None:
                return None
            _name_problem(problems, row, "source", source)
            ok = False
        subject_type = _kind(subject_type, subjects) or subject_type.lower()
        subject_id = subjects.get(subject_type, _NONE).get(subject)
        if subject_id is None:
            if problems is None:
                return None
            _subject_problem(problems, row, subject_type, subject, kinds=subjects)
            ok = False
        time = _moment(observed_at, times)
        if time is None:
            if problems is None:
                return None
            problems.add(f"{observed_at!r} is not an ISO 8601 time" if observed_at
                         else "is required", row=row, field="observed_at")
            ok = False
        number = _number(value)
        if number is None:
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


def _subjects(people: Mapping[str, int], teams: Mapping[str, int]
              ) -> dict[str, Mapping[str, int]]:
    """Subject kind → key → id; the organisation's one subject has a blank key (id 0)."""
    return {"person": people, "team": teams, "organisation": {"": 0}}


def _name(text: str) -> str | None:
    """A metric or source: present, at most MAX_KEY characters; stripped."""
    text = text.strip()
    return text if 0 < len(text) <= MAX_KEY else None


def _kind(text: str, subjects: Mapping[str, Any]) -> str | None:
    """A subject kind as stored ("Person" is a person too); None if it is none of them."""
    text = text.strip()
    if text in subjects:
        return text
    text = text.lower()
    return text if text in subjects else None


def _moment(text: str, times: dict[str, tuple[datetime, str]]) -> tuple[datetime, str] | None:
    text = text.strip()
    return times.get(text) or _time(text, times)


def _number(text: str) -> float | None:
    """A value: any number `float` reads, but finite: NaN or infinity would poison every
    average taken of it."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if isfinite(number) else None


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
