"""Reads a background job's events back from the log, for `GET /api/jobs/{id}`.

Jobs write through EventLog like everyone else; this only finds the events of one job.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.events import Event
from learnloop.domain.jobs import JOB_EVENT_KINDS, JOB_SUBJECT
from learnloop.store import tables

__all__ = ["job_events"]


def job_events(session: Session, *, organisation_id: int, job_id: str) -> list[Event]:
    rows = session.scalars(
        select(tables.Event).where(
            tables.Event.organisation_id == organisation_id,
            tables.Event.kind.in_(JOB_EVENT_KINDS),
            tables.Event.subject_type == JOB_SUBJECT,
            tables.Event.subject_id == job_id,
        ).order_by(tables.Event.id))
    return [Event(id=row.id, kind=row.kind, actor=row.actor, payload=dict(row.payload or {}),
                  subject_type=row.subject_type, subject_id=row.subject_id,
                  occurred_at=row.occurred_at) for row in rows]
