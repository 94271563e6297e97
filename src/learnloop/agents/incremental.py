"""When a decide-stage agent may skip a run: nothing it reads can have changed since its cursor.

Its inputs change only through events (imports, signals, L&D's steering, another agent's
results); the loop's own bookkeeping and the outputs of agents it does not read change nothing.
"""

from __future__ import annotations

from collections.abc import Collection

from learnloop.agents.base import AgentContext
from learnloop.domain.events import EventKind
from learnloop.store.cursors import actors_since

__all__ = ["changes_since_cursor", "newest_event"]

_BOOKKEEPING = frozenset({EventKind.LOOP_STARTED, EventKind.LOOP_COMPLETED,
                          EventKind.AGENT_FAILED})


def changes_since_cursor(context: AgentContext, *, reads_agents: Collection[str],
                         unread_kinds: Collection[str] = ()) -> list[str]:
    """The kinds of event after the agent's cursor that may have changed what it reads (sorted):
    every event by a person, a token, an import or a job, and events by the agents named in
    `reads_agents` (whose results it reads); not the loop's bookkeeping, not its own events nor
    other agents', nor kinds in `unread_kinds` (steering it does not read). Before a first run
    (cursor 0) everything is a change."""
    if not context.cursor:
        return ["first run"]
    read = {f"agent:{name}" for name in reads_agents}
    return sorted({kind for kind, actor in actors_since(
        context.session, organisation_id=context.organisation_id, after=context.cursor)
        if kind not in _BOOKKEEPING and kind not in unread_kinds
        and (not actor.startswith("agent:") or actor in read)})


def newest_event(context: AgentContext) -> int | None:
    """The id of the organisation's newest event: where the agent's cursor moves to."""
    newest = context.events.recent(limit=1)
    return newest[0].id if newest else None
