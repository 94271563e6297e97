"""Signals: KPI values and work observations about a person, a team or the whole organisation.

They arrive by file or webhook and are what the sensing agent watches for changes.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "Signal", "SubjectType", "compact_time", "derived_signal_key", "derived_signal_keys",
    "signal_key",
]

# source|metric|subject kind's initial:subject key (or -)|compact time
_KEY = "{}|{}|{}:{}|{}"
_HEAD, _TAIL = "{}|{}|{}:", "|{}"  # _KEY around the subject key


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
    in C by `map`, for an import's batch of thousands of rows. A batch repeats the same few
    sources, metrics, kinds and times: the text before the subject key and after it is made
    once per distinct value, and each key joined from three pieces."""
    if "" in subject_keys or None in subject_keys:
        subject_keys = [key or "-" for key in subject_keys]
    heads = _Made(lambda head: _HEAD.format(*head))
    tails = _Made(_TAIL.format)
    starts = map(heads.__getitem__, zip(sources, metrics, initials, strict=True))
    return list(map("".join, zip(starts, subject_keys, map(tails.__getitem__, moments),
                                 strict=True)))


class _Made(dict):
    """`make` of each value, made once: read in C by `map(made.__getitem__, …)`."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, value: Any) -> str:
        made = self[value] = self._make(value)
        return made


def compact_time(moment: datetime) -> str:
    """Seconds since 1970 in UTC, with microseconds only when there are any: short and exact."""
    if moment.tzinfo is None:
        raise ValueError("signal times must be time-zone aware")
    seconds = calendar.timegm(moment.utctimetuple())
    return str(seconds) if moment.microsecond == 0 else f"{seconds}.{moment.microsecond:06d}"
