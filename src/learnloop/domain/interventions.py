"""Interventions (a need, a population, a start date, what was delivered) and their randomised
hold-out: who is treated and who is kept back so the effect on the KPI can be measured.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from learnloop.errors import InputError

__all__ = [
    "Assignment",
    "Group",
    "Intervention",
    "InterventionSource",
    "assign_holdout",
    "check_holdout",
    "new_seed",
]


class Group(StrEnum):
    TREATED = "treated"
    HOLDOUT = "holdout"


class InterventionSource(StrEnum):
    LEARNLOOP = "learnloop"  # the delivery agent delivered it
    EXTERNAL = "external"  # delivered elsewhere (a workshop, a cohort) and registered by L&D


@dataclass(frozen=True, slots=True)
class Intervention:
    """What was done for a need, to whom and from when; `seed` reproduces the hold-out draw
    (None when the assignment was made elsewhere and imported)."""

    id: int
    need_id: int | None
    title: str
    delivered: str
    population: dict[str, object]
    start: date
    holdout: float
    seed: int | None
    source: InterventionSource
    created_at: datetime
    created_by: str
    treated: int = 0
    held_out: int = 0


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who is in which group of one intervention, person key → group."""

    intervention_id: int
    groups: dict[str, Group] = field(default_factory=dict)

    def people(self, group: Group) -> list[str]:
        return sorted(key for key, value in self.groups.items() if value is group)


def check_holdout(fraction: float) -> float:
    """The hold-out fraction, refused unless there is someone on both sides to compare."""
    if not 0.0 < fraction < 1.0:
        raise InputError(f"hold-out fraction must be between 0 and 1 (exclusive), not {fraction}")
    return fraction


def new_seed() -> int:
    """A fresh seed for a hold-out draw, recorded with the intervention so it can be re-drawn."""
    return random.SystemRandom().randrange(1, 2**31 - 1)


def _stratum_random(seed: int, stratum: str) -> random.Random:
    # one generator per stratum: adding a team never changes another team's draw
    digest = hashlib.sha256(f"{seed}\x00{stratum}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def assign_holdout(person_keys: Iterable[str], *, strata: Mapping[str, str],
                   fraction: float = 0.2, seed: int) -> dict[str, str]:
    """Each person's group, `treated` or `holdout`, drawn within each stratum (usually the team)
    so both groups mirror the population; the same keys, strata and seed give the same draw.

    A stratum of n people holds out floor(fraction·n) people plus one more with probability
    equal to the fraction left over, so every person's chance of being held out is `fraction`
    and small teams are not all rounded to zero. Keys missing from `strata` form one stratum.
    """
    check_holdout(fraction)
    by_stratum: dict[str, list[str]] = {}
    for key in sorted(set(person_keys)):
        by_stratum.setdefault(strata.get(key, ""), []).append(key)
    groups: dict[str, str] = {}
    for stratum in sorted(by_stratum):
        members = by_stratum[stratum]
        rng = _stratum_random(seed, stratum)
        share = fraction * len(members)
        held = int(share) + (1 if rng.random() < share - int(share) else 0)
        held_out = set(rng.sample(members, held))
        for key in members:
            groups[key] = Group.HOLDOUT.value if key in held_out else Group.TREATED.value
    return groups
