"""The event log's vocabulary: each decision and state change is an Event (actor, time, payload).

Agents and services append events; nothing edits or deletes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Event", "EventKind", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(UTC)


class EventKind:
    """Event kinds in use; agents add their own as `<agent>.<what happened>`."""

    IMPORT_COMPLETED = "import.completed"
    SIGNALS_RECEIVED = "signals.received"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    LOOP_STARTED = "loop.started"
    LOOP_COMPLETED = "loop.completed"
    AGENT_FAILED = "agent.failed"
    DEMO_GENERATED = "demo.generated"
    PERSON_ERASED = "person.erased"


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only log, as written; `id` and `occurred_at` are set on append."""

    kind: str
    actor: str
    payload: dict[str, Any] = field(default_factory=dict)
    subject_type: str | None = None
    subject_id: str | None = None
    occurred_at: datetime | None = None
    id: int | None = None
