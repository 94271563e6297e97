"""Series the agents read: a subject's values of one metric over time, and pulse scores per team
and question; as records for one series and as columns for many (what NumPy takes in one call).

Columns keep one entry per value, ordered by subject then time; subjects are codes into a tuple
of keys, so grouping by subject needs no string hashing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime

from learnloop.domain.evidence import PulseResult
from learnloop.domain.signals import Signal, SubjectType

__all__ = ["PulseSeries", "SignalColumns", "SignalSeries"]


@dataclass(frozen=True, slots=True)
class SignalSeries:
    """One subject's values of one metric, oldest first, each with its key, time and source."""

    metric: str
    subject_type: SubjectType
    subject_key: str | None  # None for the whole organisation
    signals: tuple[Signal, ...]

    @property
    def times(self) -> tuple[datetime, ...]:
        return tuple(signal.observed_at for signal in self.signals)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(signal.value for signal in self.signals)

    def __len__(self) -> int:
        return len(self.signals)


@dataclass(frozen=True, slots=True)
class SignalColumns:
    """Many subjects' values of one metric as columns: entry i is the value `values[i]` of subject
    `subjects[subject_index[i]]` at `observed_at[i]`, from `sources[i]`; ordered by subject, then
    time, so each subject's entries are contiguous."""

    metric: str
    subject_type: SubjectType
    subjects: tuple[str | None, ...]
    subject_index: tuple[int, ...]
    observed_at: tuple[datetime, ...]
    values: tuple[float, ...]
    sources: tuple[str, ...]
    volumes: tuple[float | None, ...] = ()  # events behind each value; None where not given

    def __len__(self) -> int:
        return len(self.values)

    def of(self, subject_key: str | None) -> SignalColumns:
        """The entries of one subject, as columns (a slice, since subjects are contiguous)."""
        if subject_key not in self.subjects:
            return SignalColumns(self.metric, self.subject_type, (), (), (), (), (), ())
        # codes are given in order of first appearance, so they ascend with the entries
        code = self.subjects.index(subject_key)
        first = bisect_left(self.subject_index, code)
        last = bisect_right(self.subject_index, code)
        return SignalColumns(
            self.metric, self.subject_type, (subject_key,), (0,) * (last - first),
            self.observed_at[first:last], self.values[first:last], self.sources[first:last],
            self.volumes[first:last])


@dataclass(frozen=True, slots=True)
class PulseSeries:
    """One team's scores on one question, oldest period first (across surveys that ask it)."""

    team_key: str
    question: str
    results: tuple[PulseResult, ...]

    @property
    def periods(self) -> tuple[date, ...]:
        return tuple(result.period for result in self.results)

    @property
    def scores(self) -> tuple[float, ...]:
        return tuple(result.score for result in self.results)
