"""The sensing agent on the demo company: the planted dips are found early and explained, nothing
else is raised, and later runs resume from the stored state of each series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from learnloop.agents import registered_agents
from learnloop.agents.sensing import DETECTED, SensingAgent
from learnloop.domain.sensing import Cause
from learnloop.store.detections import detection_list
from learnloop.store.event_log import EventLog
from learnloop.workspace import Workspace
from sensing_support import build, sense_as_of


def _detections(workspace: Workspace):
    with workspace.session() as session:
        return detection_list(session, organisation_id=workspace.organisation(session).id)


def _events(workspace: Workspace):
    with workspace.session() as session:
        return EventLog(session, workspace.organisation(session).id).recent(kinds=[DETECTED])


def test_the_sensing_agent_is_registered_for_the_sense_stage() -> None:
    [agent] = [a for a in registered_agents() if a.name == "sensing"]
    assert isinstance(agent, SensingAgent) and agent.stage == "sense"


def test_demo_dips_are_found_within_two_weeks_and_explained(workspace: Workspace) -> None:
    truth = build(workspace)
    sense_as_of(workspace)
    found = {(r.team, r.metric): r for r in _detections(workspace)}
    dip, change = truth["dip"], truth["process_change"]
    # nothing else over the demo's weeks: no other team's KPI raised anything
    assert set(found) == {(dip["team"], dip["metric"]), (change["team"], change["metric"])}

    skill_gap = found[dip["team"], dip["metric"]]
    started = date.fromisoformat(dip["week"]["date"])
    assert started <= skill_gap.detection.detected_at <= started + timedelta(weeks=2)
    assert skill_gap.detection.direction == "dip" and skill_gap.detection.effect < 0
    assert skill_gap.cause is Cause.SKILL and skill_gap.skill in dip["skills"]
    assert skill_gap.skill in skill_gap.reason
    assert skill_gap.evidence["affected_people"]["below_required"]

    process = found[change["team"], change["metric"]]
    started = date.fromisoformat(change["week"]["date"])
    assert process.detection.detected_at >= started
    # handle time is a `down` KPI: its rise is a dip
    assert process.detection.direction == "dip" and process.detection.effect > 0
    assert process.cause is Cause.PROCESS and process.skill is None
    assert "Training will not fix this" in process.reason
    [logged] = process.evidence["nearby_changes"]
    assert logged["kind"] == "process_change" and logged["team"] == change["team"]

    events = {event.subject_id: event for event in _events(workspace)}
    assert set(events) == {dip["team"], change["team"]}
    evidence = events[change["team"]].payload
    for key in ("baseline_level", "baseline_sd", "baseline_from", "baseline_to",
                "observed_level", "effect", "effect_sd", "confidence", "change_start",
                "detected_at", "affected_people", "nearby_changes", "cause", "reason", "skill"):
        assert key in evidence
    assert evidence["detected_at"] == process.detection.detected_at.isoformat()


def test_a_new_week_is_evaluated_against_the_stored_state(sqlite_workspace: Workspace) -> None:
    truth = build(sqlite_workspace, people=150)
    dip_start = date.fromisoformat(truth["dip"]["week"]["date"])
    before_dip = datetime(dip_start.year, dip_start.month, dip_start.day, tzinfo=UTC)
    first = sense_as_of(sqlite_workspace, before_dip)
    assert first.details["rebuilt"] > 0 and first.details["resumed"] == 0
    assert {r.team for r in _detections(sqlite_workspace)} == {truth["process_change"]["team"]}

    one_week_on = sense_as_of(sqlite_workspace, before_dip + timedelta(weeks=1))
    assert one_week_on.details == {**one_week_on.details, "rebuilt": 0,
                                   "series_weeks": first.details["rebuilt"]}
    sense_as_of(sqlite_workspace)
    assert {r.team for r in _detections(sqlite_workspace)} == {
        truth["process_change"]["team"], truth["dip"]["team"]}
    again = sense_as_of(sqlite_workspace)
    assert again.details["series_weeks"] == 0 and again.details["detections"] == []


def test_a_rebuilt_state_raises_nothing_twice(sqlite_workspace: Workspace) -> None:
    build(sqlite_workspace, people=150)
    sense_as_of(sqlite_workspace)
    rebuilt = sense_as_of(sqlite_workspace, recompute=True)
    assert rebuilt.details["resumed"] == 0 and rebuilt.details["rebuilt"] > 0
    assert rebuilt.details["detections"] == [] and len(_detections(sqlite_workspace)) == 2


@pytest.mark.parametrize("budget", [0.0, 1.5])
def test_the_false_alarm_budget_is_checked(sqlite_workspace: Workspace, budget: float) -> None:
    from pydantic import ValidationError

    from learnloop.config import Settings
    with pytest.raises(ValidationError):
        Settings(home=sqlite_workspace.settings.home, sensing_false_alarms_per_year=budget)


def test_one_new_signal_is_evaluated_against_its_series_alone(
        sqlite_workspace: Workspace) -> None:
    from learnloop.agents.sensing import sense
    from learnloop.domain.sensing.weeks import week_time
    from learnloop.importing import ImportLimits, import_records

    truth = build(sqlite_workspace, people=150)
    sense_as_of(sqlite_workspace)
    team, metric = truth["process_change"]["team"], truth["process_change"]["metric"]
    with sqlite_workspace.session() as session:
        organisation_id = sqlite_workspace.organisation(session).id
        import_records(session, organisation_id=organisation_id, kind="signals", records=[{
            "metric": metric, "subject_type": "team", "subject": team,
            "observed_at": "2025-07-07", "value": 13.1, "source": "desk", "volume": 2100}],
            origin="webhook", event_kind="signals.received", actor="test",
            limits=ImportLimits.from_settings(sqlite_workspace.settings))
        run = sense(session, organisation_id=organisation_id, now=week_time(3000),
                    only={metric: [team]})
    assert (run.weeks, run.advanced, run.recomputed) == (1, 1, 0)
    # no other series moved: the next loop run brings the one other team reporting handle time
    # (support-emea) to the same week, and nothing else
    after = sense_as_of(sqlite_workspace)
    assert after.details["series_weeks"] == after.details["resumed"] == 1


def test_a_new_change_log_entry_rebuilds_only_its_teams_series(
        sqlite_workspace: Workspace, tmp_path) -> None:
    from import_support import import_into

    build(sqlite_workspace, people=150)
    sense_as_of(sqlite_workspace)
    path = tmp_path / "changes.csv"
    path.write_text("id,kind,start,end,team,description\n"
                    "HOL-X,holiday,2025-03-03,2025-03-04,finance,Carnival\n", encoding="utf-8")
    import_into(sqlite_workspace, kind="changes", path=path)
    again = sense_as_of(sqlite_workspace)
    assert again.details["rebuilt"] == 1 and again.details["resumed"] == 0
