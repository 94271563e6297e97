"""Incremental loop passes on the demo company: with nothing new since their cursors the skills and
needs agents start from them, say so and leave their results as they were, which are the results
of a forced full recompute; new evidence or an L&D decision makes them work again."""

from __future__ import annotations

from learnloop.agents import registered_agents, run_loop
from learnloop.agents.loop import LoopReport
from learnloop.steering import change_need_status
from learnloop.store.cursors import agent_cursor
from learnloop.store.needs import needs
from learnloop.store.proficiencies import proficiency_list
from learnloop.workspace import Workspace
from sensing_support import build


def _loop(workspace: Workspace, *, recompute: bool = False) -> LoopReport:
    forced = {"recompute": recompute}
    with workspace.session() as session:
        report = run_loop(session, organisation_id=workspace.organisation(session).id,
                          agents=registered_agents(),
                          options={"skills": forced, "needs": forced})
    assert report.ok, report.failures
    return report


def _by_agent(report: LoopReport) -> dict:
    return {line.agent: line for line in report.reports}


def _state(workspace: Workspace) -> tuple[list, list]:
    with workspace.session() as session:
        org = workspace.organisation(session).id
        ranked = [(n.key, n.rank, n.status.value, round(n.score, 9), n.title)
                  for n in needs(session, organisation_id=org)]
        levels = [(p.person_key, p.skill_key, round(p.level, 9), round(p.lower, 9),
                   round(p.upper, 9), p.evidence)
                  for p in proficiency_list(session, organisation_id=org)]
    return sorted(ranked), levels


def _cursors(workspace: Workspace) -> dict[str, int]:
    with workspace.session() as session:
        org = workspace.organisation(session).id
        return {name: agent_cursor(session, organisation_id=org, agent=name)
                for name in ("skills", "needs")}


def test_a_pass_with_nothing_new_starts_from_the_cursors_and_matches_a_full_run(
        workspace: Workspace) -> None:
    build(workspace)
    first = _by_agent(_loop(workspace))
    assert not first["skills"].details.get("skipped")
    assert not first["needs"].details.get("skipped")
    after_first = _state(workspace)
    cursors = _cursors(workspace)
    assert all(cursors.values())

    second = _by_agent(_loop(workspace))
    assert second["skills"].details == {"skipped": True}
    assert f"nothing new since event {cursors['skills']}" in second["skills"].summary
    assert second["needs"].details == {"skipped": True}
    assert f"nothing new since event {cursors['needs']}" in second["needs"].summary
    assert _state(workspace) == after_first
    moved = _cursors(workspace)
    assert all(moved[name] > cursors[name] for name in cursors)

    full = _by_agent(_loop(workspace, recompute=True))
    assert not full["skills"].details.get("skipped")
    assert not full["needs"].details.get("skipped")
    assert _state(workspace) == after_first


def test_an_ld_decision_after_the_cursor_makes_the_needs_agent_work_again(
        workspace: Workspace) -> None:
    build(workspace)
    _loop(workspace)
    with workspace.session() as session:
        org = workspace.organisation(session).id
        top = needs(session, organisation_id=org)[0]
        change_need_status(session, organisation_id=org, actor="test", need_id=top.id,
                           status="dismissed", reason="not now")
    again = _by_agent(_loop(workspace))
    assert again["skills"].details == {"skipped": True}  # a need's status is not its input
    assert not again["needs"].details.get("skipped")
    with workspace.session() as session:
        org = workspace.organisation(session).id
        assert next(n for n in needs(session, organisation_id=org)
                    if n.id == top.id).status.value == "dismissed"


def test_the_loop_bookkeeping_alone_is_not_news(workspace: Workspace) -> None:
    build(workspace)
    _loop(workspace)
    with workspace.session() as session:
        org = workspace.organisation(session).id
        run_loop(session, organisation_id=org, agents=[])  # loop.started, loop.completed only
    assert _by_agent(_loop(workspace))["needs"].details == {"skipped": True}
