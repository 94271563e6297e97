"""Evidence about proficiency (ratings, self-assessments, assessment results) and pulse surveys.

The skills agent weighs evidence by kind and age; pulse results are team aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "EvidenceColumns", "EvidenceKind", "MIN_PULSE_RESPONSES", "PulseResult", "SkillEvidence",
]

# Fewer answers than this would let a reader guess who said what, so such rows are refused.
MIN_PULSE_RESPONSES = 3


class EvidenceKind(StrEnum):
    MANAGER_RATING = "manager_rating"
    SELF_ASSESSMENT = "self_assessment"
    ASSESSMENT = "assessment"


@dataclass(frozen=True, slots=True)
class SkillEvidence:
    key: str
    person_key: str
    skill_key: str
    kind: EvidenceKind
    level: float
    observed_on: date
    source: str


@dataclass(frozen=True, slots=True)
class EvidenceColumns:
    """Many people's evidence as columns: entry i says `people[person_index[i]]` showed
    `skills[skill_index[i]]` at `levels[i]` on `observed_on[i]`, by `kinds[i]` from `sources[i]`;
    ordered by person, skill, then date. People and skills are codes, so grouping needs no
    string hashing (what NumPy takes in one call)."""

    people: tuple[str, ...]
    person_index: tuple[int, ...]
    skills: tuple[str, ...]
    skill_index: tuple[int, ...]
    kinds: tuple[EvidenceKind, ...]
    levels: tuple[float, ...]
    observed_on: tuple[date, ...]
    sources: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.levels)


@dataclass(frozen=True, slots=True)
class PulseResult:
    survey: str
    team_key: str
    question: str
    period: date
    score: float
    responses: int
