"""Agent cursors: where each agent of an organisation stopped reading the event log.

A cursor only moves inside the agent's own savepoint, so a failed run keeps the old one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.events import utcnow
from learnloop.errors import ConflictError
from learnloop.store import tables

__all__ = ["actors_since", "advance_cursor", "agent_cursor"]


def agent_cursor(session: Session, *, organisation_id: int, agent: str) -> int:
    """The id of the last event the agent has processed; 0 before its first run."""
    found = session.scalar(select(tables.AgentCursor.last_event_id).where(
        tables.AgentCursor.organisation_id == organisation_id, tables.AgentCursor.agent == agent))
    return int(found or 0)


def advance_cursor(session: Session, *, organisation_id: int, agent: str,
                   last_event_id: int) -> int:
    """Record that the agent has processed every event up to `last_event_id`; returns it.

    A cursor never moves back: that would make the agent act twice on the same events.
    """
    row = session.scalar(select(tables.AgentCursor).where(
        tables.AgentCursor.organisation_id == organisation_id, tables.AgentCursor.agent == agent))
    if row is None:
        row = tables.AgentCursor(organisation_id=organisation_id, agent=agent,
                                 last_event_id=last_event_id, updated_at=utcnow())
        session.add(row)
    elif last_event_id < row.last_event_id:
        raise ConflictError(f"agent {agent!r} has processed events up to {row.last_event_id}; "
                            f"its cursor cannot move back to {last_event_id}")
    else:
        row.last_event_id, row.updated_at = last_event_id, utcnow()
    session.flush()
    return last_event_id


def actors_since(session: Session, *, organisation_id: int, after: int) -> set[tuple[str, str]]:
    """The distinct (kind, actor) of the organisation's events after event `after`: enough for
    an agent to tell whether anything it reads may have changed since its cursor."""
    event = tables.Event
    return {(kind, actor) for kind, actor in session.execute(
        select(event.kind, event.actor).distinct().where(
            event.organisation_id == organisation_id, event.id > after))}
