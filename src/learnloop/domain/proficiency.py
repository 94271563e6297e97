"""The proficiency scale (0–4) and criticality levels every skill and requirement is measured on.

One definition, so a rating from an HR file and a requirement from a role file mean the same.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["MAX_LEVEL", "MIN_LEVEL", "Criticality"]

MIN_LEVEL = 0
MAX_LEVEL = 4


class Criticality(StrEnum):
    """How much a gap in a required skill hurts the role: weights gaps in needs analysis."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def weight(self) -> float:
        return {"low": 0.25, "medium": 0.5, "high": 0.75, "critical": 1.0}[self.value]
