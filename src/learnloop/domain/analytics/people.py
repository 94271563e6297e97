"""The person-week panel of a KPI around an intervention, collapsed to one row per person.

Also the variance model of a person's mean (lasting level, slow AR(1) drift, weekly noise)
fitted before the start, which the impact estimate uses to project the weeks still needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from learnloop.errors import InputError, Problem

__all__ = ["ImpactPanel", "PersonSummary", "residual_curve", "summarise_people"]


@dataclass(frozen=True, slots=True)
class ImpactPanel:
    """Person-week KPI values of a treated group and its hold-out, one row per person and week.

    `week` counts from the intervention's start (0 = first week after it, negative = before).
    `direction` is "up" when a higher KPI is better, "down" when lower is better. `scale` turns
    values into the unit shown (100 shows a 0-1 rate in points) and `unit` names that unit.
    """

    person: np.ndarray
    cluster: np.ndarray
    treated: np.ndarray
    week: np.ndarray
    value: np.ndarray
    kpi: str
    direction: str = "up"
    unit: str = ""
    scale: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        lengths = {len(self.person), len(self.cluster), len(self.treated), len(self.week),
                   len(self.value)}
        if len(lengths) != 1:
            problems.append(Problem("person, cluster, treated, week and value differ in length"))
        if self.direction not in ("up", "down"):
            problems.append(Problem(f"direction must be 'up' or 'down', not {self.direction!r}",
                                    field="direction"))
        if not (math.isfinite(self.scale) and self.scale > 0):
            problems.append(Problem("scale must be a positive number", field="scale"))
        if problems:
            raise InputError("the impact panel is not usable", problems=problems)


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """One row per person: team code, arm, pre- and post-period means and week counts."""

    cluster: np.ndarray
    treated: np.ndarray
    pre_mean: np.ndarray
    pre_weeks: np.ndarray
    post_mean: np.ndarray
    post_weeks: np.ndarray
    within_variance: float      # a person's weekly variance around their own level (noise + drift)
    weekly_sd: float            # person-weekly SD within teams, before the start
    persistence: float = 0.0    # week-to-week persistence (AR(1)) of a person's slow drift
    drift_variance: float = 0.0 # the part of within_variance that drifts slowly, not noise

    def mean_variance(self, weeks: np.ndarray) -> np.ndarray:
        """Variance of a person's mean over `weeks` weeks: noise averages out, slow drift less."""
        weeks = np.maximum(np.asarray(weeks, dtype=float), 1.0)
        phi = self.persistence
        noise = max(self.within_variance - self.drift_variance, 0.0)
        if phi <= 0.0 or self.drift_variance <= 0.0:
            return self.within_variance / weeks
        # 1 + 2 sum_k (1 - k/w) phi^k, the AR(1) variance inflation of a w-week mean, closed form
        inflation = (1 + phi) / (1 - phi) - 2 * phi * (1 - phi**weeks) / (weeks * (1 - phi) ** 2)
        return noise / weeks + self.drift_variance * inflation / weeks


def summarise_people(panel: ImpactPanel) -> PersonSummary:
    """Collapse person-weeks to person means before and after the start (vectorised)."""
    value = np.asarray(panel.value, dtype=float)
    keep = np.isfinite(value)
    value, week = value[keep], np.asarray(panel.week)[keep]
    _, person = np.unique(np.asarray(panel.person)[keep], return_inverse=True)
    people = int(person.max()) + 1 if len(person) else 0
    first = np.full(people, len(person), dtype=np.int64)
    np.minimum.at(first, person, np.arange(len(person)))
    _, cluster_rows = np.unique(np.asarray(panel.cluster)[keep], return_inverse=True)
    treated_rows = np.asarray(panel.treated, dtype=bool)[keep]
    treated = treated_rows[first] if people else np.zeros(0, bool)
    if people and np.any(treated_rows != treated[person]):
        raise InputError("a person is in both the treated group and the hold-out",
                         problems=[Problem("each person must keep one group", field="treated")])
    before = week < 0
    pre_weeks = np.bincount(person, weights=before, minlength=people)
    post_weeks = np.bincount(person, weights=~before, minlength=people)
    pre_sum = np.bincount(person, weights=value * before, minlength=people)
    post_sum = np.bincount(person, weights=value * ~before, minlength=people)
    with np.errstate(invalid="ignore", divide="ignore"):
        pre_mean = pre_sum / pre_weeks
        post_mean = post_sum / post_weeks
    period_mean = np.where(before, pre_mean[person], post_mean[person])
    spread = (value - period_mean) ** 2
    periods = np.count_nonzero(pre_weeks) + np.count_nonzero(post_weeks)
    within = float(spread.sum() / max(len(value) - periods, 1))
    weekly_sd = _weekly_sd(value[before], cluster_rows[before], week[before])
    weekly, drift, persistence = _slow_drift(person, week, value, cluster_rows, before)
    within = weekly if math.isfinite(weekly) else within
    return PersonSummary(
        cluster=cluster_rows[first] if people else np.zeros(0, np.int64), treated=treated,
        pre_mean=pre_mean, pre_weeks=pre_weeks.astype(int), post_mean=post_mean,
        post_weeks=post_weeks.astype(int), within_variance=within, weekly_sd=weekly_sd,
        persistence=persistence, drift_variance=drift)


def _slow_drift(person, week, value, cluster, before) -> tuple[float, float, float]:
    """Weekly noise, slow personal drift (AR(1)) and its persistence, from the pre-period.

    Fits the variogram of each person's values net of their team's week mean,
    V(h) = noise + drift (1 - persistence^h), over lags of 1-8 weeks: unlike autocovariances
    around a person's own mean, it is not biased by that mean. Returns (noise + drift, drift,
    persistence); zeros when there is too little to fit.
    """
    person, week, value, cluster = person[before], week[before], value[before], cluster[before]
    if len(value) < 50:
        return math.nan, 0.0, 0.0
    _, cell = np.unique(cluster * (int(week.max() - week.min()) + 1) + (week - week.min()),
                        return_inverse=True)
    sums = np.bincount(cell, weights=value)
    sizes = np.bincount(cell)
    residual = value - (sums / sizes)[cell]
    # a person x week grid, so pairs h weeks apart count even with missing weeks between them
    _, row = np.unique(person, return_inverse=True)
    grid = np.full((int(row.max()) + 1, int(week.max() - week.min()) + 1), np.nan)
    grid[row, week - week.min()] = residual
    lags, halves, counts = [], [], []
    for lag in range(1, min(9, grid.shape[1])):
        steps = grid[:, lag:] - grid[:, :-lag]
        steps = steps[np.isfinite(steps)]
        if len(steps) >= 30:
            counts.append(float(len(steps)))
            lags.append(lag)
            halves.append(0.5 * float(np.mean(steps**2)))
    if len(lags) < 3:
        return math.nan, 0.0, 0.0
    lags_array, variogram = np.array(lags, dtype=float), np.array(halves)
    weight = np.array(counts)                  # lags with more pairs are measured better
    # V(h) = total - drift phi^h: weighted least squares in (total, drift) for a grid of phi
    persistences = np.linspace(0.0, 0.95, 20)[:, None]
    decay = persistences**lags_array[None, :]                         # (persistences, lags)
    w_sum, w_v = weight.sum(), (weight * variogram).sum()
    w_d, w_dd, w_dv = decay @ weight, (decay**2) @ weight, decay @ (weight * variogram)
    determinant = w_sum * w_dd - w_d**2
    with np.errstate(divide="ignore", invalid="ignore"):
        total = (w_dd * w_v - w_d * w_dv) / determinant
        drift = (w_d * w_v - w_sum * w_dv) / determinant
    fitted = total[:, None] - drift[:, None] * decay
    error = ((fitted - variogram[None, :]) ** 2) @ weight
    allowed = np.isfinite(error) & (drift >= 0) & (drift <= total)
    if not allowed.any():
        return float(np.average(variogram, weights=weight)), 0.0, 0.0
    best_at = int(np.flatnonzero(allowed)[np.argmin(error[allowed])])
    best = (0.0, float(total[best_at]), float(drift[best_at]), float(persistences[best_at, 0]))
    _, total, drift, persistence = best
    return total, drift, persistence


def _weekly_sd(value: np.ndarray, cluster: np.ndarray, week: np.ndarray) -> float:
    """SD of person-week values around their team's mean that week: the unit effects are
    measured in ("0.2 person-weekly SD"), free of team levels, shared shocks and seasons."""
    if len(value) < 3:
        return math.nan
    _, cell = np.unique(cluster * (int(week.max() - week.min()) + 1) + (week - week.min()),
                        return_inverse=True)
    sizes = np.bincount(cell)
    means = np.bincount(cell, weights=value) / sizes
    spread = np.sum((value - means[cell]) ** 2)
    return float(np.sqrt(spread / max(len(value) - len(sizes), 1)))


def residual_curve(people: PersonSummary, observed: np.ndarray, weeks: np.ndarray) -> np.ndarray:
    """Model variance of a person's after-mean over `weeks` weeks not predicted by the before-mean.

    var(after) - cov(after, before)^2 / var(before), with a lasting level (its variance measured
    from the before-means within teams), AR(1) drift and noise (`PersonSummary.mean_variance`).
    """
    has = observed & np.isfinite(people.pre_mean) & (people.pre_weeks > 0)
    if has.sum() < 3:
        return people.mean_variance(weeks)
    before_weeks = float(np.mean(people.pre_weeks[has]))
    count = int(people.cluster.max()) + 1
    cluster, before = people.cluster[has], people.pre_mean[has]
    sizes = np.bincount(cluster, minlength=count)
    centred = before - (np.bincount(cluster, weights=before, minlength=count)
                        / np.maximum(sizes, 1))[cluster]
    spread = float(np.sum(centred**2) / max(len(before) - np.count_nonzero(sizes), 1))
    before_variance = float(people.mean_variance(np.array([before_weeks]))[0])
    lasting = max(spread - before_variance, 0.0)
    weeks = np.maximum(weeks, 1.0)
    phi, drift = people.persistence, people.drift_variance
    shared = np.zeros(len(weeks))
    if phi > 0 and drift > 0:
        # mean over before-weeks i and after-weeks j of drift * phi^(lag), lags 1 .. apart
        shared = (drift * phi * (1 - phi**before_weeks) * (1 - phi**weeks)
                  / ((1 - phi) ** 2 * before_weeks * weeks))
    after = lasting + people.mean_variance(weeks)
    return after - (lasting + shared) ** 2 / (lasting + before_variance)
