"""The skills and roles imports' writes: the taxonomy, and roles with the levels they require.

A role whose requirements changed counts as updated even when its name did not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import replace_children, sync_rows

__all__ = ["write_roles", "write_skills"]


def write_skills(session: Session, *, organisation_id: int,
                 skills: Mapping[str, Mapping[str, Any]], rows: int, batch_size: int) -> Counts:
    """Upsert `skills` (key → name, category, description)."""
    synced = sync_rows(session, tables.Skill, organisation_id=organisation_id, rows=skills,
                       compared=("name", "category", "description"), batch_size=batch_size)
    return synced.counts(rows)


def write_roles(session: Session, *, organisation_id: int,
                roles: Mapping[str, Mapping[str, Any]],
                requirements: Mapping[str, Mapping[int, tuple[int, str]]],
                batch_size: int) -> Counts:
    """Upsert `roles` (key → name, description) and make each role's requirements exactly
    `requirements[key]` (skill id → (level, criticality))."""
    synced = sync_rows(session, tables.Role, organisation_id=organisation_id, rows=roles,
                       compared=("name", "description"), batch_size=batch_size)
    changed = replace_children(
        session, tables.RoleRequirement, parent_column="role_id",
        wanted={synced.ids[key]: {(skill_id, level, criticality)
                                  for skill_id, (level, criticality) in needs.items()}
                for key, needs in requirements.items()},
        columns=("skill_id", "level", "criticality"), batch_size=batch_size)
    synced.mark_updated(key for key in roles if synced.ids[key] in changed)
    return synced.counts(len(roles))
