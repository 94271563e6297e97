"""Runs and scores the pulse and person-level sensing on simulated data with known truth.

Pulse dips score like team dips (`scoring.Score`, one series per team and question); individual
dips get a `PersonScore`: found within 2 and 8 weeks, false alarms per person-year watched, and
how many stand-alone person detections a team dip let through (the flood that must not happen).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from learnloop.domain.sensing.people import PersonFinding, PersonRules, sense_people, watched_values
from learnloop.domain.sensing.pulse import pulse_weeks, sense_pulses
from learnloop.domain.sensing.settings import DetectorSettings
from learnloop.domain.sensing.weeks import week_number
from learnloop.simulation.individuals import PlantedOrganisation
from learnloop.simulation.pulses import SimulatedPulses
from learnloop.simulation.scoring import Alarm, Score, score, sense_simulation

__all__ = ["PersonScore", "score_people", "score_pulses", "sense_simulated_people",
           "sense_simulated_pulses"]


def sense_simulated_pulses(pulses: SimulatedPulses,
                           settings: DetectorSettings | None = None) -> list[Alarm]:
    """Pulse dips as alarms; `team` is the series' index (one series per team and question)."""
    first = week_number(pulses.weeks[0])
    values, volumes = pulse_weeks(pulses.series, first_week=first,
                                  end_week=first + len(pulses.weeks))
    findings = sense_pulses(pulses.series, weeks=pulses.weeks, values=values, volumes=volumes,
                            changes=pulses.changes, settings=settings or DetectorSettings())
    return [Alarm(team=f.series, change_week=f.detection.change_week,
                  detected_week=f.detection.detected_week, cause=f.diagnosis.cause.value)
            for f in findings]


def score_pulses(pulses: SimulatedPulses, settings: DetectorSettings | None = None) -> Score:
    """Found, how fast, false alarms per series-year and cause, over every team and question."""
    return score(pulses, sense_simulated_pulses(pulses, settings))  # type: ignore[arg-type]


def sense_simulated_people(planted: PlantedOrganisation,
                           settings: DetectorSettings | None = None,
                           rules: PersonRules | None = None) -> list[PersonFinding]:
    """Person findings for every metric of the organisation, after its team-level sensing (whose
    detections cover the dips of people in a team that moved)."""
    org = planted.organisation
    settings = settings or DetectorSettings()
    team_detections: dict[int, list[tuple[int, int]]] = {}
    for alarm in sense_simulation(org, settings):
        team_detections.setdefault(alarm.team, []).append((alarm.change_week,
                                                           alarm.detected_week))
    people = tuple(f"p{row}" for row in range(len(org.person_team)))
    found: list[PersonFinding] = []
    # one call per metric: every team of a metric shares the KPI's direction
    metric_of = np.array([t.metric for t in org.truth])[org.person_team]
    for metric in dict.fromkeys(t.metric for t in org.truth):
        rows = np.flatnonzero(metric_of == metric)
        sign = int(org.signs[org.person_team[rows[0]]])
        for finding in sense_people(
                org.person_values[rows], org.person_volumes[rows],
                team_of=org.person_team[rows], teams=org.teams,
                people=[people[r] for r in rows], metric=metric, sign=sign, weeks=org.weeks,
                changes=org.changes, settings=settings, rules=rules,
                team_detections=team_detections):
            found.append(PersonFinding(
                person=int(rows[finding.person]), detection=finding.detection,
                standalone=finding.standalone, rest_moved_sd=finding.rest_moved_sd,
                covering_team_detection=finding.covering_team_detection))
    return found


@dataclass(slots=True)
class PersonScore:
    delays: list[int | None] = field(default_factory=list)   # per individual dip
    false_alarms: int = 0        # stand-alone detections of people with no dip, quiet teams
    watched_years: float = 0.0   # person-years watched among those people
    team_dips: int = 0
    leaked: int = 0              # stand-alone person detections of a team dip: starting within
                                 # `longest_run` weeks of it
    attached: int = 0            # person dips raised as evidence of a team change instead

    def __add__(self, other: PersonScore) -> PersonScore:
        return PersonScore(self.delays + other.delays, self.false_alarms + other.false_alarms,
                           self.watched_years + other.watched_years,
                           self.team_dips + other.team_dips, self.leaked + other.leaked,
                           self.attached + other.attached)

    def found_within(self, weeks: int) -> float:
        return float(np.mean([d is not None and d <= weeks for d in self.delays]))

    @property
    def false_alarms_per_year(self) -> float:
        return self.false_alarms / self.watched_years if self.watched_years else float("nan")

    @property
    def leaked_per_team_dip(self) -> float:
        return self.leaked / self.team_dips if self.team_dips else float("nan")

    def summary(self) -> dict[str, float]:
        found = [d for d in self.delays if d is not None]
        return {"individual_dips": len(self.delays), "within_2_weeks": self.found_within(2),
                "within_8_weeks": self.found_within(8),
                "median_delay": float(np.median(found)) if found else float("nan"),
                "false_alarms_per_person_year": self.false_alarms_per_year,
                "watched_person_years": self.watched_years,
                "standalone_per_team_dip": self.leaked_per_team_dip,
                "attached_to_team_changes": self.attached}


def score_people(planted: PlantedOrganisation, findings: list[PersonFinding], *,
                 rules: PersonRules | None = None, horizon: int = 8,
                 longest_run: int = DetectorSettings().longest_run) -> PersonScore:
    """Delay = detected week - planted start, for stand-alone person detections only; false
    alarms on people of teams without a team dip and without a planted dip of their own."""
    org = planted.organisation
    rules = rules or PersonRules()
    dip_team = np.array([t.dip for t in org.truth])
    planted_at = {d.person: d.start_week for d in planted.dips}
    standalone: dict[int, list[int]] = {}
    result = PersonScore(team_dips=int(dip_team.sum()))
    for finding in findings:
        if not finding.standalone:
            result.attached += 1
            continue
        standalone.setdefault(finding.person, []).append(finding.detection.detected_week)
        truth = org.truth[int(org.person_team[finding.person])]
        if truth.dip:
            start = truth.start_week or 0
            result.leaked += abs(finding.detection.change_week - start) <= longest_run
        elif finding.person not in planted_at:
            result.false_alarms += 1
    for dip in planted.dips:
        after = sorted(w for w in standalone.get(dip.person, []) if w >= dip.start_week)
        first = after[0] - dip.start_week if after else None
        result.delays.append(first if first is not None and first <= horizon else None)
    watched = ~np.isnan(watched_values(org.person_values, org.person_volumes, rules=rules))
    quiet = ~dip_team[org.person_team]
    quiet[list(planted_at)] = False
    result.watched_years = float(watched[quiet].sum() / 52)
    return result
