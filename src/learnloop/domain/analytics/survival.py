"""Kaplan–Meier curves and medians for times that may not have ended yet (censored).

Time to competency and pipeline cycle times both have people or items still on their way.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

__all__ = ["Survival", "kaplan_meier"]


@dataclass(frozen=True, slots=True)
class Survival:
    """Share not yet done over time, and its median with a Brookmeyer–Crowley interval."""

    total: int
    done: int
    censored: int
    times: np.ndarray          # event times
    remaining: np.ndarray      # share not yet done just after each time
    median: float | None       # None while fewer than half are done
    median_lower: float | None
    median_upper: float | None

    def quantile(self, share_done: float) -> float | None:
        """Time by which `share_done` of them are done (None if not reached yet)."""
        reached = np.flatnonzero(self.remaining <= 1.0 - share_done + 1e-12)
        return float(self.times[reached[0]]) if len(reached) else None


def kaplan_meier(durations: np.ndarray, done: np.ndarray, *, confidence: float = 0.95) -> Survival:
    """Kaplan–Meier estimate from durations (time to done, or to now when not done yet)."""
    durations = np.asarray(durations, dtype=float)
    done = np.asarray(done, dtype=bool)
    keep = np.isfinite(durations)
    durations, done = durations[keep], done[keep]
    times, index = np.unique(durations, return_inverse=True)
    events = np.bincount(index, weights=done, minlength=len(times))
    leaving = np.bincount(index, minlength=len(times))
    at_risk = len(durations) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    happened = events > 0
    times, events, at_risk = times[happened], events[happened], at_risk[happened]
    remaining = np.cumprod(1.0 - events / at_risk)
    # Greenwood variance; the median's interval is every time whose curve is not far from 1/2
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = np.where(at_risk > events, events / (at_risk * (at_risk - events)), np.inf)
        greenwood = np.cumsum(steps)
        se = np.where(remaining > 0, remaining * np.sqrt(greenwood), 0.0)
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    median = _first(times, remaining <= 0.5)
    inside = np.abs(remaining - 0.5) <= z * se
    lower = float(times[inside][0]) if inside.any() else median
    # the upper end is known only once the curve is clearly below one half
    clearly_below = len(remaining) > 0 and remaining[-1] < 0.5 - z * se[-1]
    upper = (float(times[inside][-1]) if inside.any() else median) if clearly_below else None
    return Survival(
        total=int(len(durations)), done=int(done.sum()), censored=int((~done).sum()),
        times=times, remaining=remaining, median=median, median_lower=lower,
        median_upper=upper if median is not None else None)


def _first(times: np.ndarray, mask: np.ndarray) -> float | None:
    hits = np.flatnonzero(mask)
    return float(times[hits[0]]) if len(hits) else None
