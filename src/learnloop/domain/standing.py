"""A person's standing against their role: each required skill beside its newest evidence.

It shows the evidence as recorded; estimating proficiency (weights, decay, uncertainty) is the
skills agent's job, not this view's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiency import Criticality

__all__ = ["EvidencePoint", "Requirement", "SkillStanding", "skill_standings"]


@dataclass(frozen=True, slots=True)
class Requirement:
    skill_key: str
    skill_name: str
    level: int
    criticality: Criticality


@dataclass(frozen=True, slots=True)
class EvidencePoint:
    skill_key: str
    kind: EvidenceKind
    level: float
    observed_on: date


@dataclass(frozen=True, slots=True)
class SkillStanding:
    requirement: Requirement
    latest: dict[EvidenceKind, EvidencePoint] = field(default_factory=dict)

    @property
    def below_by_every_kind(self) -> bool:
        """True when there is evidence and every latest kind of it is under the required level."""
        return bool(self.latest) and all(
            point.level < self.requirement.level for point in self.latest.values()
        )


def skill_standings(
    requirements: Iterable[Requirement], evidence: Iterable[EvidencePoint]
) -> list[SkillStanding]:
    """Required skills, most critical first, each with the newest evidence of each kind."""
    newest: dict[tuple[str, EvidenceKind], EvidencePoint] = {}
    for point in evidence:
        key = (point.skill_key, point.kind)
        if key not in newest or point.observed_on > newest[key].observed_on:
            newest[key] = point
    order = list(Criticality)
    standings = [
        SkillStanding(
            requirement=requirement,
            latest={
                kind: newest[(requirement.skill_key, kind)]
                for kind in EvidenceKind
                if (requirement.skill_key, kind) in newest
            },
        )
        for requirement in requirements
    ]
    return sorted(
        standings,
        key=lambda s: (-order.index(s.requirement.criticality), s.requirement.skill_name),
    )
