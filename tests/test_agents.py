"""The agent registry and the loop: stage order, loud failures, one transaction per agent."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import ClassVar

import pytest

from learnloop.agents import AgentContext, AgentReport, run_loop
from learnloop.agents.registry import load_agents
from learnloop.domain.events import EventKind
from learnloop.errors import ConfigError
from learnloop.store.event_log import EventLog
from learnloop.workspace import Workspace


class MeasureAgent:
    name: ClassVar[str] = "impact"
    stage: ClassVar[str] = "measure"
    description: ClassVar[str] = "measures"

    def run(self, context: AgentContext) -> AgentReport:
        context.events.record("impact.measured", actor=f"agent:{self.name}")
        return AgentReport(agent=self.name, summary="measured", events_written=1)


class SenseAgent(MeasureAgent):
    name: ClassVar[str] = "sensing"
    stage: ClassVar[str] = "sense"

    def run(self, context: AgentContext) -> AgentReport:
        context.events.record("sensing.detected", actor=f"agent:{self.name}")
        return AgentReport(agent=self.name, summary="sensed", events_written=1)


class BrokenAgent(MeasureAgent):
    name: ClassVar[str] = "broken"
    stage: ClassVar[str] = "decide"

    def run(self, context: AgentContext) -> AgentReport:
        context.events.record("broken.half_done", actor=f"agent:{self.name}")
        raise RuntimeError("model unavailable")


class NoStageAgent:
    name = "lost"


def _point(name: str, cls: type) -> EntryPoint:
    return EntryPoint(name=name, value=f"{__name__}:{cls.__name__}", group="learnloop.agents")


def test_agents_are_ordered_by_loop_stage() -> None:
    agents = load_agents([_point("impact", MeasureAgent), _point("sensing", SenseAgent)])
    assert [agent.name for agent in agents] == ["sensing", "impact"]


def test_an_agent_that_does_not_fit_fails_loudly() -> None:
    with pytest.raises(ConfigError, match="lost"):
        load_agents([_point("lost", NoStageAgent)])
    with pytest.raises(ConfigError, match="failed to load"):
        load_agents(
            [EntryPoint(name="gone", value="learnloop.nowhere:Agent", group="learnloop.agents")]
        )


def test_loop_runs_every_agent_and_records_a_failure_without_undoing_others(
    sqlite_workspace: Workspace,
) -> None:
    agents = load_agents(
        [
            _point(n, c)
            for n, c in [("impact", MeasureAgent), ("sensing", SenseAgent), ("broken", BrokenAgent)]
        ]
    )
    with sqlite_workspace.session() as session:
        report = run_loop(session, organisation_id=sqlite_workspace.organisation(session).id,
                          agents=agents)
    assert [r.agent for r in report.reports] == ["sensing", "impact"]
    assert report.failures == {"broken": "RuntimeError: model unavailable"}
    with sqlite_workspace.session() as session:
        kinds = [
            e.kind for e in EventLog(session, sqlite_workspace.organisation(session).id).since(0)
        ]
    assert kinds == [
        EventKind.LOOP_STARTED,
        "sensing.detected",
        EventKind.AGENT_FAILED,
        "impact.measured",
        EventKind.LOOP_COMPLETED,
    ]
