"""Skill evidence (manager ratings, self-assessments, assessments) and pulse survey results.

Most people sit around their role's requirement; the dipped team is well below it on the skills
behind the dip, which is what lets the loop explain the dip as a skill gap.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from learnloop.demo.catalogue import TEAMS
from learnloop.demo.people import DIP_TEAM, PROCESS_CHANGE_TEAM
from learnloop.demo.taxonomy import ROLES
from learnloop.demo.timeline import DIP_WEEK, LAST_WEEK, PULSE_PERIODS, week_start
from learnloop.domain.evidence import MIN_PULSE_RESPONSES, EvidenceKind, PulseResult, SkillEvidence
from learnloop.domain.org import Person

__all__ = ["GAP_SKILLS", "PULSE_QUESTIONS", "PULSE_SURVEY", "generate_evidence", "generate_pulse"]

# The skills behind the first-contact-resolution dip: ColdChain reached EMEA customers before
# the EMEA support team (many of them new hires) had learned to handle it.
GAP_SKILLS: tuple[str, ...] = (
    "coldchain_product",
    "temperature_excursion_handling",
    "refunds_credits_policy",
)
# Skills an online assessment exists for (quizzes in the LMS); others only get ratings.
_ASSESSED = frozenset(
    {
        "tracking_platform",
        "coldchain_product",
        "temperature_excursion_handling",
        "refunds_credits_policy",
        "cold_chain_compliance",
        "edi_integrations",
        "freight_services",
        "customs_documentation",
        "secure_coding",
        "python",
        "sql",
    }
)
_SOURCES = {
    EvidenceKind.MANAGER_RATING: "Q2 2025 performance check-in",
    EvidenceKind.SELF_ASSESSMENT: "Q2 2025 skills self-assessment",
    EvidenceKind.ASSESSMENT: "Tidewell Academy quiz",
}

PULSE_SURVEY = "quarterly-pulse"
PULSE_QUESTIONS: dict[str, float] = {  # question → company-wide mean on a 1–5 scale
    "I have what I need to do my job well": 3.9,
    "I know what is expected of me at work": 4.1,
    "My manager gives me useful feedback": 3.8,
    "In the last three months I have learned something that helps my work": 3.6,
    "I would recommend Tidewell as a place to work": 3.9,
}
# How the dipped and the process-change teams answered after their change (second period).
_AFTER_CHANGE: dict[tuple[str, str], float] = {
    (DIP_TEAM, "I have what I need to do my job well"): -0.8,
    (DIP_TEAM, "In the last three months I have learned something that helps my work"): -0.4,
    (PROCESS_CHANGE_TEAM, "I have what I need to do my job well"): -0.3,
}


def _clip(level: float) -> float:
    return min(max(level, 0.0), 4.0)


def _true_level(
    rng: random.Random, person: Person, skill: str, required: int, ability: float
) -> float:
    if person.team_key == DIP_TEAM and skill in GAP_SKILLS:
        newcomer = person.hire_date is not None and person.hire_date >= week_start(DIP_WEEK - 12)
        return _clip(rng.gauss(0.8 if newcomer else 1.6, 0.4))
    level = required + 0.2 + ability + rng.gauss(0, 0.4)
    if rng.random() < 0.06:  # the odd real gap anywhere in the company
        level -= 1.0
    return _clip(level)


def _observed_on(rng: random.Random, person: Person) -> date:
    earliest = LAST_WEEK - timedelta(days=70)
    if person.hire_date is not None and person.hire_date + timedelta(days=14) > earliest:
        earliest = min(person.hire_date + timedelta(days=14), LAST_WEEK)
    return earliest + timedelta(days=rng.randint(0, (LAST_WEEK - earliest).days))


def generate_evidence(rng: random.Random, people: tuple[Person, ...]) -> tuple[SkillEvidence, ...]:
    """Evidence on every requirement of each person's role, from one to three kinds per skill."""
    roles = {role.key: role for role in ROLES}
    evidence: list[SkillEvidence] = []
    for person in people:
        role = roles[person.role_key or ""]
        ability = rng.gauss(0, 0.3)
        self_assessed = rng.random() < 0.75
        for requirement in role.requirements:
            level = _true_level(rng, person, requirement.skill_key, requirement.level, ability)
            readings = [(EvidenceKind.MANAGER_RATING, round(_clip(level + rng.gauss(0, 0.35))))]
            if self_assessed:
                readings.append(
                    (EvidenceKind.SELF_ASSESSMENT, round(_clip(level + 0.3 + rng.gauss(0, 0.5))))
                )
            if requirement.skill_key in _ASSESSED and rng.random() < 0.6:
                readings.append(
                    (EvidenceKind.ASSESSMENT, round(_clip(level + rng.gauss(0, 0.25)), 1))
                )
            for kind, observed in readings:
                on = _observed_on(rng, person)
                evidence.append(
                    SkillEvidence(
                        key=f"{kind.value}:{person.key}:{requirement.skill_key}:{on.isoformat()}",
                        person_key=person.key,
                        skill_key=requirement.skill_key,
                        kind=kind,
                        level=float(observed),
                        observed_on=on,
                        source=_SOURCES[kind],
                    )
                )
    return tuple(evidence)


def generate_pulse(rng: random.Random, people: tuple[Person, ...]) -> tuple[PulseResult, ...]:
    """Team means per question and period, with enough responses to stay anonymous."""
    head_count: dict[str, int] = {}
    for person in people:
        head_count[person.team_key] = head_count.get(person.team_key, 0) + 1
    results: list[PulseResult] = []
    for plan in TEAMS:
        team_mood = rng.gauss(0, 0.15)
        for index, period in enumerate(PULSE_PERIODS):
            size = head_count.get(plan.key, 0)
            responses = min(size, max(MIN_PULSE_RESPONSES, round(size * rng.uniform(0.6, 0.88))))
            for question, mean in PULSE_QUESTIONS.items():
                shift = _AFTER_CHANGE.get((plan.key, question), 0.0) if index else 0.0
                score = min(max(mean + team_mood + shift + rng.gauss(0, 0.08), 1.0), 5.0)
                results.append(
                    PulseResult(
                        survey=PULSE_SURVEY,
                        team_key=plan.key,
                        question=question,
                        period=period,
                        score=round(score, 2),
                        responses=responses,
                    )
                )
    return tuple(results)
