"""The agent registry and the loop: stage order, loud failures, one transaction per agent,
and cursors that let an agent pick up where it stopped."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import ClassVar

import pytest

from learnloop.agents import AgentContext, AgentReport, run_loop
from learnloop.agents.registry import load_agents
from learnloop.domain.events import EventKind
from learnloop.errors import ConfigError, ConflictError
from learnloop.store.cursors import advance_cursor, agent_cursor
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


class SignalCounter:
    """Counts the signal batches that arrived since its last run, and remembers what it saw."""

    name: ClassVar[str] = "counter"
    stage: ClassVar[str] = "sense"
    description: ClassVar[str] = "counts new signal batches"

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.started_from: list[int] = []
        self.seen: list[list[str]] = []

    def run(self, context: AgentContext) -> AgentReport:
        new = context.new_events(kinds=[EventKind.SIGNALS_RECEIVED])
        self.started_from.append(context.cursor)
        self.seen.append([event.payload["batch"] for event in new])
        context.events.record("counter.counted", actor=context.actor,
                              payload={"batches": len(new)})
        if self.fail:
            raise RuntimeError("disk full")
        return AgentReport(agent=self.name, summary=f"{len(new)} new batches", events_written=1,
                           cursor=new[-1].id if new else None)


def _signals_arrive(workspace: Workspace, *batches: str) -> None:
    with workspace.session() as session:
        log = EventLog(session, workspace.organisation(session).id)
        for batch in batches:
            log.record(EventKind.SIGNALS_RECEIVED, actor="token:crm", payload={"batch": batch})


def _loop(workspace: Workspace, agent: SignalCounter) -> None:
    with workspace.session() as session:
        run_loop(session, organisation_id=workspace.organisation(session).id, agents=[agent])


def _cursor(workspace: Workspace) -> int:
    with workspace.session() as session:
        return agent_cursor(session, organisation_id=workspace.organisation(session).id,
                            agent="counter")


def test_an_agent_run_twice_starts_the_second_run_from_its_cursor(workspace: Workspace) -> None:
    counter = SignalCounter()
    _signals_arrive(workspace, "monday", "tuesday")
    _loop(workspace, counter)
    after_first = _cursor(workspace)
    _signals_arrive(workspace, "wednesday")
    _loop(workspace, counter)

    assert counter.started_from == [0, after_first]
    assert counter.seen == [["monday", "tuesday"], ["wednesday"]]
    assert _cursor(workspace) > after_first


def test_a_run_with_nothing_new_keeps_the_cursor(workspace: Workspace) -> None:
    counter = SignalCounter()
    _signals_arrive(workspace, "monday")
    _loop(workspace, counter)
    before = _cursor(workspace)
    _loop(workspace, counter)
    assert counter.seen == [["monday"], []]
    assert _cursor(workspace) == before


def test_a_failing_agent_keeps_its_old_cursor_and_sees_the_events_again(
    workspace: Workspace,
) -> None:
    _signals_arrive(workspace, "monday")
    _loop(workspace, SignalCounter())
    before = _cursor(workspace)
    _signals_arrive(workspace, "tuesday")
    _loop(workspace, SignalCounter(fail=True))
    assert _cursor(workspace) == before

    retry = SignalCounter()
    _loop(workspace, retry)
    assert retry.started_from == [before]
    assert retry.seen == [["tuesday"]]


def test_an_agent_writes_as_itself_with_its_own_options(sqlite_workspace: Workspace) -> None:
    seen: dict[str, object] = {}

    class Curious(MeasureAgent):
        def run(self, context: AgentContext) -> AgentReport:
            seen.update(actor=context.actor, options=dict(context.options))
            return AgentReport(agent=self.name, summary="looked")

    with sqlite_workspace.session() as session:
        run_loop(session, organisation_id=sqlite_workspace.organisation(session).id,
                 agents=[Curious()], options={"impact": {"window_weeks": 8}})
    assert seen == {"actor": "agent:impact", "options": {"window_weeks": 8}}


def test_a_cursor_never_moves_back(workspace: Workspace) -> None:
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        advance_cursor(session, organisation_id=organisation_id, agent="counter",
                       last_event_id=7)
        with pytest.raises(ConflictError, match="cannot move back"):
            advance_cursor(session, organisation_id=organisation_id, agent="counter",
                           last_event_id=3)
        assert agent_cursor(session, organisation_id=organisation_id, agent="counter") == 7
