"""When a decide-stage agent may skip a run: no event since its cursor is of a kind that changes
what it reads.

Everything the skills and needs agents read arrives through a recorded event: an import, signals,
an erasure, L&D's steering, another agent's results. The content, review and delivery work the
loop does after them records events too, but none of those changes their inputs.
"""

from __future__ import annotations

from collections.abc import Collection

from learnloop.agents.base import AgentContext
from learnloop.domain.events import EventKind
from learnloop.store.cursors import actors_since

__all__ = ["ORGANISATION_DATA", "changes_since_cursor", "newest_event"]

# what imports (files, the demo, the signals webhook) and erasure record: people, teams, roles,
# requirements, skills, objectives, evidence and KPI values change only with one of these
ORGANISATION_DATA = (EventKind.IMPORT_COMPLETED, EventKind.SIGNALS_RECEIVED,
                     EventKind.PERSON_ERASED, EventKind.DEMO_GENERATED)


def changes_since_cursor(context: AgentContext, *, kinds: Collection[str]) -> list[str]:
    """The kinds of event after the agent's cursor, among `kinds` (those that change what it
    reads), sorted; its own events do not count. Before a first run (cursor 0) everything is a
    change."""
    if not context.cursor:
        return ["first run"]
    return sorted({kind for kind, actor in actors_since(
        context.session, organisation_id=context.organisation_id, after=context.cursor)
        if kind in kinds and actor != context.actor})


def newest_event(context: AgentContext) -> int | None:
    """The id of the organisation's newest event: where the agent's cursor moves to."""
    newest = context.events.recent(limit=1)
    return newest[0].id if newest else None
