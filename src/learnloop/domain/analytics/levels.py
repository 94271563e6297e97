"""Kirkpatrick levels 1-3 as numbers with intervals: reaction, learning and behaviour.

Level 4 (the KPI against the hold-out) is impact.py; behaviour signals use the same estimator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from learnloop.domain.analytics.impact import ImpactEstimate, ImpactPanel, estimate_impact
from learnloop.domain.analytics.student import t_quantile, t_two_sided_p
from learnloop.errors import InputError, Problem

__all__ = ["BeforeAfter", "LearningChange", "Proportion", "Reaction", "before_after",
           "behaviour_change", "learning_change", "proportion", "reaction"]


@dataclass(frozen=True, slots=True)
class Proportion:
    """A share with its Wilson interval (honest near 0 and 1 and for small counts)."""

    count: int
    total: int
    rate: float
    lower: float
    upper: float


def proportion(count: int, total: int, *, confidence: float = 0.95) -> Proportion:
    """count of total, with a Wilson score interval; nan when total is 0."""
    if count < 0 or total < 0 or count > total:
        raise InputError("a count must lie between 0 and its total",
                         problems=[Problem(f"{count} of {total}")])
    if total == 0:
        return Proportion(count, total, math.nan, math.nan, math.nan)
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    rate = count / total
    centre = (rate + z * z / (2 * total)) / (1 + z * z / total)
    spread = math.sqrt(rate * (1 - rate) / total + z * z / (4 * total * total))
    half = z * spread / (1 + z * z / total)
    return Proportion(count, total, rate, max(0.0, centre - half), min(1.0, centre + half))


def _mean_interval(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan, math.nan
    critical = t_quantile(1 - (1 - confidence) / 2, len(values) - 1)
    half = critical * values.std(ddof=1) / math.sqrt(len(values))
    return mean, mean - half, mean + half


@dataclass(frozen=True, slots=True)
class Reaction:
    """Level 1: how learners rated it, how many answered, and the spread of answers."""

    responses: int
    invited: int
    response_rate: Proportion
    mean: float
    lower: float
    upper: float
    distribution: tuple[tuple[int, int], ...]     # (rating, count) for every point of the scale
    comments: int


def reaction(
    ratings: Sequence[float],
    *,
    invited: int,
    scale: tuple[int, int] = (1, 5),
    comments: int = 0,
    confidence: float = 0.95,
) -> Reaction:
    """Mean rating with a t interval (kept inside the scale), distribution and response rate."""
    values = np.asarray(ratings, dtype=float)
    values = values[np.isfinite(values)]
    low, high = scale
    outside = values[(values < low) | (values > high)]
    if len(outside):
        raise InputError(f"ratings must lie on the {low}-{high} scale",
                         problems=[Problem(f"{len(outside)} rating(s) outside it, "
                                           f"e.g. {outside[0]:g}")])
    mean, lower, upper = _mean_interval(values, confidence)
    points = np.arange(low, high + 1)
    counts = np.bincount(np.rint(values).astype(int) - low, minlength=len(points))
    return Reaction(
        responses=len(values), invited=invited,
        response_rate=proportion(min(len(values), invited), invited, confidence=confidence),
        mean=mean, lower=max(lower, low) if math.isfinite(lower) else lower,
        upper=min(upper, high) if math.isfinite(upper) else upper,
        distribution=tuple((int(p), int(c)) for p, c in zip(points, counts, strict=True)),
        comments=comments)


@dataclass(frozen=True, slots=True)
class LearningChange:
    """Level 2: the paired change from before to after, over the people measured both times."""

    people: int
    before: float
    after: float
    change: float
    lower: float
    upper: float
    p_value: float
    only_before: int            # measured before but not after (left out of the pairing)
    only_after: int


def learning_change(
    before: Mapping[str, float], after: Mapping[str, float], *, confidence: float = 0.95
) -> LearningChange:
    """Paired before/after difference (knowledge-check scores, mastery or proficiency levels)."""
    both = sorted(set(before) & set(after))
    first = np.array([before[p] for p in both], dtype=float)
    second = np.array([after[p] for p in both], dtype=float)
    keep = np.isfinite(first) & np.isfinite(second)
    first, second = first[keep], second[keep]
    change, lower, upper = _mean_interval(second - first, confidence)
    p_value = math.nan
    if len(first) >= 2:
        sd = float(np.std(second - first, ddof=1))
        p_value = t_two_sided_p(change / (sd / math.sqrt(len(first))), len(first) - 1) if sd > 0 \
            else (1.0 if change == 0 else 0.0)
    return LearningChange(
        people=int(len(first)), before=float(first.mean()) if len(first) else math.nan,
        after=float(second.mean()) if len(second) else math.nan, change=change, lower=lower,
        upper=upper, p_value=p_value, only_before=len(set(before) - set(after)),
        only_after=len(set(after) - set(before)))


@dataclass(frozen=True, slots=True)
class BeforeAfter:
    """Mean of a signal before and after the start, for the treated and the hold-out."""

    treated_before: float
    treated_after: float
    holdout_before: float
    holdout_after: float
    weekly: tuple[tuple[int, float, float], ...]     # (week, treated, hold-out) for charts


def before_after(panel: ImpactPanel) -> BeforeAfter:
    """Descriptive means by group and period, and by week (what a chart of level 3/4 shows)."""
    value = np.asarray(panel.value, dtype=float)
    keep = np.isfinite(value)
    value, week = value[keep], np.asarray(panel.week)[keep]
    treated = np.asarray(panel.treated, dtype=bool)[keep]
    after = week >= 0

    def mean(mask: np.ndarray) -> float:
        return float(value[mask].mean()) if mask.any() else math.nan

    weeks, index = np.unique(week, return_inverse=True)
    rows = []
    for arm in (treated, ~treated):
        sums = np.bincount(index, weights=value * arm, minlength=len(weeks))
        counts = np.bincount(index, weights=arm, minlength=len(weeks))
        with np.errstate(invalid="ignore", divide="ignore"):
            rows.append(np.where(counts > 0, sums / np.maximum(counts, 1), np.nan))
    return BeforeAfter(
        treated_before=mean(treated & ~after), treated_after=mean(treated & after),
        holdout_before=mean(~treated & ~after), holdout_after=mean(~treated & after),
        weekly=tuple((int(w), float(t), float(h)) for w, t, h in zip(weeks, *rows, strict=True)))


def behaviour_change(
    panels: Mapping[str, ImpactPanel], *, confidence: float = 0.95
) -> dict[str, ImpactEstimate]:
    """Level 3: each behaviour signal the need names, treated against hold-out, like the KPI."""
    return {metric: estimate_impact(panel, confidence=confidence)
            for metric, panel in panels.items()}
