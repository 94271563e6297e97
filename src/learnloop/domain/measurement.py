"""What the analytics agent measures around the KPI effect: Kirkpatrick levels 1-3 from records,
the person-week panel for the effect, time to competency, cycle times and hours saved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from learnloop.domain.analytics import ImpactEstimate, ImpactPanel
from learnloop.domain.interventions import Group

__all__ = [
    "BeforeAfter",
    "Reaction",
    "before_after",
    "competency_times",
    "cycle_times",
    "estimate_fields",
    "hours_saved",
    "impact_panel",
    "reaction",
    "weekly_means",
]


def _weeks(days: np.ndarray) -> np.ndarray:
    # week 0 is the start's own week and the six days after; -1 the week before it
    return np.floor_divide(days, 7).astype(np.int64)


def impact_panel(*, person: Sequence[str], days: Sequence[int], values: Sequence[float],
                 groups: Mapping[str, str], teams: Mapping[str, str], kpi: str,
                 direction: str = "up", unit: str = "") -> ImpactPanel:
    """Person-week values of the assigned people (others dropped), weeks counted from the
    start, each person-week the mean of its values, teams as clusters."""
    # one dictionary look-up per entry; everything per person is then done once per person
    index: dict[str, int] = {}
    code = np.fromiter((index.setdefault(key, len(index)) for key in person), dtype=np.int64,
                       count=len(person))
    keys = list(index)
    assigned = np.array([key in groups for key in keys], dtype=bool)
    treated = np.array([groups.get(key) == Group.TREATED for key in keys], dtype=bool)
    team_names = sorted({teams.get(key, "") for key, kept in zip(keys, assigned, strict=True)
                         if kept})
    team_code = {name: number for number, name in enumerate(team_names)}
    cluster = np.array([team_code.get(teams.get(key, ""), -1) for key in keys], dtype=np.int64)
    keep = assigned[code] if len(code) else np.zeros(0, dtype=bool)
    code = code[keep]
    week = _weeks(np.asarray(days, dtype=np.int64)[keep])
    value = np.asarray(values, dtype=float)[keep]
    # one row per person and week: the mean of that week's values
    pairs = code * 100_000 + (week + 50_000)
    unique, inverse = np.unique(pairs, return_inverse=True)
    sums = np.bincount(inverse, weights=value, minlength=len(unique))
    counts = np.bincount(inverse, minlength=len(unique))
    row_person = unique // 100_000
    return ImpactPanel(
        person=row_person.astype(np.int64), cluster=cluster[row_person],
        treated=treated[row_person], week=(unique % 100_000 - 50_000).astype(np.int64),
        value=sums / np.maximum(counts, 1), kpi=kpi, direction=direction, unit=unit)


def weekly_means(panel: ImpactPanel, *, first: int = -12) -> dict[str, list]:
    """Mean value per week from `first` on, treated and hold-out apart (for the chart)."""
    keep = panel.week >= first
    weeks = sorted(set(panel.week[keep].tolist()))
    series: dict[str, list] = {"weeks": weeks, "treated": [], "holdout": []}
    for arm, name in ((True, "treated"), (False, "holdout")):
        chosen = keep & (panel.treated == arm)
        for week in weeks:
            values = panel.value[chosen & (panel.week == week)]
            series[name].append(round(float(values.mean()), 4) if len(values) else None)
    return series


def _plain(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def estimate_fields(estimate: ImpactEstimate) -> dict[str, object]:
    """The estimate as JSON-ready fields (NaN as null)."""
    return {
        "kpi": estimate.kpi, "direction": estimate.direction,
        "estimate": _plain(estimate.estimate), "lower": _plain(estimate.lower),
        "upper": _plain(estimate.upper), "se": _plain(estimate.se),
        "p_value": _plain(estimate.p_value), "n_treated": estimate.n_treated,
        "n_holdout": estimate.n_holdout, "n_clusters": estimate.n_clusters,
        "confidence": estimate.confidence, "method": estimate.method,
        "enough_data": estimate.enough_data, "verdict": estimate.verdict,
        "mde": _plain(estimate.mde), "weeks_needed": estimate.weeks_needed,
        "weeks_after": estimate.weeks_after, "improved": estimate.improved,
        "notes": list(estimate.notes),
    }


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """Mean of a measure before and after the start, for the treated and the hold-out, and the
    difference in their changes (descriptive: no interval)."""

    treated_before: float | None
    treated_after: float | None
    holdout_before: float | None
    holdout_after: float | None
    n_treated: int
    n_holdout: int

    @property
    def difference(self) -> float | None:
        parts = (self.treated_before, self.treated_after, self.holdout_before,
                 self.holdout_after)
        if any(part is None for part in parts):
            return None
        tb, ta, hb, ha = parts  # type: ignore[misc]
        return round((ta - tb) - (ha - hb), 4)

    def as_dict(self) -> dict[str, object]:
        return {"treated_before": self.treated_before, "treated_after": self.treated_after,
                "holdout_before": self.holdout_before, "holdout_after": self.holdout_after,
                "n_treated": self.n_treated, "n_holdout": self.n_holdout,
                "difference": self.difference}


def before_after(*, person: Sequence[str], days: Sequence[int], values: Sequence[float],
                 groups: Mapping[str, str]) -> BeforeAfter:
    """Means before (day < 0) and after (day >= 0) the start, per group, each person weighing
    the same (their own mean first)."""
    means: dict[tuple[str, bool], dict[str, list[float]]] = {}
    for key, day, value in zip(person, days, values, strict=True):
        group = groups.get(key)
        if group is None or not math.isfinite(value):
            continue
        means.setdefault((group, day >= 0), {}).setdefault(key, []).append(value)

    def mean(group: str, after: bool) -> float | None:
        found = means.get((group, after), {})
        if not found:
            return None
        return round(float(np.mean([np.mean(items) for items in found.values()])), 4)

    def people(group: str) -> int:
        return len(set(means.get((group, False), {})) | set(means.get((group, True), {})))

    return BeforeAfter(
        treated_before=mean(Group.TREATED, False), treated_after=mean(Group.TREATED, True),
        holdout_before=mean(Group.HOLDOUT, False), holdout_after=mean(Group.HOLDOUT, True),
        n_treated=people(Group.TREATED), n_holdout=people(Group.HOLDOUT))


@dataclass(frozen=True, slots=True)
class Reaction:
    """Level 1: how the treated people rated what they got, and how many answered."""

    responses: int
    treated: int
    mean_rating: float | None
    comments: int

    @property
    def response_rate(self) -> float | None:
        return round(self.responses / self.treated, 4) if self.treated else None

    def as_dict(self) -> dict[str, object]:
        return {"responses": self.responses, "treated": self.treated,
                "response_rate": self.response_rate, "mean_rating": self.mean_rating,
                "comments": self.comments}


def reaction(*, ratings: Mapping[str, Sequence[float]], treated: Iterable[str],
             comments: int = 0) -> Reaction:
    """Ratings by treated people after the start (person → their ratings): each respondent
    counts once, with the mean of their own ratings."""
    treated = set(treated)
    answered = {key: items for key, items in ratings.items() if key in treated and items}
    mean = (round(float(np.mean([np.mean(items) for items in answered.values()])), 3)
            if answered else None)
    return Reaction(responses=len(answered), treated=len(treated), mean_rating=mean,
                    comments=comments)


def competency_times(*, detected: date | None, reached: Mapping[str, date],
                     treated: Iterable[str]) -> dict[str, object]:
    """Days from the need's detection to each treated person's first evidence at the required
    level: how many got there, and the median and slowest time."""
    treated = sorted(set(treated))
    if detected is None:
        return {"detected": None, "reached": 0, "treated": len(treated), "median_days": None,
                "note": "no detection date for the need"}
    days = [max((reached[key] - detected).days, 0) for key in treated if key in reached]
    return {"detected": detected.isoformat(), "reached": len(days), "treated": len(treated),
            "median_days": float(np.median(days)) if days else None,
            "slowest_days": max(days) if days else None}


STEPS = ("detected", "drafted", "approved", "delivered")


def cycle_times(stamps: Mapping[str, date | datetime | None]) -> dict[str, object]:
    """Days between the pipeline's steps (detected → drafted → approved → delivered) where
    both ends are known; review lag is drafted → approved."""
    def day(name: str) -> date | None:
        value = stamps.get(name)
        return value.date() if isinstance(value, datetime) else value

    shown: dict[str, object] = {name: (day(name).isoformat() if day(name) else None)
                                for name in STEPS}
    for first, second in zip(STEPS, STEPS[1:], strict=False):
        start, end = day(first), day(second)
        shown[f"{first}_to_{second}_days"] = (end - start).days if start and end else None
    start, end = day("detected"), day("delivered")
    shown["detected_to_delivered_days"] = (end - start).days if start and end else None
    shown["review_lag_days"] = shown["drafted_to_approved_days"]
    return shown


def hours_saved(*, baseline_hours: float, source: str,
                review_hours: float | None) -> dict[str, object]:
    """Hours saved against the manual baseline: an intervention learnloop produced saves the
    baseline less the review time recorded for it; one delivered elsewhere saves nothing."""
    if source != "learnloop":
        return {"baseline_hours": baseline_hours, "hours_saved": 0.0,
                "note": "delivered outside learnloop"}
    spent = review_hours or 0.0
    return {"baseline_hours": baseline_hours, "review_hours": spent,
            "hours_saved": round(max(baseline_hours - spent, 0.0), 2)}
