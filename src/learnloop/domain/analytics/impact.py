"""The effect of an intervention on its KPI against the randomised hold-out, with honest intervals.

Person-level difference in differences with the pre-period mean as covariate (ANCOVA), CR2 errors
clustered as the hold-out was drawn, Bell–McCaffrey df, and a verdict in plain words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from learnloop.domain.analytics.cluster_robust import fit_by_person, fit_clustered
from learnloop.domain.analytics.people import (
    ImpactPanel,
    PersonSummary,
    residual_curve,
    summarise_people,
)
from learnloop.domain.analytics.student import t_quantile, t_two_sided_p
from learnloop.errors import InputError, Problem

__all__ = ["ImpactEstimate", "ImpactPanel", "PersonSummary", "estimate_impact", "summarise_people"]

METHOD = ("ANCOVA difference in differences on person means, team intercepts (hold-out drawn "
          "within teams), CR2 errors by person, Bell-McCaffrey df")
METHOD_TEAM = ("ANCOVA difference in differences on person means, team intercepts, CR2 errors "
               "by team, Bell-McCaffrey df")
METHOD_WHOLE_TEAMS = ("ANCOVA difference in differences on person means (whole teams held out), "
                      "CR2 errors by team, Bell-McCaffrey df")
CLUSTERINGS = ("design", "team")
POWER = 0.8                     # the minimum detectable effect is the one found 80% of the time
SMALLEST_EFFECT_SD = 0.2        # default effect worth detecting, in person-weekly SDs
MAX_WEEKS = 104                 # look no further ahead than two years for the weeks still needed


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


def estimate_impact(
    panel: ImpactPanel,
    *,
    confidence: float = 0.95,
    seed: int = 0,
    smallest_effect: float | None = None,
    clustering: str = "design",
) -> ImpactEstimate:
    """Estimate the KPI effect against the hold-out with a small-sample-correct interval.

    Each person's post-period mean is regressed on their group and their pre-period mean
    (ANCOVA: it weighs the before-period as much as it predicts, unlike a plain difference).
    Errors follow the design: a hold-out drawn person by person within teams gets one intercept
    per team, so team levels and team-week shocks cancel between a team's treated and held-out
    people, and CR2 errors by person (a person's repeated weeks are one unit); whole teams held
    out get CR2 errors by team. `clustering="team"` clusters by team in both designs (valid for
    teams beyond these, at the price of few degrees of freedom). Bell–McCaffrey df throughout.
    `smallest_effect` (KPI units, default 0.2 person-weekly SD) is the effect worth detecting:
    while the MDE is above it and the interval spans zero, the verdict is "not enough data yet".
    `seed` is accepted for estimators that resample; this one is deterministic.
    """
    del seed
    if not 0.5 < confidence < 1.0:
        raise InputError("confidence must be between 0.5 and 1",
                         problems=[Problem("use e.g. 0.95", field="confidence")])
    if clustering not in CLUSTERINGS:
        raise InputError(f"clustering must be one of {', '.join(CLUSTERINGS)}",
                         problems=[Problem(f"not {clustering!r}", field="clustering")])
    people = summarise_people(panel)
    target = (smallest_effect if smallest_effect is not None
              else SMALLEST_EFFECT_SD * people.weekly_sd)
    observed = people.post_weeks > 0
    treated, holdout = people.treated & observed, ~people.treated & observed
    n_treated, n_holdout = int(treated.sum()), int(holdout.sum())
    weeks_after = int(people.post_weeks.max()) if len(people.post_weeks) else 0
    base = dict(kpi=panel.kpi, direction=panel.direction, confidence=confidence,
                n_treated=n_treated, n_holdout=n_holdout, smallest_effect=float(target),
                weeks_after=weeks_after)
    design = _design(people, observed)
    if not observed.any():
        return _too_early(people, panel, base, ("no one has data after the start yet",))
    if design.missing(clustering):
        return _too_early(people, panel, base, design.missing(clustering))

    fit, covariates, method = _fit(people, observed, clustering)
    alpha = 1.0 - confidence
    df = fit.df if math.isfinite(fit.df) and fit.df > 0 else 1.0
    critical = t_quantile(1.0 - alpha / 2.0, df)
    lower, upper = fit.coefficient - critical * fit.se, fit.coefficient + critical * fit.se
    p_value = t_two_sided_p(fit.coefficient / fit.se, df) if fit.se > 0 else math.nan
    mde = (critical + t_quantile(POWER, df)) * fit.se
    still = _weeks_still_needed(people, observed, fit.residual_variance, mde, target, weeks_after)
    significant = lower > 0 or upper < 0
    enough = significant or (math.isfinite(target) and mde <= target)
    improved = (fit.coefficient > 0) == (panel.direction == "up") if significant else None
    notes = [design.describe()]
    if covariates < 1:
        notes.append("no one had data before the start: a plain comparison of means")
    estimate = ImpactEstimate(
        estimate=fit.coefficient, lower=lower, upper=upper, se=fit.se, p_value=p_value,
        n_clusters=design.teams, method=method, enough_data=enough, verdict="", mde=mde,
        weeks_needed=0 if enough else still, df=df, improved=improved, notes=tuple(notes), **base)
    return _with_verdict(estimate, panel)


@dataclass(frozen=True, slots=True)
class _Design:
    """How the hold-out was drawn, read from who is in which team."""

    teams: int                 # teams with anyone observed after the start
    mixed: int                 # teams with both treated and held-out people
    treated_teams: int         # teams entirely treated
    holdout_teams: int         # teams entirely held out
    mixed_treated: int         # people in mixed teams, by group
    mixed_holdout: int

    def missing(self, clustering: str) -> tuple[str, ...]:
        """What stops an estimate, in words; empty when an estimate can be made."""
        if self.mixed == 0:
            if self.holdout_teams == 0 or self.treated_teams == 0:
                return ("no " + ("hold-out" if self.holdout_teams == 0 else "treated")
                        + " people have data after the start",)
            gaps = []
            if self.treated_teams < 2:
                gaps.append("fewer than 2 treated teams have data after the start")
            if self.holdout_teams < 2:
                gaps.append("fewer than 2 hold-out teams have data after the start")
            return tuple(gaps)
        gaps = []
        if self.mixed_treated < 2:
            gaps.append("fewer than 2 treated people have data after the start")
        if self.mixed_holdout < 2:
            gaps.append("fewer than 2 hold-out people have data after the start")
        if clustering == "team" and self.mixed < 2:
            gaps.append("fewer than 2 teams have both treated and hold-out people")
        return tuple(gaps)

    def describe(self) -> str:
        if self.mixed:
            return (f"hold-out drawn within teams: {self.mixed} of {self.teams} teams have both "
                    f"groups ({self.mixed_treated} treated, {self.mixed_holdout} held out)")
        return (f"whole teams held out: {self.treated_teams} treated teams, "
                f"{self.holdout_teams} hold-out teams")


def _design(people: PersonSummary, observed: np.ndarray) -> _Design:
    if not observed.any():
        return _Design(0, 0, 0, 0, 0, 0)
    count = int(people.cluster.max()) + 1
    cluster = people.cluster[observed]
    treated = np.bincount(cluster, weights=people.treated[observed], minlength=count)
    total = np.bincount(cluster, minlength=count)
    mixed = (treated > 0) & (treated < total)
    return _Design(
        teams=int(np.sum(total > 0)), mixed=int(mixed.sum()),
        treated_teams=int(np.sum((total > 0) & (treated == total))),
        holdout_teams=int(np.sum((total > 0) & (treated == 0))),
        mixed_treated=int(treated[mixed].sum()), mixed_holdout=int((total - treated)[mixed].sum()))


def _fit(people: PersonSummary, observed: np.ndarray, clustering: str):
    """ANCOVA on people with post data: the pre mean, imputed by the team's where missing.

    Returns the fit, the number of covariates and the method. Hold-outs drawn within teams get
    team intercepts (teams are strata) and one-person clusters; whole teams held out get one
    intercept and team clusters; `clustering="team"` clusters by team in either case.
    """
    _, cluster = np.unique(people.cluster[observed], return_inverse=True)
    count = int(cluster.max()) + 1
    arm = people.treated[observed].astype(float)
    pre = people.pre_mean[observed]
    has_pre = np.isfinite(pre)
    columns = [arm]
    if has_pre.sum() >= 3:
        sums = np.bincount(cluster[has_pre], weights=pre[has_pre], minlength=count)
        sizes = np.bincount(cluster[has_pre], minlength=count)
        team_pre = np.where(sizes > 0, sums / np.maximum(sizes, 1), pre[has_pre].mean())
        columns.append(np.where(has_pre, pre, team_pre[cluster]))
        if not has_pre.all():
            columns.append((~has_pre).astype(float))
    x, y = np.column_stack(columns), people.post_mean[observed]
    within = _design(people, observed).mixed > 0
    if within and clustering == "team":
        return fit_clustered(y, x, cluster, absorb_intercepts=True), len(columns) - 1, METHOD_TEAM
    if within:
        return fit_by_person(y, x, cluster), len(columns) - 1, METHOD
    with_constant = np.column_stack([x, np.ones(len(y))])
    return fit_clustered(y, with_constant, cluster), len(columns) - 1, METHOD_WHOLE_TEAMS


def _weeks_still_needed(people, observed, residual_variance, mde, target, weeks_after):
    """Project the MDE forward; the weeks still needed are the first where it reaches the target.

    Under the variance model fitted before the start (lasting person levels, slow AR(1) drift,
    weekly noise), a longer after-period averages out noise, but drifts further from what the
    before-mean predicts; the ANCOVA residual follows both. What the model does not explain is
    kept constant.
    """
    if not (math.isfinite(target) and target > 0 and math.isfinite(mde)):
        return None
    if mde <= target:
        return 0
    weeks_now = float(np.mean(people.post_weeks[observed]))
    reporting = weeks_now / max(weeks_after, 1)          # share of weeks people actually report
    horizon = np.arange(1, MAX_WEEKS + 1)
    curve = residual_curve(people, observed, np.concatenate([[weeks_now], horizon * reporting]))
    now, later = curve[0], curve[1:]
    unexplained = max(residual_variance - now, 0.0)
    projected = mde * np.sqrt((unexplained + later) / (unexplained + now))
    reached = horizon[(projected <= target) & (horizon > weeks_after)]
    return int(reached[0] - weeks_after) if len(reached) else None


def _too_early(people: PersonSummary, panel: ImpactPanel, base: dict,
               gaps: tuple[str, ...]) -> ImpactEstimate:
    """Not enough people or weeks after the start: say so, with what a full study would need."""
    weeks_after = base["weeks_after"]
    target = base["smallest_effect"]
    everyone = _design(people, np.ones(len(people.treated), dtype=bool))
    treated, holdout = int(people.treated.sum()), int((~people.treated).sum())
    mde, still = None, None
    if treated >= 2 and holdout >= 2 and math.isfinite(people.within_variance) and target > 0:
        # plan from the pre-period: weekly noise averages out over the weeks, in both groups
        design = 1.0 / treated + 1.0 / holdout
        df = max(treated + holdout - everyone.teams - 2, 1) if everyone.mixed else \
            max(everyone.teams - 2, 1)
        factor = t_quantile(1.0 - (1.0 - base["confidence"]) / 2.0, df) + t_quantile(POWER, df)
        horizon = np.arange(1, MAX_WEEKS + 1)
        projected = factor * np.sqrt(2.0 * people.mean_variance(horizon) * design)
        mde = float(projected[max(weeks_after, 1) - 1])
        reached = horizon[(projected <= target) & (horizon > weeks_after)]
        still = int(reached[0] - weeks_after) if len(reached) else None
    verdict = f"Not enough data yet on {panel.kpi}: " + "; ".join(gaps) + "."
    if still is not None:
        verdict += (f" About {still} more weeks of data are needed to detect an effect of "
                    f"{_number(target * panel.scale)}{_unit(panel)}.")
    return ImpactEstimate(
        estimate=math.nan, lower=math.nan, upper=math.nan, se=math.nan, p_value=math.nan,
        n_clusters=everyone.teams, method=METHOD, enough_data=False, verdict=verdict, mde=mde,
        weeks_needed=still, notes=gaps, **base)


def _number(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 0.95 else f"{value:.2g}"


def _unit(panel: ImpactPanel) -> str:
    return f" {panel.unit}" if panel.unit else ""


def _with_verdict(estimate: ImpactEstimate, panel: ImpactPanel) -> ImpactEstimate:
    """The result in one sentence a manager can read, honest about uncertainty and direction."""
    scale, unit = panel.scale, _unit(panel)
    level = f"{round(estimate.confidence * 100):g}% CI"
    value, lower, upper = (estimate.estimate * scale, estimate.lower * scale,
                           estimate.upper * scale)
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
        text = (f"No clear effect: {sentence}. An effect of "
                f"{_number(estimate.smallest_effect * scale)}{unit} would most likely have "
                f"shown (smallest detectable effect {_number(estimate.mde * scale)}{unit}).")
    else:
        wait = (f"about {estimate.weeks_needed} more weeks are needed" if estimate.weeks_needed
                else "more weeks alone are unlikely to be enough; a larger population would be")
        text = (f"Not enough data yet: {sentence}. The smallest effect these data can detect is "
                f"{_number(estimate.mde * scale)}{unit}; to detect "
                f"{_number(estimate.smallest_effect * scale)}{unit}, {wait}.")
    return replace(estimate, verdict=text)


def _signed(value: float) -> str:
    return f"{value:.1f}" if abs(value) >= 0.95 or value == 0 else f"{value:.2g}"

