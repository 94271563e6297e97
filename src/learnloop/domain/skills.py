"""The skills taxonomy and the roles that require its skills at a level and a criticality.

A role requirement is the yardstick a person's proficiency is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from learnloop.domain.proficiency import Criticality

__all__ = ["Role", "RoleRequirement", "Skill"]


@dataclass(frozen=True, slots=True)
class Skill:
    key: str
    name: str
    category: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class RoleRequirement:
    skill_key: str
    level: int
    criticality: Criticality


@dataclass(frozen=True, slots=True)
class Role:
    key: str
    name: str
    description: str = ""
    requirements: tuple[RoleRequirement, ...] = field(default_factory=tuple)
