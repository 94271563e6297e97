"""A person's standing against their role: each required skill beside its newest evidence.

It shows the evidence as recorded; estimating proficiency (weights, decay, uncertainty) is the
skills agent's job, not this view's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from learnloop.domain.evidence import EvidenceKind, SkillEvidence
from learnloop.domain.proficiency import Criticality
from learnloop.domain.skills import Requirement

__all__ = ["SkillStanding", "skill_standings"]


@dataclass(frozen=True, slots=True)
class SkillStanding:
    requirement: Requirement
    latest: dict[EvidenceKind, SkillEvidence] = field(default_factory=dict)

    @property
    def below_by_every_kind(self) -> bool:
        """True when there is evidence and every latest kind of it is under the required level."""
        return bool(self.latest) and all(
            point.level < self.requirement.level for point in self.latest.values()
        )


def skill_standings(
    requirements: Iterable[Requirement], evidence: Iterable[SkillEvidence]
) -> list[SkillStanding]:
    """Required skills, most critical first, each with the newest evidence of each kind."""
    newest: dict[tuple[str, EvidenceKind], SkillEvidence] = {}
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
