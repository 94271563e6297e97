"""Seeded organisations with a known intervention effect on a KPI, for testing impact estimates.

Few teams per KPI, lasting person differences and slow personal trajectories, heavy-tailed weekly
noise, team levels and team-week shocks, a common drift, missing weeks, leavers and late joiners,
and a hold-out drawn at random within each team.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from learnloop.domain.analytics.impact import ImpactEstimate, ImpactPanel

__all__ = ["ImpactSimulationSettings", "SimulatedImpact", "ValidityScore", "score_validity",
           "simulate_impact", "stratified_holdout"]


@dataclass(frozen=True, slots=True)
class ImpactSimulationSettings:
    """One organisation's KPI population. Effects are in person-weekly SDs: the SD of one person's
    weekly value around their team's weekly mean, which is 1 on the simulation's inner scale."""

    effect_sd: float = 0.0             # the true effect on the treated, in person-weekly SDs
    effect_spread: float = 0.3         # teams' effects vary around it (SD as a share of it)
    teams: tuple[int, int] = (4, 8)    # teams per KPI, drawn uniformly (inclusive)
    team_size: tuple[int, int] = (12, 30)
    holdout: float = 0.2
    whole_teams: bool = False          # hold out whole teams instead of people within teams
    weeks_before: int = 12
    weeks_after: int = 12
    person_share: float = 0.35         # variance shares of a person-week: lasting person level,
    trajectory_share: float = 0.15     # a slow AR(1) personal trajectory,
    trajectory_phi: float = 0.85       # (its week-to-week persistence)
    noise_df: float = 5.0              # and heavy-tailed weekly noise (Student t), the rest
    team_sd: float = 0.6               # team levels (removed by the within-team comparison)
    team_week_sd: float = 0.2          # shocks shared by a team in a week
    drift_per_week: float = 0.02       # common trend, plus a seasonal swing
    missing: float = 0.12              # weeks a person reports nothing
    leavers: float = 0.06              # people who leave after a random week
    joiners: float = 0.06              # people who join after a random week
    kpi_mean: float = 0.72             # e.g. first-contact resolution as a 0-1 rate
    kpi_sd: float = 0.08               # one person-weekly SD in KPI units


@dataclass(frozen=True, slots=True)
class SimulatedImpact:
    panel: ImpactPanel
    true_effect: float                 # in KPI units (the panel's values)
    teams: int
    people: int


def stratified_holdout(team: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """True for the treated: in each team, round(fraction x size) people (at least 1) held out."""
    order = np.lexsort((rng.random(len(team)), team))
    sorted_team = team[order]
    starts = np.searchsorted(sorted_team, sorted_team, side="left")
    rank = np.arange(len(team)) - starts
    sizes = np.bincount(team)
    held = np.maximum(np.rint(fraction * sizes), 1)[sorted_team]
    treated = np.empty(len(team), dtype=bool)
    treated[order] = rank >= held
    return treated


def simulate_impact(seed: int, settings: ImpactSimulationSettings | None = None) -> SimulatedImpact:
    """One organisation's person-week panel around an intervention start, with its true effect."""
    s = settings or ImpactSimulationSettings()
    rng = np.random.default_rng(seed)
    teams = int(rng.integers(s.teams[0], s.teams[1] + 1))
    sizes = rng.integers(s.team_size[0], s.team_size[1] + 1, teams)
    team = np.repeat(np.arange(teams), sizes)
    people = len(team)
    weeks = np.arange(-s.weeks_before, s.weeks_after)
    n_weeks = len(weeks)
    if s.whole_teams:
        held = rng.permutation(teams)[: max(2, round(s.holdout * teams))]
        treated = ~np.isin(team, held)
    else:
        treated = stratified_holdout(team, s.holdout, rng)

    noise_share = 1.0 - s.person_share - s.trajectory_share
    t_scale = math.sqrt((s.noise_df - 2.0) / s.noise_df)        # unit-variance Student t
    noise = rng.standard_t(s.noise_df, (people, n_weeks)) * t_scale * math.sqrt(noise_share)
    innovations = rng.normal(0, 1, (people, n_weeks)) * math.sqrt(1 - s.trajectory_phi**2)
    trajectory = np.empty((people, n_weeks))
    trajectory[:, 0] = rng.normal(0, 1, people)
    for week in range(1, n_weeks):                              # a loop over weeks, not people
        trajectory[:, week] = s.trajectory_phi * trajectory[:, week - 1] + innovations[:, week]
    person = rng.normal(0, math.sqrt(s.person_share), people)
    shared = (rng.normal(0, s.team_sd, teams)[:, None]
              + rng.normal(0, s.team_week_sd, (teams, n_weeks))
              + s.drift_per_week * weeks[None, :]
              + 0.15 * np.sin(2 * np.pi * (weeks[None, :] + rng.uniform(0, 52)) / 52))
    after = weeks[None, :] >= 0
    # managers reinforce training more in some teams; the truth is the treated people's mean
    team_effect = s.effect_sd * (1.0 + s.effect_spread * rng.normal(0, 1, teams))
    inner = (person[:, None] + math.sqrt(s.trajectory_share) * trajectory + noise + shared[team]
             + team_effect[team][:, None] * (treated[:, None] & after))
    values = s.kpi_mean + s.kpi_sd * inner

    present = rng.random((people, n_weeks)) >= s.missing
    leaves = rng.random(people) < s.leavers
    columns = np.arange(n_weeks)[None, :]
    present &= ~(leaves[:, None] & (columns > rng.integers(2, n_weeks, people)[:, None]))
    joins = rng.random(people) < s.joiners
    present &= ~(joins[:, None] & (columns < rng.integers(1, n_weeks - 2, people)[:, None]))
    rows, columns = np.nonzero(present)
    panel = ImpactPanel(person=rows, cluster=team[rows], treated=treated[rows],
                        week=weeks[columns], value=values[rows, columns],
                        kpi="first-contact resolution", direction="up", unit="points", scale=100.0)
    truth = float(team_effect[team][treated].mean()) * s.kpi_sd
    return SimulatedImpact(panel=panel, true_effect=truth, teams=teams,
                           people=people)


@dataclass(frozen=True, slots=True)
class ValidityScore:
    """How an estimator did over many organisations with one true effect."""

    organisations: int
    effect_sd: float
    coverage: float          # share of intervals that contain the true effect
    rejection: float         # share of intervals that exclude zero (FPR at 0, power otherwise)
    mean_width: float        # mean interval width in person-weekly SDs
    bias: float              # mean estimate minus truth, in person-weekly SDs
    seconds_per_estimate: float

    def monte_carlo_error(self, share: float) -> float:
        """Standard error of a share measured over these organisations."""
        return math.sqrt(max(share * (1 - share), 1e-12) / self.organisations)


def score_validity(
    estimator: Callable[[ImpactPanel], ImpactEstimate],
    *,
    effect_sd: float,
    organisations: int,
    first_seed: int = 0,
    settings: ImpactSimulationSettings | None = None,
) -> ValidityScore:
    """Run an estimator on `organisations` seeded organisations sharing one true effect."""
    import time

    base = replace(settings or ImpactSimulationSettings(), effect_sd=effect_sd)
    covered = rejected = 0
    widths, errors = [], []
    spent = 0.0
    for seed in range(first_seed, first_seed + organisations):
        simulated = simulate_impact(seed, base)
        started = time.perf_counter()
        result = estimator(simulated.panel)
        spent += time.perf_counter() - started
        truth = simulated.true_effect
        covered += result.lower <= truth <= result.upper
        rejected += result.lower > 0 or result.upper < 0
        widths.append((result.upper - result.lower) / base.kpi_sd)
        errors.append((result.estimate - truth) / base.kpi_sd)
    return ValidityScore(
        organisations=organisations, effect_sd=effect_sd, coverage=covered / organisations,
        rejection=rejected / organisations, mean_width=float(np.mean(widths)),
        bias=float(np.mean(errors)), seconds_per_estimate=spent / organisations)
