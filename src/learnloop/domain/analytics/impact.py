"""The effect of an intervention on its KPI against the randomised hold-out, with an honest interval.

Person-level difference in differences with each person's pre-period mean as covariate (ANCOVA),
team intercepts, CR2 cluster-robust errors by team with Bell–McCaffrey df, and a plain-words verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from learnloop.domain.analytics.cluster_robust import fit_within_clusters
from learnloop.domain.analytics.student import t_quantile, t_two_sided_p
from learnloop.errors import InputError, Problem

__all__ = ["ImpactEstimate", "ImpactPanel", "PersonSummary", "estimate_impact", "summarise_people"]

METHOD = "ANCOVA difference in differences, team intercepts, CR2 by team, Bell-McCaffrey df"
POWER = 0.8                     # the minimum detectable effect is the one found 80% of the time
SMALLEST_EFFECT_SD = 0.2        # default effect worth detecting, in person-weekly SDs
MAX_WEEKS = 104                 # look no further ahead than two years for the weeks still needed


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
class ImpactEstimate:
    """The KPI effect (treated change minus hold-out change, in KPI units) and what it means."""

    estimate: float
    lower: float
    upper: float
    se: float
    p_value: float
    n_treated: int
    n_holdout: int
    n_clusters: int
    method: str
    enough_data: bool
    verdict: str
    mde: float | None           # smallest effect found 80% of the time at this confidence
    weeks_needed: int | None    # more post weeks needed until the MDE reaches the smallest effect
    kpi: str = ""
    direction: str = "up"
    confidence: float = 0.95
    df: float = math.nan
    weeks_after: int = 0
    smallest_effect: float = math.nan
    improved: bool | None = None          # significant and in the good direction
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """One row per person: team code, arm, pre- and post-period means and week counts."""

    cluster: np.ndarray
    treated: np.ndarray
    pre_mean: np.ndarray
    pre_weeks: np.ndarray
    post_mean: np.ndarray
    post_weeks: np.ndarray
    within_variance: float      # pooled person-weekly variance around each person's own mean
    weekly_sd: float            # person-weekly SD within teams, before the start


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
    weekly_sd = _weekly_sd(value[before], cluster_rows[before])
    return PersonSummary(
        cluster=cluster_rows[first] if people else np.zeros(0, np.int64), treated=treated,
        pre_mean=pre_mean, pre_weeks=pre_weeks.astype(int), post_mean=post_mean,
        post_weeks=post_weeks.astype(int), within_variance=within, weekly_sd=weekly_sd)


def _weekly_sd(value: np.ndarray, cluster: np.ndarray) -> float:
    """SD of person-week values around their team's mean (the unit effects are measured in)."""
    if len(value) < 3:
        return math.nan
    count = int(cluster.max()) + 1
    sizes = np.bincount(cluster, minlength=count)
    means = np.bincount(cluster, weights=value, minlength=count) / np.maximum(sizes, 1)
    return float(np.sqrt(np.sum((value - means[cluster]) ** 2) / max(len(value) - count, 1)))


def estimate_impact(
    panel: ImpactPanel,
    *,
    confidence: float = 0.95,
    seed: int = 0,
    smallest_effect: float | None = None,
) -> ImpactEstimate:
    """Estimate the KPI effect against the hold-out with a small-sample-correct interval.

    Each person's post-period mean is regressed on their arm and their pre-period mean, with one
    intercept per team (hold-outs are drawn within teams, so teams compare like with like). The
    interval uses CR2 errors clustered by team and Bell–McCaffrey df, so it stays near its stated
    coverage with as few as four teams. `smallest_effect` (KPI units, default 0.2 person-weekly
    SD) is the effect worth detecting: below it the MDE decides "not enough data yet". `seed` is
    accepted for estimators that resample; this one is deterministic.
    """
    del seed
    if not 0.5 < confidence < 1.0:
        raise InputError("confidence must be between 0.5 and 1",
                         problems=[Problem("use e.g. 0.95", field="confidence")])
    people = summarise_people(panel)
    target = smallest_effect if smallest_effect is not None else SMALLEST_EFFECT_SD * people.weekly_sd
    observed = people.post_weeks > 0
    treated, holdout = people.treated & observed, ~people.treated & observed
    n_treated, n_holdout = int(treated.sum()), int(holdout.sum())
    weeks_after = int(people.post_weeks.max()) if len(people.post_weeks) else 0
    base = dict(kpi=panel.kpi, direction=panel.direction, confidence=confidence,
                n_treated=n_treated, n_holdout=n_holdout, method=METHOD,
                smallest_effect=float(target), weeks_after=weeks_after)
    usable_clusters = _clusters_with_both_arms(people, observed)
    if n_treated < 2 or n_holdout < 2 or usable_clusters < 2:
        return _too_early(people, panel, base, usable_clusters)

    fit, covariates = _fit(people, observed)
    alpha = 1.0 - confidence
    df = fit.df if math.isfinite(fit.df) and fit.df > 0 else max(usable_clusters - 1, 1)
    critical = t_quantile(1.0 - alpha / 2.0, df)
    lower, upper = fit.coefficient - critical * fit.se, fit.coefficient + critical * fit.se
    p_value = t_two_sided_p(fit.coefficient / fit.se, df) if fit.se > 0 else math.nan
    mde = (critical + t_quantile(POWER, df)) * fit.se
    still = _weeks_still_needed(people, observed, fit.residual_variance, mde, target, weeks_after)
    significant = lower > 0 or upper < 0
    enough = significant or (math.isfinite(target) and mde <= target)
    improved = (fit.coefficient > 0) == (panel.direction == "up") if significant else None
    notes = [f"{usable_clusters} teams with both groups"]
    if covariates < 1:
        notes.append("no one had data before the start: a plain comparison of means")
    estimate = ImpactEstimate(
        estimate=fit.coefficient, lower=lower, upper=upper, se=fit.se, p_value=p_value,
        n_clusters=usable_clusters, enough_data=enough, verdict="", mde=mde,
        weeks_needed=0 if enough else still, df=df, improved=improved, notes=tuple(notes), **base)
    return _with_verdict(estimate, panel)


def _clusters_with_both_arms(people: PersonSummary, observed: np.ndarray) -> int:
    if not observed.any():
        return 0
    count = int(people.cluster.max()) + 1
    treated = np.bincount(people.cluster[observed], weights=people.treated[observed], minlength=count)
    total = np.bincount(people.cluster[observed], minlength=count)
    return int(np.sum((treated > 0) & (treated < total)))


def _fit(people: PersonSummary, observed: np.ndarray):
    """ANCOVA on people with post data: the pre mean, imputed by the team's where missing."""
    cluster = people.cluster[observed]
    _, cluster = np.unique(cluster, return_inverse=True)
    arm = people.treated[observed].astype(float)
    pre = people.pre_mean[observed]
    has_pre = np.isfinite(pre)
    columns = [arm]
    if has_pre.sum() >= 3:
        count = int(cluster.max()) + 1
        sums = np.bincount(cluster[has_pre], weights=pre[has_pre], minlength=count)
        sizes = np.bincount(cluster[has_pre], minlength=count)
        overall = pre[has_pre].mean()
        team_pre = np.where(sizes > 0, sums / np.maximum(sizes, 1), overall)
        columns.append(np.where(has_pre, pre, team_pre[cluster]))
        if not has_pre.all():
            columns.append((~has_pre).astype(float))
    fit = fit_within_clusters(people.post_mean[observed], np.column_stack(columns), cluster)
    return fit, len(columns) - 1


def _weeks_still_needed(people, observed, residual_variance, mde, target, weeks_after):
    """Project the MDE forward: person means average out weekly noise, not lasting differences."""
    if not (math.isfinite(target) and target > 0 and math.isfinite(mde)):
        return None
    if mde <= target:
        return 0
    weeks_now = float(np.mean(people.post_weeks[observed]))
    within = people.within_variance
    lasting = max(residual_variance - within / max(weeks_now, 1.0), 0.0)
    now = lasting + within / max(weeks_now, 1.0)
    horizon = np.arange(1, MAX_WEEKS + 1)
    coverage = weeks_now / max(weeks_after, 1)           # share of weeks people actually report
    projected = mde * np.sqrt((lasting + within / np.maximum(horizon * coverage, 1.0)) / now)
    reached = horizon[(projected <= target) & (horizon > weeks_after)]
    return int(reached[0] - weeks_after) if len(reached) else None


def _too_early(people: PersonSummary, panel: ImpactPanel, base: dict, clusters: int) -> ImpactEstimate:
    """Not enough people or weeks after the start: say so, with what a full study would need."""
    weeks_after = base["weeks_after"]
    target = base["smallest_effect"]
    treated = int(people.treated.sum())
    holdout = int((~people.treated).sum())
    clusters = _clusters_with_both_arms(people, np.ones(len(people.treated), dtype=bool))
    mde, still = None, None
    if treated >= 2 and holdout >= 2 and math.isfinite(people.within_variance) and target > 0:
        # plan from the pre-period: weekly noise averages out, shared by both arms over the weeks
        design = 1.0 / treated + 1.0 / holdout
        df = max(clusters - 1, 1) if clusters >= 2 else 1
        factor = t_quantile(1.0 - (1.0 - base["confidence"]) / 2.0, df) + t_quantile(POWER, df)
        horizon = np.arange(1, MAX_WEEKS + 1)
        projected = factor * np.sqrt(2.0 * people.within_variance / horizon * design)
        mde = float(projected[max(weeks_after, 1) - 1])
        reached = horizon[(projected <= target) & (horizon > weeks_after)]
        still = int(reached[0] - weeks_after) if len(reached) else None
    who = []
    if base["n_treated"] < 2:
        who.append("fewer than 2 treated people have data after the start")
    if base["n_holdout"] < 2:
        who.append("fewer than 2 hold-out people have data after the start")
    if base["n_treated"] >= 2 and base["n_holdout"] >= 2:
        who.append("fewer than 2 teams have both treated and hold-out people")
    verdict = f"Not enough data yet on {panel.kpi}: " + "; ".join(who) + "."
    if still is not None:
        verdict += f" About {still} more weeks of data are needed to detect an effect of " \
                   f"{_number(target * panel.scale)}{_unit(panel)}."
    return ImpactEstimate(
        estimate=math.nan, lower=math.nan, upper=math.nan, se=math.nan, p_value=math.nan,
        n_clusters=clusters, enough_data=False, verdict=verdict, mde=mde, weeks_needed=still,
        notes=tuple(who), **base)


def _number(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 0.95 else f"{value:.2g}"


def _unit(panel: ImpactPanel) -> str:
    return f" {panel.unit}" if panel.unit else ""


def _with_verdict(estimate: ImpactEstimate, panel: ImpactPanel) -> ImpactEstimate:
    """The result in one sentence a manager can read, honest about uncertainty and direction."""
    scale, unit = panel.scale, _unit(panel)
    level = f"{round(estimate.confidence * 100):g}% CI"
    value, lower, upper = (estimate.estimate * scale, estimate.lower * scale, estimate.upper * scale)
    verb = "rose" if value >= 0 else "fell"
    if value < 0:
        value, lower, upper = -value, -upper, -lower
    interval = f"{level} {_signed(lower)}–{_signed(upper)}" if lower >= 0 else \
        f"{level} {_signed(lower)} to {_signed(upper)}"
    sentence = f"{panel.kpi} {verb} {_number(value)}{unit} more than in the hold-out ({interval})"
    good = "lower" if panel.direction == "down" else "higher"
    if estimate.improved is True:
        text = f"{sentence}: an improvement ({good} is better)."
    elif estimate.improved is False:
        text = f"{sentence}: a change for the worse ({good} is better)."
    elif estimate.enough_data:
        text = (f"No clear effect: {sentence}. An effect of {_number(estimate.smallest_effect * scale)}"
                f"{unit} would most likely have shown (smallest detectable effect "
                f"{_number(estimate.mde * scale)}{unit}).")
    else:
        wait = (f"about {estimate.weeks_needed} more weeks are needed" if estimate.weeks_needed
                else "more weeks alone will not be enough; a larger population is needed")
        text = (f"Not enough data yet: {sentence}. The smallest effect these data can detect is "
                f"{_number(estimate.mde * scale)}{unit}; to detect "
                f"{_number(estimate.smallest_effect * scale)}{unit}, {wait}.")
    return replace(estimate, verdict=text)


def _signed(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 0.95 or value == 0 else f"{value:.2g}"

