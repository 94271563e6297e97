"""The needs agent on the demo company: the skill-gap dip is the top need and names its evidence,
the process change is "investigate before training", the non-priority request ranks below every
prioritised need and says why; L&D's decisions survive re-runs and every change is an event."""

from __future__ import annotations

from dataclasses import replace

import pytest

from learnloop.agents import registered_agents, run_loop
from learnloop.agents.needs import NeedsAgent
from learnloop.domain.needs import NeedEvent, NeedKind, NeedStatus
from learnloop.domain.needs_ranking import pushed
from learnloop.errors import InputError
from learnloop.steering import change_need_status, change_priority, priority_history
from learnloop.store.event_log import EventLog
from learnloop.store.needs import need, needs, save_needs
from learnloop.workspace import Workspace
from sensing_support import build


def _loop(workspace: Workspace, agents=None, *, recompute: bool = False) -> None:
    with workspace.session() as session:
        report = run_loop(session, organisation_id=workspace.organisation(session).id,
                          agents=agents or registered_agents(),
                          options={"needs": {"recompute": recompute}})
    assert report.ok, report.failures


def _needs(workspace: Workspace, **filters):
    with workspace.session() as session:
        return needs(session, organisation_id=workspace.organisation(session).id, **filters)


def _events(workspace: Workspace, kind: str):
    with workspace.session() as session:
        return EventLog(session, workspace.organisation(session).id).recent(kinds=[kind],
                                                                            limit=500)


def _steer(workspace: Workspace, call, **kwargs):
    with workspace.session() as session:
        return call(session, organisation_id=workspace.organisation(session).id, actor="test",
                    **kwargs)


@pytest.fixture
def demo(workspace: Workspace) -> dict:
    truth = build(workspace)
    _loop(workspace)
    return truth


def test_the_needs_agent_runs_after_the_skills_agent() -> None:
    names = [agent.name for agent in registered_agents()]
    assert names.index("sensing") < names.index("skills") < names.index("needs")
    assert isinstance(next(a for a in registered_agents() if a.name == "needs"), NeedsAgent)


def test_demo_truth_is_what_the_queue_says(workspace: Workspace, demo: dict) -> None:
    queue = _needs(workspace)
    top = queue[0]
    dip, change = demo["dip"], demo["process_change"]
    assert top.rank == 1 and top.kind is NeedKind.TRAINING
    assert top.skill_key in dip["skills"] and top.team_keys == (dip["team"],)
    assert top.kpi_metric == dip["metric"] and top.detection_id is not None
    # the explanation names the evidence: the KPI move, the gap, the priority
    for words in (dip["metric"], "levels short", "skill gap", "weight 0.30"):
        assert words in top.reason
    assert top.evidence["detection"]["team"] == dip["team"] and top.person_keys

    [process] = [n for n in queue if n.team_keys == (change["team"],)
                 and n.kpi_metric == change["metric"]]
    assert process.kind is NeedKind.INVESTIGATE
    assert "Investigate before training" in process.reason
    assert "process change" in process.reason and process.person_keys == ()

    [request] = [n for n in queue if n.skill_key == "spreadsheet_macros"]
    assert not pushed(request) and "Not pushed" in request.reason
    assert "not a business priority" in request.reason
    assert request.rank > max(n.rank for n in queue if pushed(n))
    # every skill of a pushed need is named by a priority objective
    assert all(n.weight > 0 for n in queue if pushed(n))


def test_a_rerun_keeps_what_ld_decided_and_refreshes_the_rest(workspace: Workspace,
                                                             demo: dict) -> None:
    first = _needs(workspace)
    top, second = first[0], first[1]
    _steer(workspace, change_need_status, need_id=top.id, status="accepted", reason="")
    _steer(workspace, change_need_status, need_id=second.id, status="dismissed",
           reason="Covered by the ColdChain launch kit")
    _loop(workspace, [NeedsAgent()])
    again = {n.key: n for n in _needs(workspace)}
    assert again[top.key].status is NeedStatus.ACCEPTED and again[top.key].id == top.id
    assert again[second.key].status is NeedStatus.DISMISSED
    assert again[second.key].status_reason == "Covered by the ColdChain launch kit"
    assert len(again) == len(first)  # nothing raised twice
    assert len(_events(workspace, NeedEvent.RAISED)) == len(first)
    changed = _events(workspace, NeedEvent.STATUS_CHANGED)
    assert [(e.payload["from"], e.payload["to"]) for e in changed] == [
        ("open", "dismissed"), ("open", "accepted")]
    # the dismissed need drops below every active one
    assert again[second.key].rank > max(n.rank for n in again.values()
                                        if n.status is not NeedStatus.DISMISSED)


def test_a_forced_rerun_over_the_same_data_writes_no_need(workspace: Workspace,
                                                         demo: dict) -> None:
    """`updated_at` says when a need last changed: a rerun that finds every need as it was
    leaves each row alone; the needs a dismissal moves in the queue are written with its
    time, and the others keep theirs."""
    first = {n.key: n for n in _needs(workspace)}
    _loop(workspace, [NeedsAgent()], recompute=True)
    again = {n.key: n for n in _needs(workspace)}
    assert again == first  # every field, updated_at included
    dismissed = min(first.values(), key=lambda n: n.rank)
    _steer(workspace, change_need_status, need_id=dismissed.id, status="dismissed",
           reason="Covered elsewhere")
    after = {n.key: n for n in _needs(workspace)}
    _loop(workspace, [NeedsAgent()], recompute=True)
    assert {n.key: n for n in _needs(workspace)} == after
    moved = [key for key in after if after[key].rank != first[key].rank]
    assert moved  # the dismissed need went down the queue, the others up
    assert all(after[key].updated_at > first[key].updated_at for key in moved)
    assert all(after[key].updated_at == first[key].updated_at for key in after
               if key not in moved and key != dismissed.key)


def test_a_dismissed_need_reopens_only_when_its_evidence_moves(workspace: Workspace,
                                                              demo: dict) -> None:
    target = next(n for n in _needs(workspace) if n.detection_id is None
                  and n.kind is NeedKind.TRAINING and n.gap)
    _steer(workspace, change_need_status, need_id=target.id, status="dismissed",
           reason="not now")
    _loop(workspace, [NeedsAgent()])
    assert need_of(workspace, target.id).status is NeedStatus.DISMISSED
    # pretend L&D dismissed it when far fewer people were short: the run now reopens it
    with workspace.session() as session:
        org = workspace.organisation(session).id
        stored = need(session, organisation_id=org, need_id=target.id)
        basis = {**stored.status_basis, "people": 0.0, "gap": 0.0}
        save_needs(session, organisation_id=org, needs=[replace(stored, status_basis=basis)])
    # written behind the agent's back, with no event: only a forced recompute sees it
    _loop(workspace, [NeedsAgent()], recompute=True)
    reopened = need_of(workspace, target.id)
    assert reopened.status is NeedStatus.OPEN and "grew" in reopened.status_reason
    [event] = _events(workspace, NeedEvent.REOPENED)
    assert event.payload["need"] == target.id and event.payload["from"] == "dismissed"


def need_of(workspace: Workspace, need_id: int):
    with workspace.session() as session:
        return need(session, organisation_id=workspace.organisation(session).id, need_id=need_id)


def test_a_priority_edit_is_recorded_and_reranks_the_queue(workspace: Workspace,
                                                          demo: dict) -> None:
    # only 'resolve-first-contact' names this skill, so pausing it leaves the need unpushed
    top = next(n for n in _needs(workspace) if n.skill_key == "refunds_credits_policy")
    assert top.rank <= 3 and top.objective_key == "resolve-first-contact"
    _steer(workspace, change_priority, objective_key=top.objective_key, priority=False,
           reason="Paused while the launch settles")
    after = {n.key: n for n in _needs(workspace)}
    assert not pushed(after[top.key]) and after[top.key].rank > 3
    assert "Not pushed" in after[top.key].reason
    assert "Paused while the launch settles" in after[top.key].reason
    with workspace.session() as session:
        [edit] = priority_history(session, organisation_id=workspace.organisation(session).id)
    assert edit.actor == "test" and edit.payload["old"]["weight"] == pytest.approx(0.30)
    assert edit.payload["new"] == {"priority": False, "weight": 0.0,
                                   "reason": "Paused while the launch settles"}
    # the next run keeps the new ranking: it reads the same priorities
    _loop(workspace, [NeedsAgent()])
    assert not pushed(next(n for n in _needs(workspace) if n.key == top.key))


@pytest.mark.parametrize(("status", "reason", "problem"), [
    ("dismissed", " ", "needs a reason"), ("finished", "", "must be one of"),
    ("resolved", "", "can become")])
def test_a_bad_status_change_is_refused_and_changes_nothing(workspace: Workspace, demo: dict,
                                                           status: str, reason: str,
                                                           problem: str) -> None:
    top = _needs(workspace)[0]
    if status == "resolved":  # a dismissed need may be reopened or accepted, not resolved
        _steer(workspace, change_need_status, need_id=top.id, status="dismissed", reason="no")
        top = _needs(workspace)[-1]
    with pytest.raises(InputError) as refused:
        _steer(workspace, change_need_status, need_id=top.id, status=status, reason=reason)
    assert problem in str(refused.value.problems[0])
    assert top in _needs(workspace)
    assert len(_events(workspace, NeedEvent.STATUS_CHANGED)) == (status == "resolved")


def test_a_retried_status_change_changes_nothing_twice(workspace: Workspace, demo: dict) -> None:
    top = _needs(workspace)[0]
    for _ in range(2):
        _steer(workspace, change_need_status, need_id=top.id, status="accepted", reason="go")
        _steer(workspace, change_priority, objective_key="win-mid-market", weight=0.2)
    assert len(_events(workspace, NeedEvent.STATUS_CHANGED)) == 1
    assert len(_events(workspace, NeedEvent.PRIORITY_CHANGED)) == 1


def test_a_bad_priority_edit_is_refused(workspace: Workspace, demo: dict) -> None:
    with pytest.raises(InputError):
        _steer(workspace, change_priority, objective_key="grow-coldchain", weight=1.5)
    with pytest.raises(InputError):
        _steer(workspace, change_priority, objective_key="spreadsheet-macros-for-everyone",
               priority=True)
    assert _events(workspace, NeedEvent.PRIORITY_CHANGED) == []


def test_a_persons_export_holds_their_proficiencies_and_needs(workspace: Workspace,
                                                            demo: dict) -> None:
    from learnloop.privacy import erase_person, export_person

    top = _needs(workspace)[0]
    key = top.person_keys[0]
    with workspace.session() as session:
        org = workspace.organisation(session).id
        document = export_person(session, organisation_id=org, key=key)
    assert {p["skill"] for p in document["proficiencies"]} >= set(demo["dip"]["skills"])
    assert all(0 <= p["lower"] <= p["level"] <= p["upper"] <= 4
               for p in document["proficiencies"])
    assert top.id in [n["id"] for n in document["needs"]]
    assert all(n["id"] != top.id or n["kind"] == "training" for n in document["needs"])
    with workspace.session() as session:
        erase_person(session, organisation_id=org, key=key, actor="test")
    assert key not in need_of(workspace, top.id).person_keys


def test_a_training_need_is_resolved_when_its_gap_closes_and_reopens_if_it_returns(
        workspace: Workspace, demo: dict) -> None:
    from sqlalchemy import select, update

    from learnloop.store import tables

    top = _needs(workspace)[0]
    _steer(workspace, change_need_status, need_id=top.id, status="in_progress", reason="")
    with workspace.session() as session:
        skill = session.scalar(select(tables.Skill.id).where(tables.Skill.key == top.skill_key))
        people = select(tables.Person.id).join(tables.Team).where(
            tables.Team.key == top.team_keys[0])
        before = session.execute(select(tables.Proficiency.id, tables.Proficiency.level).where(
            tables.Proficiency.skill_id == skill,
            tables.Proficiency.person_id.in_(people))).all()
        # everyone trained: every estimate now at level 4
        session.execute(update(tables.Proficiency).where(
            tables.Proficiency.id.in_([row.id for row in before])).values(level=4.0))
    _loop(workspace, [NeedsAgent()], recompute=True)  # no event, as above
    closed = need_of(workspace, top.id)
    assert closed.status is NeedStatus.RESOLVED and "gap has closed" in closed.status_reason
    [event] = _events(workspace, NeedEvent.RESOLVED)
    assert (event.payload["from"], event.payload["to"]) == ("in_progress", "resolved")
    with workspace.session() as session:
        for row in before:
            session.execute(update(tables.Proficiency).where(
                tables.Proficiency.id == row.id).values(level=row.level))
    _loop(workspace, [NeedsAgent()], recompute=True)
    assert need_of(workspace, top.id).status is NeedStatus.OPEN
    assert [e.payload["from"] for e in _events(workspace, NeedEvent.REOPENED)] == ["resolved"]


def test_unknown_settings_fail_the_agent_with_a_clear_message(workspace: Workspace) -> None:
    with workspace.session() as session:
        report = run_loop(session, organisation_id=workspace.organisation(session).id,
                          agents=[NeedsAgent()], options={"needs": {"settings": {"min_gap": 0.5,
                                                                                 "max_fun": 1}}})
    assert "ConfigError" in report.failures["needs"] and "max_fun" in report.failures["needs"]
