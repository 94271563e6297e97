"""Business objectives and their KPIs, with the priority weight L&D gives each.

L&D steers: an objective marked as not a priority is recorded with its reason and never pushed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["Direction", "Kpi", "Objective"]


class Direction(StrEnum):
    """Which way is better for a KPI: a dip in an `up` KPI is a fall, in a `down` KPI a rise."""

    UP = "up"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class Kpi:
    metric: str
    direction: Direction
    unit: str = ""
    target: float | None = None


@dataclass(frozen=True, slots=True)
class Objective:
    key: str
    title: str
    priority: bool
    weight: float
    description: str = ""
    owner: str | None = None
    reason: str | None = None  # why it is, or is not, a priority
    kpis: tuple[Kpi, ...] = field(default_factory=tuple)
    skill_keys: tuple[str, ...] = field(default_factory=tuple)
    team_keys: tuple[str, ...] = field(default_factory=tuple)
