"""The skills taxonomy and the roles that require its skills at a level and a criticality.

A role requirement is the yardstick a person's proficiency is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from learnloop.domain.proficiency import Criticality

__all__ = ["Requirement", "Role", "Skill"]


@dataclass(frozen=True, slots=True)
class Skill:
    key: str
    name: str
    category: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Requirement:
    """A skill a role requires, at a level and a criticality (the skill's name for readers)."""

    skill_key: str
    skill_name: str
    level: int
    criticality: Criticality


@dataclass(frozen=True, slots=True)
class Role:
    key: str
    name: str
    description: str = ""
    requirements: tuple[Requirement, ...] = field(default_factory=tuple)
