"""What the needs agent weighs a gap with: a team's standing in one required skill, and the
thresholds that make a gap worth a need (or a dismissed need worth reopening).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["NeedSettings", "TeamSkillGap"]

_Z90 = 1.6449  # the 90% interval, as the skills agent's


@dataclass(frozen=True, slots=True)
class NeedSettings:
    """When a gap is worth a need: enough people, a large enough share of them, far enough below.

    `dip_per_level`: a KPI dip of this many baseline SDs weighs like a one-level skill gap, so an
    investigate need ranks on the same scale as a training need.
    """

    min_people: int = 2
    min_share: float = 0.2
    min_gap: float = 0.25
    dip_per_level: float = 8.0
    reopen_people: float = 1.5     # a dismissed need reopens when the people short grow this much
    reopen_gap: float = 0.5        # ... or its gap grows by this many levels, or a new dip comes


@dataclass(frozen=True, slots=True)
class TeamSkillGap:
    """A team's standing in one skill its roles require, from the skills agent's results.

    `shortfall`: the mean over the people asked of how far each estimate falls below the required
    level (0 for those at or above it), with `shortfall_sd` its SD. `below` (with its interval)
    is the expected number of people below the level, from skill health.
    """

    team_key: str
    skill_key: str
    role_keys: tuple[str, ...]
    required_level: float
    people: int
    estimated: int                 # people with an estimate from evidence
    shortfall: float
    shortfall_sd: float
    below: float
    below_lower: float
    below_upper: float
    critical: bool
    single_point: float | None
    change: float | None           # change in people meeting the level over the trend window
    person_keys: tuple[str, ...]   # whose estimate is below the required level

    @property
    def evidence_share(self) -> float:
        return self.estimated / self.people if self.people else 0.0

    @property
    def confidence(self) -> float:
        """How sure the gap is real: P(shortfall > 0) times the share of people with evidence."""
        if self.shortfall <= 0:
            return 0.0
        z = self.shortfall / self.shortfall_sd if self.shortfall_sd > 0 else math.inf
        return 0.5 * (1 + math.erf(z / math.sqrt(2))) * self.evidence_share

    def material(self, settings: NeedSettings) -> bool:
        return (self.below >= settings.min_people and self.people > 0
                and self.below / self.people >= settings.min_share
                and self.shortfall >= settings.min_gap)

    def interval(self) -> tuple[float, float]:
        return (max(0.0, self.shortfall - _Z90 * self.shortfall_sd),
                self.shortfall + _Z90 * self.shortfall_sd)
