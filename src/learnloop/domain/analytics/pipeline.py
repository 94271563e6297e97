"""How fast the loop runs: time to competency, the pipeline's cycle times, and hours saved.

Times not finished yet are censored (Kaplan–Meier), not dropped, so slow cases are not hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from learnloop.domain.analytics.survival import Survival, kaplan_meier
from learnloop.errors import InputError, Problem

__all__ = ["PIPELINE_STAGES", "CycleTime", "HoursSaved", "TimeToCompetency", "cycle_times",
           "hours_saved", "time_to_competency"]

PIPELINE_STAGES = ("detected", "drafted", "approved", "delivered")
DAY = 86400.0


@dataclass(frozen=True, slots=True)
class TimeToCompetency:
    """Days from a need's detection to each person reaching the required proficiency."""

    people: int
    reached: int
    still_learning: int
    median_days: float | None            # None while fewer than half have reached it
    median_lower: float | None
    median_upper: float | None
    quartile_days: float | None          # by when a quarter reached it
    curve: Survival


def _days(start: Sequence[datetime | None], end: Sequence[datetime | None], now: datetime):
    """Durations in days and whether each ended; unfinished ones run to `now` (censored)."""
    durations = np.full(len(start), np.nan)
    ended = np.zeros(len(start), dtype=bool)
    for row, (first, last) in enumerate(zip(start, end, strict=True)):
        if first is None:
            continue
        stop = last if last is not None else now
        if stop < first:
            raise InputError("an end comes before its start",
                             problems=[Problem(f"{last} is before {first}", row=row + 1)])
        durations[row] = (stop - first).total_seconds() / DAY
        ended[row] = last is not None
    return durations, ended


def time_to_competency(
    detected: Sequence[datetime], reached: Sequence[datetime | None], *, now: datetime,
    confidence: float = 0.95,
) -> TimeToCompetency:
    """Kaplan–Meier median days from detection to the required proficiency (None = not yet)."""
    durations, ended = _days(list(detected), list(reached), now)
    curve = kaplan_meier(durations, ended, confidence=confidence)
    return TimeToCompetency(
        people=curve.total, reached=curve.done, still_learning=curve.censored,
        median_days=curve.median, median_lower=curve.median_lower,
        median_upper=curve.median_upper, quartile_days=curve.quantile(0.25), curve=curve)


@dataclass(frozen=True, slots=True)
class CycleTime:
    """One step of the pipeline (e.g. drafted -> approved, the review lag), in days."""

    start: str
    end: str
    finished: int
    waiting: int
    median_days: float | None
    p90_days: float | None               # of the finished ones: the slow tail


def cycle_times(
    stamps: Mapping[str, Sequence[datetime | None]],
    *,
    now: datetime,
    stages: Sequence[str] = PIPELINE_STAGES,
) -> tuple[CycleTime, ...]:
    """Medians between consecutive stages and from the first to the last, items still waiting
    censored at `now`. `stamps[stage][i]` is when item i reached the stage (None = not yet)."""
    missing = [stage for stage in stages if stage not in stamps]
    if missing:
        raise InputError("every pipeline stage needs its times",
                         problems=[Problem(f"no times for {stage}", field=stage)
                                   for stage in missing])
    steps = list(zip(stages[:-1], stages[1:], strict=True)) + [(stages[0], stages[-1])]
    results = []
    for start, end in steps:
        durations, ended = _days(list(stamps[start]), list(stamps[end]), now)
        curve = kaplan_meier(durations, ended)
        finished = durations[ended & np.isfinite(durations)]
        results.append(CycleTime(
            start=start, end=end, finished=curve.done, waiting=curve.censored,
            median_days=curve.median,
            p90_days=float(np.quantile(finished, 0.9)) if len(finished) else None))
    return tuple(results)


@dataclass(frozen=True, slots=True)
class HoursSaved:
    """Hours the manual way would have taken, minus the hours people spent with learnloop."""

    total: float
    manual: float
    spent: float
    by_task: tuple[tuple[str, int, float], ...]     # (task, count, hours saved)


def hours_saved(
    counts: Mapping[str, int],
    *,
    manual_hours: Mapping[str, float],
    spent_hours: Mapping[str, float] | None = None,
) -> HoursSaved:
    """Per task (a needs analysis, a drafted module, a report ...): count x manual hours, less the
    hours actually spent (e.g. review time). The manual baseline is the organisation's setting."""
    unknown = sorted(set(counts) - set(manual_hours))
    if unknown:
        raise InputError("a task has no manual baseline in hours",
                         problems=[Problem(f"no baseline for {task}", field=task)
                                   for task in unknown])
    spent_hours = spent_hours or {}
    rows = []
    for task in sorted(counts):
        manual = counts[task] * float(manual_hours[task])
        rows.append((task, int(counts[task]), manual - float(spent_hours.get(task, 0.0))))
    manual_total = sum(counts[task] * float(manual_hours[task]) for task in counts)
    spent_total = sum(float(spent_hours.get(task, 0.0)) for task in counts)
    return HoursSaved(total=manual_total - spent_total, manual=manual_total, spent=spent_total,
                      by_task=tuple(rows))
