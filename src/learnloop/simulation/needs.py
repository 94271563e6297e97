"""Seeded simulated companies with known learning needs, to measure the needs agent end to end.

Each seed plants one KPI dip caused by a skill gap, one caused by a logged process change (the
team at its required level), and gaps in skills no priority names; around them: noisy weekly
KPIs, missing weeks, outages, a decoy change, odd gaps anywhere and biased, incomplete evidence.
The company is a `DemoCompany`, so it is written and imported like the demo's files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from learnloop.demo.generator import DemoCompany
from learnloop.domain.evidence import EvidenceKind, SkillEvidence
from learnloop.domain.objectives import Direction, Kpi, Objective
from learnloop.domain.org import KeyName, Person, Team
from learnloop.domain.proficiency import Criticality
from learnloop.domain.sensing.series import ChangeEntry, ChangeKind
from learnloop.domain.signals import Signal, SubjectType
from learnloop.domain.skills import Requirement, Role, Skill

__all__ = ["NeedsSimulationSettings", "simulate_needs_company"]

FIRST_WEEK = date(2025, 1, 6)
_ROLE = "agent"

# skill → (name, category, objective it serves or None, required level, criticality)
_SKILLS: dict[str, tuple[str, str, str | None, int, Criticality]] = {
    "product_knowledge": ("Product knowledge", "Product knowledge", "resolve", 3,
                          Criticality.CRITICAL),
    "refund_policy": ("Refund policy", "Customer service", "resolve", 3, Criticality.HIGH),
    "troubleshooting": ("Troubleshooting", "Operations", "resolve", 3, Criticality.HIGH),
    "ticket_routing": ("Ticket routing", "Operations", "efficient", 3, Criticality.MEDIUM),
    "knowledge_search": ("Knowledge base search", "Operations", "efficient", 2,
                         Criticality.MEDIUM),
    "writing": ("Clear writing", "Customer service", "quality", 3, Criticality.MEDIUM),
    "spreadsheet_macros": ("Spreadsheet macros", "Business", "macros", 3, Criticality.LOW),
    "filing": ("Records filing", "Business", None, 3, Criticality.CRITICAL),
}
# objective → (title, weight, KPI metric, direction, typical level, weekly noise)
_OBJECTIVES: dict[str, tuple[str, float, str, Direction, float, float]] = {
    "resolve": ("Resolve issues at the first contact", 0.5, "first_contact_resolution",
                Direction.UP, 76.0, 1.2),
    "efficient": ("Keep handling efficient", 0.3, "handle_time", Direction.DOWN, 10.0, 0.25),
    "quality": ("Write answers customers understand", 0.1, "quality_score", Direction.UP,
                88.0, 1.0),
}
QUIET_SKILLS = ("spreadsheet_macros", "filing")


@dataclass(frozen=True, slots=True)
class NeedsSimulationSettings:
    teams: int = 8
    team_size: tuple[int, int] = (10, 28)
    weeks: int = 26
    gap_week: tuple[int, int] = (13, 18)         # the skill dip starts in this range
    process_week: tuple[int, int] = (9, 14)
    dip_size: tuple[float, float] = (6.0, 10.0)  # skill dip, points of first-contact resolution
    process_size: tuple[float, float] = (0.12, 0.2)  # process dip, share of handle time
    odd_gap: float = 0.06                        # chance of a real gap anywhere
    no_self_assessment: float = 0.25
    missing_rating: float = 0.08
    missing_week: float = 0.03
    assessed: float = 0.4                        # chance a person took a skill's assessment


def _week(index: int) -> date:
    return FIRST_WEEK + timedelta(weeks=index)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _clip(level: float) -> float:
    return min(max(level, 0.0), 4.0)


@dataclass
class _Plan:
    rng: random.Random
    settings: NeedsSimulationSettings
    teams: list[str]
    sizes: dict[str, int]
    gap_team: str
    gap_skills: tuple[str, ...]
    gap_week: int
    process_team: str
    process_week: int
    quiet_teams: dict[str, str]   # skill → the team with a big gap in it
    dip: float                    # points of first-contact resolution lost
    process: float                # share of handle time added


def _plan(seed: int, settings: NeedsSimulationSettings) -> _Plan:
    rng = random.Random(seed)
    teams = [f"team-{i:02d}" for i in range(settings.teams)]
    gap_team, process_team, *others = rng.sample(teams, len(teams))
    return _Plan(
        rng=rng, settings=settings, teams=teams,
        sizes={t: rng.randint(*settings.team_size) for t in teams}, gap_team=gap_team,
        gap_skills=tuple(sorted(rng.sample(["product_knowledge", "refund_policy",
                                            "troubleshooting"], 2))),
        gap_week=rng.randint(*settings.gap_week), process_team=process_team,
        process_week=rng.randint(*settings.process_week),
        quiet_teams={skill: rng.choice(others) for skill in QUIET_SKILLS},
        dip=rng.uniform(*settings.dip_size), process=rng.uniform(*settings.process_size))


def _people(plan: _Plan) -> list[Person]:
    people = []
    for team in plan.teams:
        lead = None
        for i in range(plan.sizes[team]):
            key = f"{team}-p{i:02d}"
            hired = FIRST_WEEK - timedelta(days=plan.rng.randint(30, 2000))
            people.append(Person(key=key, name=f"Person {key}", email=None,
                                 team=KeyName(team, team.title()),
                                 role=KeyName(_ROLE, "Agent"), manager_key=lead,
                                 location=None, time_zone="UTC", hire_date=hired))
            lead = lead or key
    return people


def _true_level(plan: _Plan, person: Person, skill: str, required: int) -> float:
    rng = plan.rng
    if person.team_key == plan.gap_team and skill in plan.gap_skills:
        return _clip(rng.gauss(1.4, 0.5))
    if plan.quiet_teams.get(skill) == person.team_key:
        return _clip(rng.gauss(0.6, 0.4))
    level = required + 0.3 + rng.gauss(0, 0.4)
    return _clip(level - 1.2 if rng.random() < plan.settings.odd_gap else level)


def _evidence(plan: _Plan, people: list[Person]) -> list[SkillEvidence]:
    """Manager ratings (lenient, compressed), self-assessments (overconfident low down), and
    assessments for some skills (unbiased, noisy); some missing, all in the last ten weeks."""
    rng, settings = plan.rng, plan.settings
    last = _week(settings.weeks - 1)
    found = []
    for person in people:
        self_assessed = rng.random() >= settings.no_self_assessment
        for skill, (_, _, _, required, _) in _SKILLS.items():
            level = _true_level(plan, person, skill, required)
            readings = []
            if rng.random() >= settings.missing_rating:
                readings.append((EvidenceKind.MANAGER_RATING,
                                 round(_clip(1.1 + 0.6 * level + rng.gauss(0, 0.5)))))
            if self_assessed:
                readings.append((EvidenceKind.SELF_ASSESSMENT,
                                 round(_clip(1.0 + 0.75 * level + rng.gauss(0, 0.6)))))
            if rng.random() < settings.assessed:
                readings.append((EvidenceKind.ASSESSMENT, round(_clip(level + rng.gauss(0, 0.5)),
                                                                1)))
            for n, (kind, value) in enumerate(readings):
                on = last - timedelta(days=rng.randint(0, 70))
                found.append(SkillEvidence(key=f"{person.key}-{skill}-{n}", person_key=person.key,
                                           skill_key=skill, kind=kind, level=float(value),
                                           observed_on=on, source="simulated review"))
    return found


def _signals(plan: _Plan) -> list[Signal]:
    rng, settings = plan.rng, plan.settings
    signals = []
    for team in plan.teams:
        size = plan.sizes[team]
        for objective, (_, _, metric, _, level, noise) in _OBJECTIVES.items():
            team_level = level + rng.gauss(0, noise * 2)
            spread = noise * (20 / size) ** 0.5
            wobble = 0.0
            for week in range(settings.weeks):
                wobble = 0.3 * wobble + rng.gauss(0, spread)
                value = team_level + wobble
                if team == plan.gap_team and objective == "resolve" and week >= plan.gap_week:
                    value -= plan.dip
                if (team == plan.process_team and objective == "efficient"
                        and week >= plan.process_week):
                    value *= 1 + plan.process
                if rng.random() < settings.missing_week:
                    continue
                signals.append(Signal(
                    key=f"{team}-{metric}-{week}", metric=metric, subject_type=SubjectType.TEAM,
                    subject_key=team, observed_at=_at(_week(week)), value=round(value, 3),
                    source="simulated helpdesk", volume=float(size * rng.randint(15, 25))))
    return signals


def _changes(plan: _Plan) -> list[tuple[str, ChangeEntry]]:
    rng = plan.rng
    decoy_team = rng.choice([t for t in plan.teams if t != plan.process_team])
    process_day = _week(plan.process_week)
    outage = _week(rng.randint(3, plan.settings.weeks - 3)) + timedelta(days=1)
    decoy = _week(rng.randint(4, plan.settings.weeks - 6))
    return [
        ("CHG-PROCESS", ChangeEntry(ChangeKind.PROCESS_CHANGE, process_day, process_day,
                                    plan.process_team, "New ticket routing goes live")),
        ("CHG-DECOY", ChangeEntry(ChangeKind.PROCESS_CHANGE, decoy, decoy, decoy_team,
                                  "New template for the monthly review")),
        ("INC-OUTAGE", ChangeEntry(ChangeKind.SYSTEM_OUTAGE, outage, outage, None,
                                   "Helpdesk read-only for two hours")),
    ]


def _catalogue() -> tuple[tuple[Skill, ...], tuple[Role, ...], tuple[Objective, ...],
                          tuple[Objective, ...]]:
    skills = tuple(Skill(key=k, name=v[0], category=v[1]) for k, v in _SKILLS.items())
    role = Role(key=_ROLE, name="Agent", requirements=tuple(
        Requirement(skill_key=k, skill_name=v[0], level=v[3], criticality=v[4])
        for k, v in _SKILLS.items()))
    objectives = tuple(Objective(
        key=key, title=title, priority=True, weight=weight,
        kpis=(Kpi(metric=metric, direction=direction),),
        skill_keys=tuple(k for k, v in _SKILLS.items() if v[2] == key))
        for key, (title, weight, metric, direction, _, _) in _OBJECTIVES.items())
    macros = Objective(key="macros", title="Spreadsheet macros for everyone", priority=False,
                       weight=0.0, owner="Finance Manager",
                       reason="No priority KPI depends on it.",
                       skill_keys=("spreadsheet_macros",))
    return skills, (role,), objectives, (macros,)


def simulate_needs_company(seed: int, settings: NeedsSimulationSettings | None = None
                           ) -> DemoCompany:
    """A company with known needs; `truth` names the skill-gap dip, the process dip and the
    skills no priority names (with the team whose gap in each is planted)."""
    settings = settings or NeedsSimulationSettings()
    plan = _plan(seed, settings)
    people = _people(plan)
    skills, roles, objectives, not_priorities = _catalogue()
    truth: dict[str, Any] = {
        "dip": {"team": plan.gap_team, "metric": "first_contact_resolution",
                "skills": list(plan.gap_skills), "week": _week(plan.gap_week).isoformat(),
                "size": round(plan.dip, 2)},
        "process_change": {"team": plan.process_team, "metric": "handle_time",
                           "week": _week(plan.process_week).isoformat(),
                           "size": round(plan.process, 3)},
        "quiet": {skill: team for skill, team in plan.quiet_teams.items()},
    }
    return DemoCompany(
        name=f"Simulated company {seed}", seed=seed,
        teams=tuple(Team(key=t, name=t.title(), department="Support") for t in plan.teams),
        people=tuple(people), skills=skills, roles=roles, objectives=objectives,
        not_priorities=not_priorities, signals=tuple(_signals(plan)),
        evidence=tuple(_evidence(plan, people)), pulse=(), truth=truth,
        changes=tuple(_changes(plan)))
