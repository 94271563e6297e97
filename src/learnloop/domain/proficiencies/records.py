"""What the skills agent keeps, as readers see it: one person's level in one skill, and the
health of one team, role and skill; both with their uncertainty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from learnloop.domain.proficiencies.health import SINGLE_POINT_PROBABILITY

__all__ = ["Proficiency", "SkillHealth"]


@dataclass(frozen=True, slots=True)
class Proficiency:
    """A person's level in a skill on `as_of` (0-4) with its interval and the evidence behind it."""

    person_key: str
    skill_key: str
    level: float
    lower: float
    upper: float
    evidence: int
    as_of: date


@dataclass(frozen=True, slots=True)
class SkillHealth:
    """One team, role and skill on `as_of`: of `people` the role asks for `required_level`,
    `meeting` are expected to reach it (interval `lower`-`upper`); `single_point` the chance
    exactly one person in the team holds it, for a critical skill; `change` since `trend_from`."""

    team_key: str
    role_key: str
    skill_key: str
    required_level: float
    people: int
    meeting: float
    lower: float
    upper: float
    single_point: float | None
    change: float | None
    change_lower: float | None
    change_upper: float | None
    as_of: date
    trend_from: date

    @property
    def coverage(self) -> float:
        return self.meeting / self.people if self.people else 0.0

    @property
    def single_point_of_failure(self) -> bool:
        return self.single_point is not None and self.single_point >= SINGLE_POINT_PROBABILITY
