"""The sensing agent beyond team KPIs: pulse dips per team and question, a person's own dip when
their team held steady, and who moved in a team change, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from learnloop.domain.sensing import Cause
from learnloop.domain.sensing.kinds import SeriesKind
from learnloop.store.detections import detection_list
from learnloop.workspace import Workspace
from sensing_support import sense_as_of
from series_scenario import (
    PERSON_DIP_WEEK,
    PULSE_DIP_WEEK,
    QUESTION,
    TEAM_DIP_WEEK,
    WEEKS,
    build_scenario,
    monday,
)


def _detections(workspace: Workspace):
    with workspace.session() as session:
        return detection_list(session, organisation_id=workspace.organisation(session).id)


def _end() -> datetime:
    end = monday(WEEKS)
    return datetime(end.year, end.month, end.day, tzinfo=UTC)


def test_pulse_people_and_team_series_are_each_sensed_once(workspace: Workspace,
                                                           tmp_path) -> None:
    build_scenario(workspace, tmp_path)
    sense_as_of(workspace, _end())
    found = {(r.series_kind, r.team, r.person): r for r in _detections(workspace)}
    assert set(found) == {(SeriesKind.TEAM_METRIC, "north", None),
                          (SeriesKind.PERSON, "south", "S05"),
                          (SeriesKind.PULSE_QUESTION, "south", None)}

    team = found[SeriesKind.TEAM_METRIC, "north", None]
    assert monday(TEAM_DIP_WEEK) <= team.detection.detected_at <= monday(TEAM_DIP_WEEK + 3)
    # the whole team moved: they are evidence of the team's change, not detections of their own
    # (at detection, a week or two in, most of them clearly so)
    affected = team.evidence["affected_people"]
    assert len(affected["moved"]) + len(affected["steady"]) == 20
    assert len(affected["moved"]) >= 8 and all(key.startswith("N") for key in affected["moved"])

    person = found[SeriesKind.PERSON, "south", "S05"]
    assert person.detection.subject_key == "S05" and person.metric == "win_rate"
    assert monday(PERSON_DIP_WEEK) <= person.detection.detected_at <= monday(
        PERSON_DIP_WEEK + 3)
    assert person.detection.effect < 0 and person.cause in (Cause.UNKNOWN, Cause.SKILL)
    assert "rest of the team held steady" in person.reason

    pulse = found[SeriesKind.PULSE_QUESTION, "south", None]
    assert pulse.question == QUESTION and pulse.metric == f"pulse:{QUESTION}"
    assert monday(PULSE_DIP_WEEK) <= pulse.detection.detected_at <= monday(PULSE_DIP_WEEK + 3)
    assert pulse.cause is Cause.PROCESS and pulse.skill is None
    assert "New territory split" in pulse.reason and "training may not fix" in pulse.reason
    [logged] = pulse.evidence["nearby_changes"]
    assert logged["team"] == "south"

    again = sense_as_of(workspace, _end())
    assert again.details["detections"] == []  # nothing is raised twice


def test_a_backtest_gives_the_pulse_and_person_detections_of_a_weekly_run(
        sqlite_workspace: Workspace, tmp_path) -> None:
    from learnloop.agents.sensing_backtest import backtest

    build_scenario(sqlite_workspace, tmp_path)
    weekly = []
    for week in range(20, WEEKS + 1):
        end = monday(week)
        report = sense_as_of(sqlite_workspace, datetime(end.year, end.month, end.day,
                                                        tzinfo=UTC))
        weekly += report.details["detections"]
    stored = {(r.series_kind, r.metric, r.detection.subject_key, r.detection.change_start,
               r.detection.detected_at) for r in _detections(sqlite_workspace)}
    assert len(weekly) == len(stored) == 3
    with sqlite_workspace.session() as session:
        replayed = backtest(session, organisation_id=sqlite_workspace.organisation(session).id,
                            start=monday(20), end=monday(WEEKS - 1))
    assert {(r.series_kind, r.metric, r.detection.subject_key, r.detection.change_start,
             r.detection.detected_at) for r in replayed} == stored


def test_people_are_left_alone_above_the_person_series_limit(sqlite_workspace: Workspace,
                                                            tmp_path) -> None:
    build_scenario(sqlite_workspace, tmp_path)
    report = sense_as_of(sqlite_workspace, _end(), person_series_limit=39)
    assert report.details["person_series"]["evaluated"] == []
    assert "over the limit of 39" in report.details["person_series"]["skipped"]["win_rate"]
    kinds = {r.series_kind for r in _detections(sqlite_workspace)}
    assert kinds == {SeriesKind.TEAM_METRIC, SeriesKind.PULSE_QUESTION}


def test_the_person_pass_waits_for_a_new_week(sqlite_workspace: Workspace, tmp_path) -> None:
    build_scenario(sqlite_workspace, tmp_path)
    first = sense_as_of(sqlite_workspace, _end())
    assert first.details["person_series"]["evaluated"] == ["win_rate"]
    again = sense_as_of(sqlite_workspace, _end())
    assert again.details["person_series"] == {"evaluated": [], "skipped": {}}
