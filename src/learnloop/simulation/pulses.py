"""Seeded pulse surveys with known truth: team scores per question, weekly or fortnightly, with
planted engagement dips, holidays, missing surveys and decoy changes in the change log.

A dip's truth cause is `process` when a change was logged at its start, else `unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from learnloop.domain.evidence import PulseResult
from learnloop.domain.sensing.series import ChangeEntry, ChangeKind
from learnloop.domain.series import PulseSeries
from learnloop.simulation.organisation import FIRST_WEEK

__all__ = ["PulseSimulationSettings", "PulseTruth", "SimulatedPulses", "simulate_pulses"]

QUESTIONS = ("I have what I need to do my job well", "I know what is expected of me at work",
             "My manager gives me useful feedback", "I would recommend us as a place to work")


@dataclass(frozen=True, slots=True)
class PulseSimulationSettings:
    teams: int = 40
    weeks: int = 52
    team_size: tuple[int, int] = (8, 50)
    response_rate: tuple[float, float] = (0.5, 0.9)
    answer_sd: float = 0.9            # one person's answer on the 1-5 scale
    mood_sd: tuple[float, float] = (0.04, 0.1)   # the team's shared week-to-week mood
    dip_share: float = 0.3            # share of team-questions given a sustained dip
    dip_sd: tuple[float, float] = (1.5, 3.5)
    dip_start: tuple[int, int] = (14, 43)
    logged_share: float = 0.5         # chance a dip's cause is a change in the change log
    decoys_per_team: float = 0.7
    fortnightly_share: float = 0.5    # teams surveyed every other week
    missing_survey: float = 0.05


@dataclass(frozen=True, slots=True)
class PulseTruth:
    team: str
    question: str
    team_sd: float                    # SD of the series' weekly score
    dip: bool
    cause: str | None = None          # "process" or "unknown"
    start_week: int | None = None
    size_sd: float = 0.0


@dataclass(frozen=True, slots=True, eq=False)
class SimulatedPulses:
    weeks: tuple[date, ...]
    series: tuple[PulseSeries, ...]   # one per team and question
    changes: tuple[ChangeEntry, ...]
    truth: tuple[PulseTruth, ...]     # one per series, in the same order


def _log(kind: ChangeKind, week: date, *, team: str | None, description: str) -> ChangeEntry:
    return ChangeEntry(kind=kind, starts=week, ends=week + timedelta(days=6), team=team,
                       description=description)


def simulate_pulses(seed: int, settings: PulseSimulationSettings | None = None
                    ) -> SimulatedPulses:
    """One organisation's pulse results; the same seed and settings give the same results."""
    cfg = settings or PulseSimulationSettings()
    rng = np.random.default_rng(seed)
    weeks = tuple(FIRST_WEEK + timedelta(weeks=k) for k in range(cfg.weeks))
    holidays = sorted({int(rng.integers(12, 17)), int(rng.integers(30, 35)), cfg.weeks - 1})
    changes = [_log(ChangeKind.HOLIDAY, weeks[h], team=None, description="public holiday")
               for h in holidays]
    series, truths = [], []
    for j in range(cfg.teams):
        team = f"team-{j:03d}"
        size = int(rng.integers(cfg.team_size[0], cfg.team_size[1] + 1))
        rate = rng.uniform(*cfg.response_rate)
        every = 2 if rng.random() < cfg.fortnightly_share else 1
        surveyed = (np.arange(cfg.weeks) % every == 0) & (rng.random(cfg.weeks)
                                                          >= cfg.missing_survey)
        for _ in range(rng.poisson(cfg.decoys_per_team)):
            changes.append(_log(ChangeKind.PROCESS_CHANGE, weeks[int(rng.integers(4, cfg.weeks))],
                                team=team, description="harmless change"))
        for question in QUESTIONS:
            responses = np.maximum(rng.binomial(size, rate, cfg.weeks), 3)
            mood_sd = rng.uniform(*cfg.mood_sd)
            sampling = cfg.answer_sd / np.sqrt(size * rate)
            team_sd = float(np.hypot(mood_sd, sampling))
            mood = np.empty(cfg.weeks)
            shocks = rng.normal(0, mood_sd, cfg.weeks)
            mood[0] = shocks[0]
            for t in range(1, cfg.weeks):
                mood[t] = 0.2 * mood[t - 1] + np.sqrt(1 - 0.04) * shocks[t]
            level = rng.uniform(3.3, 4.3) + mood
            truth = PulseTruth(team=team, question=question, team_sd=team_sd, dip=False)
            if rng.random() < cfg.dip_share:
                start = int(rng.integers(cfg.dip_start[0], cfg.dip_start[1] + 1))
                size_sd = float(rng.uniform(*cfg.dip_sd))
                level[start:] -= size_sd * team_sd
                logged = rng.random() < cfg.logged_share
                if logged:
                    changes.append(_log(ChangeKind.REORGANISATION, weeks[start], team=team,
                                        description="change logged at a pulse dip"))
                truth = PulseTruth(team=team, question=question, team_sd=team_sd, dip=True,
                                   cause="process" if logged else "unknown", start_week=start,
                                   size_sd=size_sd)
            # holiday weeks: fewer answers, a little gloomier
            for h in holidays:
                responses[h] = max(3, responses[h] // 2)
                level[h] -= 0.5 * team_sd
            scores = level + rng.normal(0, cfg.answer_sd / np.sqrt(responses))
            results = tuple(
                PulseResult(survey="weekly-pulse", team_key=team, question=question,
                            period=weeks[t], score=float(np.clip(scores[t], 1, 5)),
                            responses=int(responses[t]))
                for t in np.flatnonzero(surveyed))
            series.append(PulseSeries(team_key=team, question=question, results=results))
            truths.append(truth)
    return SimulatedPulses(weeks=weeks, series=tuple(series), changes=tuple(changes),
                           truth=tuple(truths))
