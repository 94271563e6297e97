"""Runs one pass of the loop: every registered agent in stage order, each in its own savepoint.

One agent failing is recorded as an event and does not undo what the others did, and its
cursor stays where it was, so its next run sees the same events again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from learnloop.agents.base import Agent, AgentContext, AgentReport
from learnloop.domain.events import EventKind, utcnow
from learnloop.store import Session
from learnloop.store.cursors import advance_cursor, agent_cursor
from learnloop.store.event_log import EventLog

__all__ = ["LoopReport", "run_loop"]


@dataclass
class LoopReport:
    reports: list[AgentReport] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures


def run_loop(
    session: Session,
    *,
    organisation_id: int,
    agents: Sequence[Agent],
    actor: str = "loop",
    on_agent: Callable[[Agent], None] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> LoopReport:
    """Run `agents` once for an organisation inside the caller's transaction, each agent in a
    savepoint of its own, from its stored cursor, with `options[agent.name]`; `on_agent` is
    called before each (for progress)."""
    report = LoopReport()
    handed: dict[str, Mapping[str, Any]] = {}
    log = EventLog(session, organisation_id)
    log.record(EventKind.LOOP_STARTED, actor=actor,
               payload={"agents": [agent.name for agent in agents]})
    for agent in agents:
        if on_agent is not None:
            on_agent(agent)
        savepoint = session.begin_nested()
        try:
            cursor = agent_cursor(session, organisation_id=organisation_id, agent=agent.name)
            context = AgentContext(
                organisation_id=organisation_id, session=session, events=log, now=utcnow(),
                actor=f"agent:{agent.name}", cursor=cursor,
                options=(options or {}).get(agent.name, {}), requested_by=actor,
                earlier=dict(handed))
            agent_report = agent.run(context)
            if agent_report.cursor is not None and agent_report.cursor != cursor:
                advance_cursor(session, organisation_id=organisation_id, agent=agent.name,
                               last_event_id=agent_report.cursor)
            report.reports.append(agent_report)
            savepoint.commit()
            if agent_report.handoff:
                handed[agent.name] = agent_report.handoff
        except Exception as error:  # noqa: BLE001 - the loop records and carries on
            if savepoint.is_active:
                savepoint.rollback()
            report.failures[agent.name] = f"{type(error).__name__}: {error}"
            log.record(EventKind.AGENT_FAILED, actor=f"agent:{agent.name}",
                       payload={"error": report.failures[agent.name]})
    log.record(EventKind.LOOP_COMPLETED, actor=actor,
               payload={"ran": [line.agent for line in report.reports],
                        "failed": sorted(report.failures)})
    return report
