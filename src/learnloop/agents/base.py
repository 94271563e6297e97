"""What an agent is: one step of a stage: it reads state and events, decides, writes events.

Agents never import FastAPI, Jinja2 or a connector; they get everything through AgentContext.
An agent runs incrementally: it reads the events after its cursor and reports the last one it
processed in `AgentReport.cursor`; the loop stores it with the agent's work, in one savepoint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from learnloop.domain.events import Event
from learnloop.store import Session
from learnloop.store.event_log import EventLog

__all__ = ["STAGES", "Agent", "AgentContext", "AgentReport"]

# The loop runs stages in this order; agents of one stage run in name order.
STAGES: tuple[str, ...] = ("sense", "decide", "create", "govern", "deliver", "measure")


@dataclass
class AgentContext:
    """What an agent may touch in one run: its organisation's state and event log, the time,
    who it writes as (`actor`, `agent:<name>`), where it stopped last time (`cursor`, the id of
    the last event it processed, 0 at first) and its options."""

    organisation_id: int
    session: Session
    events: EventLog
    now: datetime
    actor: str
    cursor: int = 0
    options: Mapping[str, Any] = field(default_factory=dict)
    # who ran the loop (a token, the CLI, the demo): the author of what an agent writes
    requested_by: str = "loop"
    # what agents that ran before this one in the same pass handed on (AgentReport.handoff), by
    # agent name; only agents whose work stood are here
    earlier: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def new_events(self, *, kinds: Sequence[str] | None = None, after: int | None = None,
                   limit: int = 1000) -> list[Event]:
        """Events after the cursor (or after `after`, to page on), oldest first."""
        return self.events.since(self.cursor if after is None else after, kinds=kinds,
                                 limit=limit)


@dataclass(frozen=True)
class AgentReport:
    """What one agent run did, in the words of the console and the event log; `cursor` is the id
    of the last event the run processed (None leaves the agent's cursor where it was)."""

    agent: str
    summary: str
    events_written: int = 0
    details: dict[str, Any] = field(default_factory=dict)
    cursor: int | None = None
    # results a later agent of the same pass may use instead of reading them back from the
    # database (e.g. the skills agent's proficiencies as arrays); never stored or shown
    handoff: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


@runtime_checkable
class Agent(Protocol):
    name: ClassVar[str]
    stage: ClassVar[str]
    description: ClassVar[str]

    def run(self, context: AgentContext) -> AgentReport: ...
