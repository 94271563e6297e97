"""Interventions (a need, a population, a start date, what was delivered) and their randomised
hold-out: who is treated and who is kept back so the effect on the KPI can be measured.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import numpy as np

from learnloop.errors import InputError, Problem

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "Assignment",
    "Group",
    "Intervention",
    "InterventionSource",
    "assign_holdout",
    "check_holdout",
    "new_seed",
    "parse_assignment",
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
    key: str | None = None  # the organisation's own id, for an imported intervention
    kpi_metric: str | None = None  # what it should move (the need's unless said otherwise)
    kpi_direction: str | None = None
    behaviour_metrics: tuple[str, ...] = ()
    skill_key: str | None = None


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
    return 1 + secrets.randbelow(2**31 - 2)


def _stratum_random(seed: int, stratum: str) -> np.random.Generator:
    # one generator per stratum: adding a team never changes another team's draw
    digest = hashlib.sha256(f"{seed}\x00{stratum}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


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
        held_out = {members[index] for index in
                    rng.choice(len(members), size=held, replace=False).tolist()}
        for key in members:
            groups[key] = Group.HOLDOUT.value if key in held_out else Group.TREATED.value
    return groups


ASSIGNMENT_COLUMNS = ("person", "group")


def parse_assignment(rows: Iterable[Mapping[str, str | None]], *, file: str,
                     columns: Iterable[str]) -> dict[str, str]:
    """An assignment made elsewhere, read from `person, group` rows (the export's format): every
    problem found with its row before anything is accepted."""
    missing = [name for name in ASSIGNMENT_COLUMNS if name not in set(columns)]
    if missing:
        raise InputError(f"{file}: missing column(s) {', '.join(missing)}; expected person, group")
    groups: dict[str, str] = {}
    problems: list[Problem] = []
    allowed = {group.value for group in Group}
    for number, row in enumerate(rows, start=2):
        person = (row.get("person") or "").strip()
        group = (row.get("group") or "").strip().lower()
        if not person:
            problems.append(Problem("empty", file=file, row=number, field="person"))
        elif person in groups:
            problems.append(Problem(f"{person!r} is listed twice", file=file, row=number,
                                    field="person"))
        if group not in allowed:
            problems.append(Problem(f"must be 'treated' or 'holdout', not {group!r}", file=file,
                                    row=number, field="group"))
        if person and group in allowed:
            groups.setdefault(person, group)
    if not problems and not groups:
        problems.append(Problem("no people in the file", file=file))
    if not problems and Group.HOLDOUT.value not in groups.values():
        problems.append(Problem("nobody is held out: the effect could not be measured",
                                file=file, field="group"))
    if not problems and Group.TREATED.value not in groups.values():
        problems.append(Problem("nobody is treated", file=file, field="group"))
    if problems:
        raise InputError(f"{file}: the assignment has problems", problems[:50],
                         total=len(problems))
    return groups
