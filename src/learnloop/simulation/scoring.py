"""Scores detections against a simulated organisation's truth: found, how fast, false alarms, cause.

Also runs the sensing core on a simulated organisation, the way the agent will on real data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from learnloop.domain.sensing.settings import DetectorSettings
from learnloop.domain.sensing.teams import sense_teams
from learnloop.simulation.organisation import SimulatedOrganisation

__all__ = ["Alarm", "Score", "sense_simulation", "score"]


@dataclass(frozen=True, slots=True)
class Alarm:
    team: int
    change_week: int
    detected_week: int
    cause: str


@dataclass(slots=True)
class Score:
    """Tallies over one or more organisations; `+` adds them up."""

    delays: list[int | None] = field(default_factory=list)   # per dip; None = not found in time
    sizes: list[float] = field(default_factory=list)          # per dip, in team SDs
    causes_right: int = 0
    causes_judged: int = 0
    false_alarms: int = 0          # alarms on teams with no change
    quiet_years: float = 0.0       # series-years of teams with no change
    early_alarms: int = 0          # alarms on dip teams before the dip started

    def __add__(self, other: Score) -> Score:
        return Score(self.delays + other.delays, self.sizes + other.sizes,
                     self.causes_right + other.causes_right,
                     self.causes_judged + other.causes_judged,
                     self.false_alarms + other.false_alarms, self.quiet_years + other.quiet_years,
                     self.early_alarms + other.early_alarms)

    def found_within(self, weeks: int) -> float:
        return float(np.mean([d is not None and d <= weeks for d in self.delays]))

    @property
    def median_delay(self) -> float:
        found = [d for d in self.delays if d is not None]
        return float(np.median(found)) if found else float("nan")

    @property
    def false_alarms_per_year(self) -> float:
        return self.false_alarms / self.quiet_years if self.quiet_years else float("nan")

    @property
    def cause_accuracy(self) -> float:
        return self.causes_right / self.causes_judged if self.causes_judged else float("nan")

    def summary(self) -> dict[str, float]:
        return {"dips": len(self.delays), "within_2_weeks": self.found_within(2),
                "within_8_weeks": self.found_within(8), "median_delay": self.median_delay,
                "false_alarms_per_team_year": self.false_alarms_per_year,
                "quiet_team_years": self.quiet_years, "early_alarms": self.early_alarms,
                "cause_right": self.cause_accuracy}


def score(organisation: SimulatedOrganisation, alarms: Iterable[Alarm], *,
          horizon: int = 8) -> Score:
    """Delay = detected week - true start week (0: found on the first affected week)."""
    by_team: dict[int, list[Alarm]] = {}
    for alarm in alarms:
        by_team.setdefault(alarm.team, []).append(alarm)
    result = Score()
    years = len(organisation.weeks) / 52
    for team, truth in enumerate(organisation.truth):
        mine = sorted(by_team.get(team, []), key=lambda a: a.detected_week)
        if not truth.dip:
            result.false_alarms += len(mine)
            result.quiet_years += years
            continue
        result.early_alarms += sum(a.detected_week < truth.start_week for a in mine)
        after = [a for a in mine if truth.start_week <= a.detected_week]
        first = after[0] if after else None
        in_time = first is not None and first.detected_week - truth.start_week <= horizon
        result.delays.append(first.detected_week - truth.start_week if in_time else None)
        result.sizes.append(truth.size_sd)
        if in_time:
            result.causes_judged += 1
            result.causes_right += first.cause == truth.cause
    return result


def sense_simulation(organisation: SimulatedOrganisation,
                     settings: DetectorSettings | None = None) -> list[Alarm]:
    """Run the sensing core on a simulated organisation, as the agent would on real data."""
    org = organisation
    below = {skill: org.below_required & (np.array(org.skill)[org.person_team] == skill)
             for skill in set(org.skill)}
    findings = sense_teams(
        org.person_values, org.person_volumes, team_of=org.person_team, teams=org.teams,
        metrics=[t.metric for t in org.truth], signs=org.signs, weeks=org.weeks,
        changes=org.changes, below_required=below, settings=settings or DetectorSettings(),
        linked_skills=[[skill] for skill in org.skill])
    return [Alarm(team=f.team, change_week=f.detection.change_week,
                  detected_week=f.detection.detected_week, cause=f.diagnosis.cause.value)
            for f in findings]
