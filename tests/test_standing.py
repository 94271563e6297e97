"""A person's standing: required skills, most critical first, beside their newest evidence."""

from __future__ import annotations

from datetime import date

from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiency import Criticality
from learnloop.domain.standing import EvidencePoint, Requirement, skill_standings

RATING, SELF = EvidenceKind.MANAGER_RATING, EvidenceKind.SELF_ASSESSMENT


def test_newest_evidence_of_each_kind_stands_beside_each_requirement() -> None:
    requirements = [
        Requirement("excel", "Spreadsheets", 2, Criticality.LOW),
        Requirement("negotiation", "Negotiation", 3, Criticality.CRITICAL),
    ]
    evidence = [
        EvidencePoint("negotiation", RATING, 1.0, date(2025, 1, 1)),
        EvidencePoint("negotiation", RATING, 2.0, date(2025, 6, 1)),
        EvidencePoint("negotiation", SELF, 4.0, date(2025, 3, 1)),
        EvidencePoint("cooking", RATING, 4.0, date(2025, 6, 1)),
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
        [EvidencePoint("negotiation", RATING, 2.0, date(2025, 1, 1)),
         EvidencePoint("negotiation", SELF, 2.5, date(2025, 1, 2))],
    )
    assert standing.below_by_every_kind
