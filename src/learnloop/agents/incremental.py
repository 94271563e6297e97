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


def changes_since_cursor(context: AgentContext, *, unread_actors: Collection[str]) -> list[str]:
    """The kinds of event after the agent's cursor that may have changed what it reads (sorted);
    events by `unread_actors` (the agent itself, agents whose results it does not read) and the
    loop's bookkeeping do not count. Before a first run (cursor 0) everything is a change."""
    if not context.cursor:
        return ["first run"]
    ignored = {context.actor, *unread_actors}
    return sorted({kind for kind, actor in actors_since(
        context.session, organisation_id=context.organisation_id, after=context.cursor)
        if kind not in _BOOKKEEPING and actor not in ignored})


def newest_event(context: AgentContext) -> int | None:
    """The id of the organisation's newest event: where the agent's cursor moves to."""
    newest = context.events.recent(limit=1)
    return newest[0].id if newest else None
