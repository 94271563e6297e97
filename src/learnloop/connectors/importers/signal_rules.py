"""What makes a signal valid, defined once: its subject, time, value, metric, source and id.

The CSV fast path asks only whether a row passes; the full check asks the same and words a failure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from learnloop.connectors.importers.cells import MAX_KEY, parse_time
from learnloop.domain.signals import compact_time, derived_signal_key

__all__ = ["MAX_SIGNAL_ID", "NAME_LENGTHS", "SignalRules"]

MAX_SIGNAL_ID = 300
NAME_LENGTHS = range(1, MAX_KEY + 1)  # a metric or source: required, at most MAX_KEY characters
_REMEMBERED_TIMES = 65_536
_NONE: Mapping[str, int] = {}


class SignalRules:
    """The rules, with the organisation's people and teams to resolve subjects against.

    A subject is found by its type and key in `subjects`: a person's id, a team's key, or a
    blank subject for the organisation as a whole (id 0, stored as no id).
    """

    def __init__(self, *, people: Mapping[str, int], teams: Mapping[str, int]) -> None:
        self.subjects: dict[str, Mapping[str, int]] = {
            "person": people, "team": teams, "organisation": {"": 0}}
        self.times: dict[str, tuple[datetime, str]] = {}

    def subject_id(self, subject_type: str, subject: str) -> int | None:
        return self.subjects.get(subject_type, _NONE).get(subject)

    def time(self, text: str) -> tuple[datetime, str] | None:
        """The time in UTC and its compact form for keys, worked out once per distinct text:
        exports repeat the same times, and both steps cost more than the rest of a row's checks."""
        known = self.times.get(text)
        if known is None:
            try:
                when = parse_time(text)
            except ValueError:
                return None
            if len(self.times) >= _REMEMBERED_TIMES:
                self.times.clear()
            known = self.times[text] = (when, compact_time(when))
        return known

    @staticmethod
    def number(text: str) -> float | None:
        """A finite number (NaN and infinity would poison every average the agents take)."""
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None

    @staticmethod
    def signal_id(key: str, *, source: str, metric: str, subject_type: str, subject: str,
                  moment: str) -> str | None:
        """The id given, or one derived from what the signal says; None when it is too long."""
        key = key or derived_signal_key(source=source, metric=metric, subject_type=subject_type,
                                        subject_key=subject, moment=moment)
        return key if len(key) <= MAX_SIGNAL_ID else None
