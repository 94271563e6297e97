"""Seeded simulated organisations with known truth, to measure the sensing agent against.

Teams of people with weekly KPI values and volumes, noise, holidays, outages, new hires, missing
weeks, decoy changes in the change log, and injected dips whose cause is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from learnloop.domain.objectives import Direction
from learnloop.domain.sensing.series import ChangeEntry, ChangeKind

__all__ = ["SimulationSettings", "SimulatedOrganisation", "TeamTruth", "simulate_organisation"]

FIRST_WEEK = date(2025, 1, 6)
# (metric, direction, typical level, natural units per simulated unit)
METRICS = (("first_contact_resolution", Direction.UP, 0.72, 0.45),
           ("handle_time", Direction.DOWN, 9.0, 4.0))


@dataclass(frozen=True, slots=True)
class SimulationSettings:
    teams: int = 40
    weeks: int = 52
    team_size: tuple[int, int] = (8, 50)
    dip_share: float = 0.5            # share of teams given a sustained dip
    dip_sd: tuple[float, float] = (1.5, 3.5)
    skill_share: float = 0.5          # share of dips caused by a skill gap (the rest: process)
    dip_start: tuple[int, int] = (14, 43)   # leaves 8 weeks to find it
    process_logged: float = 0.85      # chance a process dip's change is in the change log
    decoy_at_skill_dip: float = 0.4   # chance a harmless change is logged as a skill dip starts
    decoys_per_team: float = 0.7
    outages_per_team: float = 0.8     # one-week outages; half of them logged
    hires_per_team: float = 1.5
    leavers_per_team: float = 0.5
    missing_person_week: float = 0.03
    missing_team_week: float = 0.02
    ramp_weeks: int = 8


@dataclass(frozen=True, slots=True)
class TeamTruth:
    team: str
    metric: str
    direction: Direction
    team_sd: float                    # SD of the team's weekly series, natural units
    dip: bool
    cause: str | None = None          # "skill" or "process"
    start_week: int | None = None
    size_sd: float = 0.0
    logged: bool = False              # a change is logged at the dip's start


@dataclass(frozen=True, slots=True, eq=False)
class SimulatedOrganisation:
    weeks: tuple[date, ...]
    teams: tuple[str, ...]
    person_team: np.ndarray           # (P,) team index
    person_values: np.ndarray         # (P, T) natural units, NaN where no data
    person_volumes: np.ndarray        # (P, T) events behind each value
    below_required: np.ndarray        # (P,) below the required level of the team's linked skill
    skill: tuple[str, ...]            # the linked skill per team
    changes: tuple[ChangeEntry, ...]
    truth: tuple[TeamTruth, ...]

    @property
    def signs(self) -> np.ndarray:
        return np.array([1 if t.direction == Direction.UP else -1 for t in self.truth])


def _week(weeks: int) -> tuple[date, ...]:
    return tuple(FIRST_WEEK + timedelta(weeks=k) for k in range(weeks))


def _log(kind: ChangeKind, week: date, *, team: str | None, description: str,
         length: int = 1) -> ChangeEntry:
    return ChangeEntry(kind=kind, starts=week, ends=week + timedelta(days=7 * length - 1),
                       team=team, description=description)


def simulate_organisation(seed: int, settings: SimulationSettings | None = None
                          ) -> SimulatedOrganisation:
    """One organisation; the same seed and settings always give the same organisation."""
    cfg = settings or SimulationSettings()
    rng = np.random.default_rng(seed)
    weeks = _week(cfg.weeks)
    n_weeks = cfg.weeks
    holidays = sorted({int(rng.integers(12, 17)), int(rng.integers(30, 35)), n_weeks - 1})
    changes = [_log(ChangeKind.HOLIDAY, weeks[h], team=None, description="public holiday")
               for h in holidays]
    blocks_values, blocks_volumes, blocks_team, blocks_below = [], [], [], []
    truths, skills, names = [], [], []
    for j in range(cfg.teams):
        name = f"team-{j:03d}"
        names.append(name)
        metric, direction, typical, unit = METRICS[j % len(METRICS)]
        skills.append(f"skill-{j % 7}")
        size = int(rng.integers(cfg.team_size[0], cfg.team_size[1] + 1))
        rate = np.clip(rng.lognormal(np.log(15), 0.5, size), 2, 80)
        person_effect = rng.normal(0, 0.15, size)
        below = rng.random(size) < rng.uniform(0.25, 0.6)
        below[:2], below[2:4] = True, False   # both groups are present in every team
        rng.shuffle(below)
        common_sd = rng.uniform(0.03, 0.08)
        team_sd = float(np.sqrt(common_sd ** 2 + (1 + 0.15 ** 2) / rate.sum()))
        # correlated team noise: shared by everyone, mildly autocorrelated week to week
        shocks = rng.normal(0, common_sd, n_weeks)
        common = np.empty(n_weeks)
        common[0] = shocks[0]
        for t in range(1, n_weeks):
            common[t] = 0.2 * common[t - 1] + np.sqrt(1 - 0.04) * shocks[t]
        shift = np.zeros((size, n_weeks))       # in simulated units, negative = worse
        volume_factor = np.ones((size, n_weeks))
        for h in holidays:
            shift[:, h] -= 1.5 * team_sd
            volume_factor[:, h] *= 0.5
        for _ in range(rng.poisson(cfg.outages_per_team)):
            t = int(rng.integers(8, n_weeks))
            shift[:, t] -= rng.uniform(3, 6) * team_sd
            volume_factor[:, t] *= 0.7
            if rng.random() < 0.5:
                changes.append(_log(ChangeKind.SYSTEM_OUTAGE, weeks[t], team=name,
                                    description="ticketing system down"))
        for _ in range(rng.poisson(cfg.decoys_per_team)):
            t = int(rng.integers(4, n_weeks))
            kind = (ChangeKind.PROCESS_CHANGE, ChangeKind.PRODUCT_LAUNCH,
                    ChangeKind.REORGANISATION)[int(rng.integers(3))]
            changes.append(_log(kind, weeks[t], team=name, description="harmless change"))
        present = np.ones((size, n_weeks), dtype=bool)
        for _ in range(rng.poisson(cfg.hires_per_team)):
            p, start = int(rng.integers(size)), int(rng.integers(4, n_weeks - 4))
            present[p, :start] = False
            tenure = np.arange(n_weeks - start)
            ramp = np.clip(1 - tenure / cfg.ramp_weeks, 0, 1)
            shift[p, start:] -= 1.0 * ramp
            volume_factor[p, start:] *= 1 - 0.5 * ramp
        for _ in range(rng.poisson(cfg.leavers_per_team)):
            p, end = int(rng.integers(size)), int(rng.integers(10, n_weeks))
            present[p, end:] = False
        truth = TeamTruth(team=name, metric=metric, direction=direction,
                          team_sd=team_sd * unit, dip=False)
        if rng.random() < cfg.dip_share:
            start = int(rng.integers(cfg.dip_start[0], cfg.dip_start[1] + 1))
            size_sd = float(rng.uniform(*cfg.dip_sd))
            dip = size_sd * team_sd
            if rng.random() < cfg.skill_share:
                cause = "skill"
                # concentrated in people below the required level, sized so the team dips by `dip`
                share = rate[below].sum() / rate.sum()
                shift[below, start:] -= dip / share
                logged = rng.random() < cfg.decoy_at_skill_dip
                kind = ChangeKind.PRODUCT_LAUNCH
            else:
                cause = "process"
                shift[:, start:] -= dip
                logged = rng.random() < cfg.process_logged
                kind = ChangeKind.PROCESS_CHANGE
            if logged:
                changes.append(_log(kind, weeks[start], team=name,
                                    description=f"change logged at a {cause} dip"))
            truth = TeamTruth(team=name, metric=metric, direction=direction,
                              team_sd=team_sd * unit, dip=True, cause=cause, start_week=start,
                              size_sd=size_sd, logged=logged)
        volumes = rng.poisson(rate[:, None] * volume_factor).astype(float)
        noise = rng.normal(0, 1, (size, n_weeks)) / np.sqrt(np.maximum(volumes, 1))
        units = person_effect[:, None] + common[None, :] + shift + noise
        seen = present & (volumes > 0) & (rng.random((size, n_weeks)) >= cfg.missing_person_week)
        seen &= (rng.random(n_weeks) >= cfg.missing_team_week)[None, :]
        sign = 1 if direction == Direction.UP else -1
        values = np.where(seen, typical + sign * unit * units, np.nan)
        blocks_values.append(values)
        blocks_volumes.append(np.where(seen, volumes, np.nan))
        blocks_team.append(np.full(size, j))
        blocks_below.append(below)
        truths.append(truth)
    return SimulatedOrganisation(
        weeks=weeks, teams=tuple(names), person_team=np.concatenate(blocks_team),
        person_values=np.concatenate(blocks_values),
        person_volumes=np.concatenate(blocks_volumes),
        below_required=np.concatenate(blocks_below), skill=tuple(skills),
        changes=tuple(changes), truth=tuple(truths))
