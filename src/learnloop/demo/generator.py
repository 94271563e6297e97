"""The whole demo company from a seed: organisation, taxonomy, objectives, signals, evidence, pulse.

Pure and deterministic (no I/O, no clock): the same seed and head count give the same company.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from learnloop.demo.catalogue import COMPANY_NAME
from learnloop.demo.changes import ROUTING_CHANGE_ID, generate_changes
from learnloop.demo.evidence import GAP_SKILLS, generate_evidence, generate_pulse
from learnloop.demo.interventions import generate_intervention
from learnloop.demo.people import DIP_TEAM, PROCESS_CHANGE_TEAM, generate_people
from learnloop.demo.priorities import NOT_PRIORITIES, OBJECTIVES
from learnloop.demo.signals import DIP_METRIC, PROCESS_CHANGE_METRIC, generate_signals
from learnloop.demo.taxonomy import ROLES, SKILLS
from learnloop.demo.timeline import (
    DIP_SIZE,
    DIP_WEEK,
    LAST_WEEK,
    PROCESS_CHANGE_SIZE,
    PROCESS_CHANGE_WEEK,
    WEEKS,
    week_start,
)
from learnloop.domain.evidence import PulseResult, SkillEvidence
from learnloop.domain.objectives import Objective
from learnloop.domain.org import Person, Team
from learnloop.domain.sensing.series import ChangeEntry
from learnloop.domain.signals import Signal, SubjectType
from learnloop.domain.skills import Role, Skill

__all__ = ["DemoCompany", "generate_company", "injected_truth"]


@dataclass(frozen=True, slots=True)
class DemoCompany:
    name: str
    seed: int
    teams: tuple[Team, ...]
    people: tuple[Person, ...]
    skills: tuple[Skill, ...]
    roles: tuple[Role, ...]
    objectives: tuple[Objective, ...]
    not_priorities: tuple[Objective, ...]
    signals: tuple[Signal, ...]
    evidence: tuple[SkillEvidence, ...]
    pulse: tuple[PulseResult, ...]
    truth: dict[str, Any]
    changes: tuple[tuple[str, ChangeEntry], ...] = ()  # the change log: (id, entry)
    interventions: tuple[tuple[str, ...], ...] = ()  # interventions.csv rows (demo/interventions)


def injected_truth() -> dict[str, Any]:
    """What the demo planted in the data, for tests to check the loop's findings against."""
    return {
        "dip": {
            "team": DIP_TEAM,
            "metric": DIP_METRIC,
            "week": {"index": DIP_WEEK, "date": week_start(DIP_WEEK).isoformat()},
            "size": DIP_SIZE,
            "direction": "down",
            "cause": "skill gap",
            "skills": list(GAP_SKILLS),
            "story": "Tidewell ColdChain launched for EMEA customers in May 2025; the EMEA support "
            "team, many of them recent hires, was not trained on ColdChain, temperature "
            "excursions or the excursion credit rules, so they transfer those cases.",
        },
        "process_change": {
            "team": PROCESS_CHANGE_TEAM,
            "metric": PROCESS_CHANGE_METRIC,
            "week": {
                "index": PROCESS_CHANGE_WEEK,
                "date": week_start(PROCESS_CHANGE_WEEK).isoformat(),
            },
            "size": PROCESS_CHANGE_SIZE,
            "direction": "up",
            "cause": "process change: skills-based ticket routing went live in Tidewell Desk, "
            "interleaving phone and chat queues; the team's skills are at requirement, "
            "so training would not fix it",
            "change_log_id": ROUTING_CHANGE_ID,
        },
        "change_log": [key for key, _ in generate_changes()],
    }


def generate_company(seed: int = 7, *, people: int = 400) -> DemoCompany:
    """Tidewell Logistics with `people` staff; every random draw comes from one seeded generator."""
    rng = random.Random(seed)
    teams, staff = generate_people(rng, people)
    signals = generate_signals(rng, staff=Counter(person.team_key for person in staff))
    evidence = generate_evidence(rng, staff)
    pulse = generate_pulse(rng, staff)
    # a generator of its own, so the intervention leaves every other draw as it was
    past = generate_intervention(
        random.Random(f"{seed}:intervention"), people=staff,
        team_levels={(s.subject_key, _week_of(s)): s.value for s in signals
                     if s.metric == DIP_METRIC and s.subject_type is SubjectType.TEAM})
    return DemoCompany(
        name=COMPANY_NAME,
        seed=seed,
        teams=teams,
        people=staff,
        skills=SKILLS,
        roles=ROLES,
        objectives=OBJECTIVES,
        not_priorities=NOT_PRIORITIES,
        signals=signals + past.signals,
        evidence=evidence,
        pulse=pulse,
        truth={**injected_truth(), "intervention": past.truth},
        changes=generate_changes(),
        interventions=past.rows,
    )


def _week_of(signal: Signal) -> int:
    return WEEKS - 1 - (LAST_WEEK - signal.observed_at.date()).days // 7
