"""Signals: KPI values and work observations about a person, a team or the whole organisation.

They arrive by file or webhook and are what the sensing agent watches for changes.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Signal", "SubjectType", "compact_time", "derived_signal_key", "derived_signal_keys",
    "signal_key",
]

# source|metric|subject kind's initial:subject key (or -)|compact time
_KEY = "{}|{}|{}:{}|{}"


class SubjectType(StrEnum):
    PERSON = "person"
    TEAM = "team"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class Signal:
    key: str
    metric: str
    subject_type: SubjectType
    subject_key: str | None
    observed_at: datetime
    value: float
    source: str
    volume: float | None = None  # events behind the value (tickets, answers), when known


def signal_key(*, source: str, metric: str, subject_type: str, subject_key: str | None,
               observed_at: datetime) -> str:
    """A stable id for a signal sent without one, so re-sending it never duplicates it."""
    return derived_signal_key(source=source, metric=metric, subject_type=subject_type,
                              subject_key=subject_key, moment=compact_time(observed_at))


def derived_signal_key(*, source: str, metric: str, subject_type: str, subject_key: str | None,
                       moment: str) -> str:
    """signal_key with the time already in compact form: importers work it out once per time."""
    # one letter tells person, team and organisation apart; short keys keep the index small
    return _KEY.format(source, metric, subject_type[0], subject_key or "-", moment)


def derived_signal_keys(*, sources: Iterable[str], metrics: Iterable[str],
                        initials: Iterable[str], subject_keys: Sequence[str | None],
                        moments: Iterable[str]) -> list[str]:
    """derived_signal_key of whole columns at once, a subject kind given by its initial: built
    in C by one `map`, for an import's batch of thousands of rows."""
    if "" in subject_keys or None in subject_keys:
        subject_keys = [key or "-" for key in subject_keys]
    return list(map(_KEY.format, sources, metrics, initials, subject_keys, moments))


def compact_time(moment: datetime) -> str:
    """Seconds since 1970 in UTC, with microseconds only when there are any: short and exact."""
    if moment.tzinfo is None:
        raise ValueError("signal times must be time-zone aware")
    seconds = calendar.timegm(moment.utctimetuple())
    return str(seconds) if moment.microsecond == 0 else f"{seconds}.{moment.microsecond:06d}"
