"""The append-only event log: append events, read them back in order or filtered.

The only writer of the `events` table; agents read and write through it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from learnloop.domain.events import Event, utcnow
from learnloop.store import tables

__all__ = ["EventLog"]


def _as_event(row: tables.Event) -> Event:
    return Event(
        id=row.id, kind=row.kind, actor=row.actor, payload=dict(row.payload or {}),
        subject_type=row.subject_type, subject_id=row.subject_id, occurred_at=row.occurred_at,
    )


class EventLog:
    """One organisation's event log inside one session (and so one transaction)."""

    def __init__(self, session: Session, organisation_id: int) -> None:
        self._session = session
        self._organisation_id = organisation_id

    def append(self, event: Event) -> Event:
        occurred_at = event.occurred_at or utcnow()
        new_id = self._session.execute(
            insert(tables.Event).returning(tables.Event.id),
            {
                "organisation_id": self._organisation_id, "occurred_at": occurred_at,
                "actor": event.actor, "kind": event.kind, "subject_type": event.subject_type,
                "subject_id": event.subject_id, "payload": event.payload,
            },
        ).scalar_one()
        return Event(
            id=new_id, kind=event.kind, actor=event.actor, payload=event.payload,
            subject_type=event.subject_type, subject_id=event.subject_id, occurred_at=occurred_at,
        )

    def append_all(self, events: Sequence[Event]) -> int:
        """Append many events in one statement, in order (an agent run that changed thousands
        of things); returns how many. Their ids are not read back."""
        now = utcnow()
        rows = [{"organisation_id": self._organisation_id,
                 "occurred_at": event.occurred_at or now, "actor": event.actor,
                 "kind": event.kind, "subject_type": event.subject_type,
                 "subject_id": event.subject_id, "payload": event.payload} for event in events]
        for start in range(0, len(rows), 5000):
            self._session.execute(insert(tables.Event), rows[start:start + 5000])
        return len(rows)

    def record(self, kind: str, *, actor: str, payload: dict | None = None,
               subject_type: str | None = None, subject_id: str | None = None) -> Event:
        return self.append(Event(kind=kind, actor=actor, payload=payload or {},
                                 subject_type=subject_type, subject_id=subject_id))

    def recent(self, *, limit: int = 50, kinds: Sequence[str] | None = None,
               before_id: int | None = None) -> list[Event]:
        """Newest first; `before_id` pages further back."""
        query = select(tables.Event).where(tables.Event.organisation_id == self._organisation_id)
        if kinds:
            query = query.where(tables.Event.kind.in_(list(kinds)))
        if before_id is not None:
            query = query.where(tables.Event.id < before_id)
        rows = self._session.scalars(query.order_by(tables.Event.id.desc()).limit(limit))
        return [_as_event(row) for row in rows]

    def since(self, after_id: int = 0, *, kinds: Sequence[str] | None = None,
              limit: int = 1000) -> list[Event]:
        """Oldest first after a cursor: how an agent catches up on what happened."""
        query = select(tables.Event).where(
            tables.Event.organisation_id == self._organisation_id, tables.Event.id > after_id)
        if kinds:
            query = query.where(tables.Event.kind.in_(list(kinds)))
        rows = self._session.scalars(query.order_by(tables.Event.id).limit(limit))
        return [_as_event(row) for row in rows]

    def about(self, subject_type: str, subject_id: str, *,
              kinds: Sequence[str] | None = None) -> list[Event]:
        """Every event about one subject (a job, an import), oldest first."""
        query = select(tables.Event).where(
            tables.Event.organisation_id == self._organisation_id,
            tables.Event.subject_type == subject_type, tables.Event.subject_id == subject_id)
        if kinds:
            query = query.where(tables.Event.kind.in_(list(kinds)))
        return [_as_event(row) for row in self._session.scalars(query.order_by(tables.Event.id))]

    def count(self, kind: str | None = None) -> int:
        query = select(func.count()).select_from(tables.Event).where(
            tables.Event.organisation_id == self._organisation_id)
        if kind is not None:
            query = query.where(tables.Event.kind == kind)
        return int(self._session.scalar(query) or 0)
