"""Analytics validity: coverage, false-positive rate and power of the KPI effect vs the hold-out.

Over --organisations simulated organisations per setting (default 2,000; seeds 0.., the same for
every estimator): ours (ANCOVA, team intercepts, CR2 by person, Bell–McCaffrey df), ours
clustered by team, the corrected reference (change-score DiD, CR2 by team) and the plain
reference (DiD with a percentile cluster bootstrap). Interval widths are in person-weekly SDs.
Then how well "not enough data yet" projects the weeks still needed (organisations followed
for 30 weeks after the start, judged at week 4), and the time per estimate at 5,000 people x 26
weeks.
"""

from __future__ import annotations

import argparse
import functools
import time
from dataclasses import replace

import numpy as np

from learnloop.domain.analytics import estimate_impact
from learnloop.simulation.impact import ImpactSimulationSettings, score_validity, simulate_impact
from learnloop.simulation.impact_reference import did_cluster_bootstrap, did_cr2

ESTIMATORS = {
    "ours (ANCOVA, CR2 by person, team strata)": estimate_impact,
    "ours clustered by team": functools.partial(estimate_impact, clustering="team"),
    "reference DiD, CR2 by team": did_cr2,
    "reference DiD, percentile cluster bootstrap": did_cluster_bootstrap,
}
SETTINGS = {
    "standard: 4-8 teams of 12-30": ImpactSimulationSettings(),
    "power: 4-8 teams of 40-80": ImpactSimulationSettings(team_size=(40, 80)),
    "whole teams held out: 10-16 teams of 12-30": ImpactSimulationSettings(
        whole_teams=True, teams=(10, 16)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5, help="timed estimates at full size")
    args = parser.parse_args()
    n = args.organisations
    print(f"{n} organisations per setting and effect; Monte Carlo SE of a share p is "
          f"sqrt(p(1-p)/{n}): 0.49 points at 95%, 1.1 points at 50%")
    for label, settings in SETTINGS.items():
        print(f"\n== {label} (12 weeks before, 12 after, 20% hold-out)")
        print(f"{'estimator':46} {'cover@0':>8} {'FPR':>6} {'cover@.2':>9} {'power@.2':>9} "
              f"{'width':>6} {'ms':>6}")
        for name, estimator in ESTIMATORS.items():
            if settings.whole_teams and "person" not in name and "bootstrap" not in name:
                continue          # team intercepts cannot be fitted when whole teams are held out
            null = score_validity(estimator, effect_sd=0.0, organisations=n, settings=settings)
            effect = score_validity(estimator, effect_sd=0.2, organisations=n, settings=settings)
            print(f"{name:46} {null.coverage:8.3f} {null.rejection:6.3f} {effect.coverage:9.3f} "
                  f"{effect.rejection:9.3f} {effect.mean_width:6.3f} "
                  f"{1000 * effect.seconds_per_estimate:6.1f}", flush=True)

    projection(min(n, 500))
    big = simulate_impact(1, ImpactSimulationSettings(
        effect_sd=0.2, teams=(250, 250), team_size=(20, 20), weeks_before=13, weeks_after=13))
    print(f"\n== time per estimate: {big.people} people x 26 weeks "
          f"({len(big.panel.value)} person-weeks after 12% missing), {big.teams} teams")
    for name, estimator in ESTIMATORS.items():
        estimator(big.panel)
        started = time.perf_counter()
        for _ in range(args.repeats):
            result = estimator(big.panel)
        seconds = (time.perf_counter() - started) / args.repeats
        print(f"{name:46} {seconds:7.3f} s  estimate {result.estimate:.4f} "
              f"[{result.lower:.4f}, {result.upper:.4f}] truth {big.true_effect:.4f}")


def _first_weeks(panel, weeks: int):
    keep = panel.week < weeks
    return replace(panel, person=panel.person[keep], cluster=panel.cluster[keep],
                   treated=panel.treated[keep], week=panel.week[keep], value=panel.value[keep])


def projection(organisations: int, *, at: int = 4, follow: int = 30) -> None:
    """Judge at week `at`; follow each organisation to the week it was told, or to `follow`."""
    settings = ImpactSimulationSettings(team_size=(20, 50), weeks_after=follow)
    told, ratios, reached, hopeless, hopeless_reached, enough = [], [], 0, 0, 0, 0
    for seed in range(organisations):
        panel = simulate_impact(seed, settings).panel
        early = estimate_impact(_first_weeks(panel, at))
        if early.enough_data:
            enough += 1
        elif early.weeks_needed is None:
            hopeless += 1
            last = estimate_impact(_first_weeks(panel, follow))
            hopeless_reached += last.mde <= last.smallest_effect
        elif at + early.weeks_needed <= follow:
            later = estimate_impact(_first_weeks(panel, at + early.weeks_needed))
            told.append(early.weeks_needed)
            ratios.append(later.mde / later.smallest_effect)
            reached += later.mde <= later.smallest_effect
    print(f"\n== weeks still needed, judged at week {at} ({organisations} organisations of 4-8 "
          f"teams of 20-50, followed {follow} weeks): {enough} had enough data;")
    if told:
        print(f"   {len(told)} told a number of weeks (median {np.median(told):.0f}): at that week "
              f"the MDE / smallest effect has median {np.median(ratios):.2f} "
              f"(reached by {reached / len(told):.0%})")
    if hopeless:
        print(f"   {hopeless} told more weeks alone are unlikely to do: "
              f"{hopeless_reached / hopeless:.0%} reached it by week {follow} anyway")


if __name__ == "__main__":
    main()
