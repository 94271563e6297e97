"""Reference impact estimators to measure ours against: plain difference in differences.

With a percentile cluster bootstrap by team (what many tools do; too narrow with few teams), and
with CR2 errors by team and Bell–McCaffrey df but no pre-period covariate (the corrected reference).
"""

from __future__ import annotations

import math

import numpy as np

from learnloop.domain.analytics.cluster_robust import fit_clustered
from learnloop.domain.analytics.impact import ImpactEstimate, ImpactPanel, summarise_people
from learnloop.domain.analytics.student import t_quantile, t_two_sided_p

__all__ = ["did_cluster_bootstrap", "did_cr2"]


def _changes(panel: ImpactPanel):
    people = summarise_people(panel)
    both = (people.pre_weeks > 0) & (people.post_weeks > 0)
    _, cluster = np.unique(people.cluster[both], return_inverse=True)
    return people.post_mean[both] - people.pre_mean[both], people.treated[both], cluster


def _estimate(panel, value, lower, upper, se, p, df, treated, clusters, method):
    return ImpactEstimate(
        estimate=value, lower=lower, upper=upper, se=se, p_value=p, n_treated=int(treated.sum()),
        n_holdout=int((~treated).sum()), n_clusters=clusters, method=method, enough_data=True,
        verdict="", mde=None, weeks_needed=None, kpi=panel.kpi, direction=panel.direction, df=df)


def did_cluster_bootstrap(
    panel: ImpactPanel, *, confidence: float = 0.95, seed: int = 0, resamples: int = 999
) -> ImpactEstimate:
    """Mean change of the treated minus the hold-out's; percentile interval from resampled teams."""
    change, treated, cluster = _changes(panel)
    count = int(cluster.max()) + 1
    arms = (treated, ~treated)
    sums = [np.bincount(cluster, weights=change * arm, minlength=count) for arm in arms]
    sizes = [np.bincount(cluster, weights=arm.astype(float), minlength=count) for arm in arms]
    value = sums[0].sum() / sizes[0].sum() - sums[1].sum() / sizes[1].sum()
    draws = np.random.default_rng(seed).multinomial(count, np.full(count, 1.0 / count), resamples)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = draws @ sums[0] / (draws @ sizes[0]) - draws @ sums[1] / (draws @ sizes[1])
    boot = boot[np.isfinite(boot)]
    alpha = 1.0 - confidence
    lower, upper = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return _estimate(panel, float(value), float(lower), float(upper), float(np.std(boot, ddof=1)),
                     math.nan, math.nan, treated, count,
                     "difference in differences, percentile cluster bootstrap by team")


def did_cr2(panel: ImpactPanel, *, confidence: float = 0.95) -> ImpactEstimate:
    """Change-score difference in differences with team intercepts, CR2 by team, BM df."""
    change, treated, cluster = _changes(panel)
    fit = fit_clustered(change, treated.astype(float)[:, None], cluster, absorb_intercepts=True)
    critical = t_quantile(1 - (1 - confidence) / 2, fit.df)
    return _estimate(panel, fit.coefficient, fit.coefficient - critical * fit.se,
                     fit.coefficient + critical * fit.se, fit.se,
                     t_two_sided_p(fit.coefficient / fit.se, fit.df), fit.df, treated,
                     int(cluster.max()) + 1, "difference in differences, CR2 by team, BM df")
