"""The change-log import's writes, and the change log as the sensing agent reads it.

Entries are keyed by their id in the organisation's own change calendar or incident list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts
from learnloop.domain.sensing.series import ChangeEntry, ChangeKind
from learnloop.store import tables
from learnloop.store.bulk import sync_rows

__all__ = ["change_log", "write_changes"]


def write_changes(session: Session, *, organisation_id: int,
                  changes: Mapping[str, Mapping[str, Any]], rows: int,
                  batch_size: int) -> Counts:
    """Upsert change-log entries (id → kind, starts, ends, team_id, description)."""
    synced = sync_rows(session, tables.ChangeLogEntry, organisation_id=organisation_id,
                       rows={key: dict(values) for key, values in changes.items()},
                       compared=("kind", "starts", "ends", "team_id", "description"),
                       batch_size=batch_size)
    return synced.counts(rows)


def change_log(session: Session, *, organisation_id: int) -> list[ChangeEntry]:
    """Every change-log entry of the organisation, oldest first, as the sensing core's records."""
    change, team = tables.ChangeLogEntry, tables.Team
    query = (select(change.kind, change.starts, change.ends, team.key, change.description)
             .outerjoin(team, team.id == change.team_id)
             .where(change.organisation_id == organisation_id)
             .order_by(change.starts, change.key))
    return [ChangeEntry(kind=ChangeKind(kind), starts=starts, ends=ends, team=team_key,
                        description=description)
            for kind, starts, ends, team_key, description in session.execute(query)]
