"""The skills and roles imports' writes: the taxonomy, and roles with the levels they require.

A role whose requirements changed counts as updated even when its name did not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import replace_children, sync_rows

__all__ = ["ROLE_FIELDS", "SKILL_FIELDS", "write_roles", "write_skills"]

SKILL_FIELDS = ("name", "category", "description")
ROLE_FIELDS = ("name", "description")


def write_skills(session: Session, *, organisation_id: int,
                 skills: Mapping[str, Mapping[str, Any]], rows: int, batch_size: int,
                 compared: Sequence[str] = SKILL_FIELDS) -> Counts:
    """Upsert `skills` (key → SKILL_FIELDS); existing skills change only in `compared` fields
    (those the file gives), new ones take every value."""
    synced = sync_rows(session, tables.Skill, organisation_id=organisation_id, rows=skills,
                       compared=compared, batch_size=batch_size)
    return synced.counts(rows)


def write_roles(session: Session, *, organisation_id: int,
                roles: Mapping[str, Mapping[str, Any]],
                requirements: Mapping[str, Mapping[int, tuple[int, str]]],
                batch_size: int, compared: Sequence[str] = ROLE_FIELDS) -> Counts:
    """Upsert `roles` (key → ROLE_FIELDS; existing roles change only in `compared` fields) and
    make the requirements of each role in `requirements` exactly `requirements[key]` (skill id →
    (level, criticality)); roles left out of `requirements` keep theirs."""
    synced = sync_rows(session, tables.Role, organisation_id=organisation_id, rows=roles,
                       compared=compared, batch_size=batch_size)
    changed = replace_children(
        session, tables.RoleRequirement, parent_column="role_id",
        wanted={synced.ids[key]: {(skill_id, level, criticality)
                                  for skill_id, (level, criticality) in needs.items()}
                for key, needs in requirements.items()},
        columns=("skill_id", "level", "criticality"), batch_size=batch_size)
    synced.mark_updated(key for key in roles if synced.ids[key] in changed)
    return synced.counts(len(roles))
