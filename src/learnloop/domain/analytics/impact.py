"""The effect of an intervention on its KPI against the randomised hold-out, with honest intervals.

Person-level difference in differences with the pre-period mean as covariate (ANCOVA), CR2 errors
clustered as the hold-out was drawn, Bell–McCaffrey df, and a verdict in plain words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from learnloop.domain.analytics.cluster_robust import fit_by_person, fit_clustered
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
    curve = _residual_curve(people, observed, np.concatenate([[weeks_now], horizon * reporting]))
    now, later = curve[0], curve[1:]
    unexplained = max(residual_variance - now, 0.0)
    projected = mde * np.sqrt((unexplained + later) / (unexplained + now))
    reached = horizon[(projected <= target) & (horizon > weeks_after)]
    return int(reached[0] - weeks_after) if len(reached) else None


def _residual_curve(people: PersonSummary, observed: np.ndarray, weeks: np.ndarray) -> np.ndarray:
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

