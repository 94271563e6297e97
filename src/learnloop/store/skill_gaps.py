"""Reads each team's standing in the skills its roles require, from the skills agent's results:
how far people fall short, who is below, and skill health's counts, per team and skill.

Rows come straight from the driver's cursor and are joined and summed as NumPy columns: a
100,000-person organisation has over a million (person, required skill) pairs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.domain.needs_inputs import TeamSkillGap
from learnloop.store import tables
from learnloop.store.proficiency_rows import StoredProficiencies, stored_proficiencies
from learnloop.store.reading import raw_batches

__all__ = ["team_people", "team_skill_gaps"]

_Z90_WIDTH = 2 * 1.6449  # a 90% interval is this many SDs wide


def team_people(session: Session, *, organisation_id: int) -> dict[str, int]:
    """Team key → number of people in it."""
    person, team = tables.Person, tables.Team
    return dict(session.execute(
        select(team.key, func.count(person.id)).join(person, person.team_id == team.id)
        .where(team.organisation_id == organisation_id).group_by(team.key)).all())


def _rows(session: Session, query: Any) -> list[tuple[Any, ...]]:
    return [row for batch in raw_batches(session, query) for row in batch]


def _columns(rows: list[tuple[Any, ...]], count: int) -> list[np.ndarray]:
    if not rows:
        return [np.empty(0) for _ in range(count)]
    return [np.asarray(column) for column in zip(*rows, strict=True)]


class _Pairs:
    """Every (person, required skill) pair of the organisation, with the person's estimate."""

    def __init__(self, session: Session, organisation_id: int,
                 proficiencies: StoredProficiencies | None) -> None:
        person, team, need = tables.Person, tables.Team, tables.RoleRequirement
        people = _rows(session, select(person.id, person.key, team.key, person.role_id)
                       .join(team, team.id == person.team_id)
                       .where(person.organisation_id == organisation_id,
                              person.role_id.is_not(None)).order_by(person.role_id))
        required = _rows(session, select(need.role_id, need.skill_id, need.level,
                                         need.criticality)
                         .join(tables.Skill, tables.Skill.id == need.skill_id)
                         .where(tables.Skill.organisation_id == organisation_id)
                         .order_by(need.role_id, need.skill_id))
        self.person_keys = np.array([row[1] for row in people], dtype=object)
        self.teams, team_index = np.unique(np.array([row[2] for row in people], dtype=object),
                                           return_inverse=True)
        person_id = np.array([row[0] for row in people], dtype=np.int64)
        person_role = np.array([row[3] for row in people], dtype=np.int64)
        role, skill, level, critical = _columns(required, 4)
        role = role.astype(np.int64)
        # each person takes their role's requirements: repeat people by requirement count
        first = np.searchsorted(role, person_role, side="left")
        count = np.searchsorted(role, person_role, side="right") - first
        self.person = np.repeat(np.arange(len(person_id)), count)
        offsets = np.arange(len(self.person)) - np.repeat(np.cumsum(count) - count, count)
        row = np.repeat(first, count) + offsets
        self.skill_id = skill.astype(np.int64)[row] if len(row) else np.empty(0, np.int64)
        self.level = level.astype(float)[row] if len(row) else np.empty(0)
        self.critical = (critical[row] == "critical") if len(row) else np.empty(0, bool)
        self.role_id = person_role[self.person]
        self.team = team_index[self.person] if len(self.person) else np.empty(0, np.int64)
        self.estimate, self.sd = self._estimates(
            proficiencies if proficiencies is not None else stored_proficiencies(
                session, organisation_id=organisation_id), person_id[self.person])

    def _estimates(self, stored_rows: StoredProficiencies,
                   person_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pid, sid = stored_rows.person_id, stored_rows.skill_id
        level, lower, upper = stored_rows.level, stored_rows.lower, stored_rows.upper
        width = int(max(sid.max(initial=0), self.skill_id.max(initial=0))) + 1
        stored = pid.astype(np.int64) * width + sid.astype(np.int64)
        # the skills agent hands its rows on by person, then skill: no sort needed then
        order = slice(None) if bool(np.all(stored[1:] >= stored[:-1])) else np.argsort(stored)
        wanted = person_id * width + self.skill_id
        at = np.clip(np.searchsorted(stored[order], wanted), 0, max(len(stored) - 1, 0))
        hit = (stored[order][at] == wanted) if len(stored) else np.zeros(len(wanted), bool)
        estimate = np.where(hit, level.astype(float)[order][at] if len(stored) else 0.0, np.nan)
        sd = np.where(hit, ((upper - lower).astype(float) / _Z90_WIDTH)[order][at]
                      if len(stored) else 0.0, np.nan)
        return estimate, sd


def _health(session: Session, organisation_id: int) -> dict[tuple[str, str], dict[str, Any]]:
    """Skill health summed per team and skill over the team's roles; raw rows in the order
    `skill_health_list` gives (so the sums come out the same), without a record per row."""
    row = tables.SkillHealth
    team, role, skill = tables.Team, tables.Role, tables.Skill
    health: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {
        "below": 0.0, "lower": 0.0, "upper": 0.0, "single": None, "change": None})
    for team_key, skill_key, people, meeting, lower, upper, single, change in _rows(
            session, select(team.key, skill.key, row.people, row.meeting, row.lower, row.upper,
                            row.single_point, row.change)
            .join(team, team.id == row.team_id).join(role, role.id == row.role_id)
            .join(skill, skill.id == row.skill_id)
            .where(row.organisation_id == organisation_id)
            .order_by(team.key, role.key, skill.key)):
        entry = health[(team_key, skill_key)]
        entry["below"] += people - meeting
        entry["lower"] += people - upper
        entry["upper"] += people - lower
        if single is not None:
            entry["single"] = max(entry["single"] or 0.0, single)
        if change is not None:
            entry["change"] = (entry["change"] or 0.0) + change
    return health


def team_skill_gaps(session: Session, *, organisation_id: int,
                    proficiencies: StoredProficiencies | None = None) -> list[TeamSkillGap]:
    """One record per team and required skill (roles in the team pooled), by team then skill;
    `proficiencies`: the stored proficiencies when the caller holds them already (the skills
    agent's, handed on in the same loop pass), else they are read."""
    pairs = _Pairs(session, organisation_id, proficiencies)
    if not len(pairs.person):
        return []
    skill_key = dict(session.execute(select(tables.Skill.id, tables.Skill.key).where(
        tables.Skill.organisation_id == organisation_id)).all())
    role_key = dict(session.execute(select(tables.Role.id, tables.Role.key).where(
        tables.Role.organisation_id == organisation_id)).all())
    skills, skill_index = np.unique(pairs.skill_id, return_inverse=True)
    groups, group = np.unique(pairs.team * len(skills) + skill_index, return_inverse=True)
    n = len(groups)
    known = ~np.isnan(pairs.estimate)
    below = known & (np.nan_to_num(pairs.estimate, nan=np.inf) < pairs.level)
    short = np.where(below, pairs.level - np.nan_to_num(pairs.estimate), 0.0)
    people = np.bincount(group, minlength=n)
    estimated = np.bincount(group, weights=known, minlength=n)
    shortfall = np.bincount(group, weights=short, minlength=n) / np.maximum(estimated, 1)
    variance = np.bincount(group, weights=np.where(below, np.nan_to_num(pairs.sd) ** 2, 0.0),
                           minlength=n)
    required = np.bincount(group, weights=pairs.level, minlength=n) / np.maximum(people, 1)
    critical = np.bincount(group, weights=pairs.critical, minlength=n) > 0
    # who is below, and which roles ask, per group: sorted once, split at group boundaries
    below_order = np.flatnonzero(below)[np.argsort(group[below], kind="stable")]
    below_split = np.searchsorted(group[below_order], np.arange(n + 1))
    role_pairs = np.unique(group * (pairs.role_id.max() + 1) + pairs.role_id)
    role_group, role_of = np.divmod(role_pairs, pairs.role_id.max() + 1)
    role_split = np.searchsorted(role_group, np.arange(n + 1))
    health = _health(session, organisation_id)
    gaps = []
    team_of, skill_of = np.divmod(groups, len(skills))
    for g in range(n):
        team, skill = str(pairs.teams[team_of[g]]), skill_key[int(skills[skill_of[g]])]
        keys = tuple(pairs.person_keys[pairs.person[below_order[below_split[g]:
                                                                 below_split[g + 1]]]])
        found = health.get((team, skill))
        counted = max(float(estimated[g]), 1.0)
        gaps.append(TeamSkillGap(
            team_key=team, skill_key=skill,
            role_keys=tuple(sorted(role_key[int(r)] for r in
                                   role_of[role_split[g]:role_split[g + 1]])),
            required_level=float(required[g]), people=int(people[g]),
            estimated=int(estimated[g]), shortfall=float(shortfall[g]),
            shortfall_sd=math.sqrt(float(variance[g])) / counted,
            below=found["below"] if found else float(len(keys)),
            below_lower=found["lower"] if found else float(len(keys)),
            below_upper=found["upper"] if found else float(len(keys)),
            critical=bool(critical[g]), single_point=found["single"] if found else None,
            change=found["change"] if found else None, person_keys=tuple(sorted(keys))))
    return sorted(gaps, key=lambda gap: (gap.team_key, gap.skill_key))
