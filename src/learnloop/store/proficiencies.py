"""Keeps the skills agent's results: proficiencies and skill health, each replaced whole by a run
and read back as domain records for the CLI, the API and the needs agent.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from learnloop.domain.proficiencies import (
    HealthTrend,
    Proficiency,
    ProficiencyEstimates,
    SkillHealth,
)
from learnloop.store import tables
from learnloop.store.copy_rows import day_value, insert_rows
from learnloop.store.proficiency_rows import (
    StoredProficiencies,
    StoredState,
    write_proficiencies,
)
from learnloop.store.reading import keys_by_id

__all__ = ["proficiency_list", "replace_proficiencies", "replace_skill_health",
           "skill_health_list"]

_HEALTH_COLUMNS = ("organisation_id", "team_id", "role_id", "skill_id", "required_level", "people",
                   "meeting", "lower", "upper", "single_point", "change", "change_lower",
                   "change_upper", "as_of", "trend_from")
_HEALTH_TYPES = ("int4", "int4", "int4", "int4", "float8", "int4", "float8", "float8", "float8",
                 "float8", "float8", "float8", "float8", "date", "date")


def _ids(session: Session, table: Any, *, organisation_id: int,
         keys: Iterable[str]) -> np.ndarray:
    """The row id of each key, in order (-1 for a key the organisation no longer has)."""
    by_key = {key: row_id for row_id, key in keys_by_id(
        session, table, organisation_id=organisation_id).items()}
    return np.array([by_key.get(key, -1) for key in keys], dtype=np.int64)


def replace_proficiencies(session: Session, *, organisation_id: int,
                          estimates: ProficiencyEstimates, as_of: date,
                          person_ids: np.ndarray | None = None,
                          skill_ids: np.ndarray | None = None, stored: StoredState | None = None
                          ) -> tuple[StoredProficiencies, int]:
    """Replace the organisation's proficiencies with these estimates (`person_ids` and
    `skill_ids`: the row id of each of the estimates' people and skills, when the caller has
    them; `stored`: the rows to compare with, when read ahead); returns the rows as now stored
    and how many of them had to be written."""
    if person_ids is None:
        person_ids = _ids(session, tables.Person, organisation_id=organisation_id,
                          keys=estimates.people)
    if skill_ids is None:
        skill_ids = _ids(session, tables.Skill, organisation_id=organisation_id,
                         keys=estimates.skills)
    people, skills = person_ids[estimates.person], skill_ids[estimates.skill]
    lower, upper = estimates.bounds()
    keep = (people >= 0) & (skills >= 0)
    rows = StoredProficiencies(person_id=people[keep], skill_id=skills[keep],
                               level=estimates.level[keep], lower=lower[keep],
                               upper=upper[keep], evidence=estimates.evidence[keep])
    return rows, write_proficiencies(session, organisation_id=organisation_id, rows=rows,
                                     as_of=as_of, stored=stored)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def replace_skill_health(session: Session, *, organisation_id: int, trend: HealthTrend,
                         as_of: date, trend_from: date) -> int:
    """Replace the organisation's skill health with `trend.after` and its change since
    `trend_from`; returns rows written."""
    health = trend.after
    teams = _ids(session, tables.Team, organisation_id=organisation_id,
                 keys=health.teams)[health.team]
    roles = _ids(session, tables.Role, organisation_id=organisation_id,
                 keys=health.roles)[health.role]
    skills = _ids(session, tables.Skill, organisation_id=organisation_id,
                  keys=health.skills)[health.skill]
    keep = (teams >= 0) & (roles >= 0) & (skills >= 0)
    days = (day_value(session, as_of), day_value(session, trend_from))
    columns = zip(*(array[keep].tolist() for array in (
        teams, roles, skills, health.required_level, health.people, health.meeting,
        health.lower, health.upper, health.single_point, trend.change, trend.lower,
        trend.upper)), strict=True)
    rows = [(organisation_id, team, role, skill, level, people, meeting, low, high,
             _number(single), _number(change), _number(change_low), _number(change_high), *days)
            for (team, role, skill, level, people, meeting, low, high, single, change, change_low,
                 change_high) in columns]
    # the rows as the last run wrote them (the same count, the same digest): nothing to write
    digest = hashlib.blake2b(repr(rows).encode(), digest_size=20).hexdigest()
    state = session.get(tables.ProficiencyState, organisation_id)
    if state is not None and state.health_digest == digest and state.health_rows == session.scalar(
            select(func.count()).select_from(tables.SkillHealth).where(
                tables.SkillHealth.organisation_id == organisation_id)):
        return len(rows)
    session.execute(delete(tables.SkillHealth).where(
        tables.SkillHealth.organisation_id == organisation_id))
    insert_rows(session, tables.SkillHealth.__tablename__, names=_HEALTH_COLUMNS,
                types=_HEALTH_TYPES, rows=rows)
    if state is not None:
        state.health_rows, state.health_digest = len(rows), digest
        session.flush()
    return len(rows)


def proficiency_list(session: Session, *, organisation_id: int) -> list[Proficiency]:
    """Every stored proficiency, ordered by person key, then skill key."""
    row = tables.Proficiency
    rows = session.execute(
        select(tables.Person.key, tables.Skill.key, row.level, row.lower, row.upper,
               row.evidence, row.as_of)
        .join(tables.Person, tables.Person.id == row.person_id)
        .join(tables.Skill, tables.Skill.id == row.skill_id)
        .where(row.organisation_id == organisation_id)
        .order_by(tables.Person.key, tables.Skill.key))
    return [Proficiency(*values) for values in rows]


def skill_health_list(session: Session, *, organisation_id: int,
                      team_key: str | None = None) -> list[SkillHealth]:
    """Every stored skill-health row (or one team's), ordered by team, role, then skill key."""
    row = tables.SkillHealth
    team, role, skill = aliased(tables.Team), aliased(tables.Role), aliased(tables.Skill)
    rows = session.execute(
        select(team.key, role.key, skill.key, row.required_level, row.people, row.meeting,
               row.lower, row.upper, row.single_point, row.change, row.change_lower,
               row.change_upper, row.as_of, row.trend_from)
        .join(team, team.id == row.team_id).join(role, role.id == row.role_id)
        .join(skill, skill.id == row.skill_id)
        .where(row.organisation_id == organisation_id,
               *(() if team_key is None else (team.key == team_key,)))
        .order_by(team.key, role.key, skill.key))
    return [SkillHealth(*values) for values in rows]
