"""What an agent is: one step of a stage: it reads state and events, decides, writes events.

Agents never import FastAPI, Jinja2 or a connector; they get everything through AgentContext.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from sqlalchemy.orm import Session

from learnloop.store.event_log import EventLog

__all__ = ["STAGES", "Agent", "AgentContext", "AgentReport"]

# The loop runs stages in this order; agents of one stage run in name order.
STAGES: tuple[str, ...] = ("sense", "decide", "create", "govern", "deliver", "measure")


@dataclass
class AgentContext:
    """What an agent may touch in one run: its organisation's state and event log, and the time."""

    organisation_id: int
    session: Session
    events: EventLog
    now: datetime
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AgentReport:
    """What one agent run did, in the words of the console and the event log."""

    agent: str
    summary: str
    events_written: int = 0
    details: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Agent(Protocol):
    name: ClassVar[str]
    stage: ClassVar[str]
    description: ClassVar[str]

    def run(self, context: AgentContext) -> AgentReport: ...
