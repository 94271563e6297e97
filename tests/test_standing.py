"""A person's standing: required skills, most critical first, beside their newest evidence."""

from __future__ import annotations

from datetime import date

from learnloop.domain.evidence import EvidenceKind, SkillEvidence
from learnloop.domain.proficiency import Criticality
from learnloop.domain.skills import Requirement
from learnloop.domain.standing import skill_standings

RATING, SELF = EvidenceKind.MANAGER_RATING, EvidenceKind.SELF_ASSESSMENT


def _evidence(skill: str, kind: EvidenceKind, level: float, on: date) -> SkillEvidence:
    return SkillEvidence(key=f"{kind}|{skill}|{on}", person_key="p1", skill_key=skill, kind=kind,
                         level=level, observed_on=on, source="test")


def test_newest_evidence_of_each_kind_stands_beside_each_requirement() -> None:
    requirements = [
        Requirement("excel", "Spreadsheets", 2, Criticality.LOW),
        Requirement("negotiation", "Negotiation", 3, Criticality.CRITICAL),
    ]
    evidence = [
        _evidence("negotiation", RATING, 1.0, date(2025, 1, 1)),
        _evidence("negotiation", RATING, 2.0, date(2025, 6, 1)),
        _evidence("negotiation", SELF, 4.0, date(2025, 3, 1)),
        _evidence("cooking", RATING, 4.0, date(2025, 6, 1)),
    ]
    first, second = skill_standings(requirements, evidence)
    assert first.requirement.skill_key == "negotiation"
    assert first.latest[RATING].level == 2.0 and first.latest[SELF].level == 4.0
    assert not first.below_by_every_kind
    assert second.requirement.skill_key == "excel" and second.latest == {}
    assert not second.below_by_every_kind


def test_below_by_every_kind_needs_all_kinds_under_the_requirement() -> None:
    requirement = Requirement("negotiation", "Negotiation", 3, Criticality.HIGH)
    (standing,) = skill_standings(
        [requirement],
        [_evidence("negotiation", RATING, 2.0, date(2025, 1, 1)),
         _evidence("negotiation", SELF, 2.5, date(2025, 1, 2))],
    )
    assert standing.below_by_every_kind
