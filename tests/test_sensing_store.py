"""The sensing agent's reads and writes: team-weeks aggregated in SQL (on SQLite and
PostgreSQL), detector states that survive a round trip, and standing against linked skills."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from import_support import import_into
from learnloop.domain.sensing import DetectorSettings, calibrated_detector
from learnloop.domain.sensing.weeks import week_number, week_start
from learnloop.errors import NotFoundError
from learnloop.store.detections import detection_record
from learnloop.store.sensing import (
    StoredState,
    load_states,
    save_states,
    skill_standing,
    team_weeks,
)
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
HEADER = "id,metric,subject_type,subject,observed_at,value,source,volume\n"
MONDAY = date(2025, 3, 3)


def _organisation(workspace: Workspace) -> int:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv")):
        import_into(workspace, kind=kind, path=EXAMPLES / name)
    with workspace.session() as session:
        return workspace.organisation(session).id


def _signals(workspace: Workspace, tmp_path: Path, rows: str) -> None:
    path = tmp_path / "signals.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    import_into(workspace, kind="signals", path=path)


def test_people_rows_become_volume_weighted_team_weeks(workspace, tmp_path) -> None:
    organisation_id = _organisation(workspace)
    # E002 and E003 are in sales-emea; Wednesday night and Sunday fall in the Monday's week
    _signals(workspace, tmp_path, "a,fcr,person,E002,2025-03-05T23:00:00Z,80,desk,30\n"
                                  "b,fcr,person,E003,2025-03-09T12:00:00Z,60,desk,10\n"
                                  "c,fcr,person,E002,2025-03-17,70,desk,\n")
    with workspace.session() as session:
        weeks = team_weeks(session, organisation_id=organisation_id, metric="fcr",
                           first_week=week_number(MONDAY), end_week=week_number(MONDAY) + 3)
    assert weeks.teams == ("sales-emea",)
    assert weeks.values[0, 0] == pytest.approx((80 * 30 + 60 * 10) / 40)
    assert weeks.volumes[0, 0] == 40
    assert np.isnan(weeks.values[0, 1])          # a week with no data stays missing
    assert weeks.values[0, 2] == 70 and weeks.volumes[0, 2] == 1  # no volume: one event


def test_a_teams_own_rows_win_over_its_peoples(workspace, tmp_path) -> None:
    organisation_id = _organisation(workspace)
    _signals(workspace, tmp_path, "a,fcr,person,E002,2025-03-03,80,desk,30\n"
                                  "t,fcr,team,sales-emea,2025-03-03,75,desk,\n")
    with workspace.session() as session:
        weeks = team_weeks(session, organisation_id=organisation_id, metric="fcr",
                           first_week=week_number(MONDAY), end_week=week_number(MONDAY) + 1,
                           team_keys=["sales-emea"])
    assert weeks.values[0, 0] == 75 and np.isnan(weeks.volumes[0, 0])


def test_a_detector_state_survives_the_database(workspace) -> None:
    organisation_id = _organisation(workspace)
    detector = calibrated_detector(DetectorSettings())
    state = detector.start(1, sign=-1, first_week=week_number(MONDAY))
    for value in (10.0, 11.0, np.nan, 10.5):
        state, _ = detector.advance(state, np.array([value]), volumes=np.array([40.0]))
    with workspace.session() as session:
        save_states(session, organisation_id=organisation_id, metric="fcr",
                    states={"sales-emea": StoredState(next_week=int(state.week[0]),
                                                      inputs="x", state=state)})
    with workspace.session() as session:
        [(team, stored)] = load_states(session, organisation_id=organisation_id,
                                       metric="fcr").items()
    assert team == "sales-emea" and stored.next_week == week_number(MONDAY) + 4
    for name in state.__slots__:
        np.testing.assert_array_equal(getattr(stored.state, name), getattr(state, name))


def test_standing_takes_the_newest_rating_before_a_self_assessment(workspace, tmp_path) -> None:
    organisation_id = _organisation(workspace)
    path = tmp_path / "evidence.csv"
    path.write_text("id,person,skill,kind,level,date,source\n"
                    "1,E002,negotiation,manager_rating,1,2025-01-10,review\n"
                    "2,E002,negotiation,self_assessment,4,2025-02-10,self\n"
                    "3,E003,negotiation,manager_rating,4,2025-01-10,review\n"
                    "4,E003,negotiation,manager_rating,1,2025-06-10,review\n", encoding="utf-8")
    import_into(workspace, kind="evidence", path=path)
    with workspace.session() as session:
        teams = skill_standing(session, organisation_id=organisation_id, skills=["negotiation"],
                               before=date(2025, 3, 1))
    [standing] = teams["sales-emea"]
    # E003's June rating is after the date asked about: a backtest must not see it
    assert standing.below == ("E002",) and standing.at_level == ("E003",)


def test_an_unknown_detection_is_not_found(workspace) -> None:
    organisation_id = _organisation(workspace)
    with workspace.session() as session, pytest.raises(NotFoundError):
        detection_record(session, organisation_id=organisation_id, detection_id=12345)


def test_weeks_are_numbered_from_a_fixed_monday() -> None:
    assert week_start(week_number(date(2025, 3, 9))) == MONDAY
    assert week_number(MONDAY) - week_number(date(2025, 1, 6)) == 8


def test_person_weeks_average_by_volume_per_person_and_week(workspace, tmp_path) -> None:
    from learnloop.store.sensing_series import person_weeks

    organisation_id = _organisation(workspace)
    first = week_number(MONDAY)
    # E002 twice in one week (weighted), once without volume (weight one, no volume), once
    # with volume zero alone (no weight: missing); E003 once; a row after the window ignored
    _signals(workspace, tmp_path, "a,fcr,person,E002,2025-03-05T23:00:00Z,80,desk,30\n"
                                  "b,fcr,person,E002,2025-03-09T12:00:00Z,60,desk,10\n"
                                  "c,fcr,person,E002,2025-03-17,70,desk,\n"
                                  "d,fcr,person,E002,2025-03-10,50,desk,0\n"
                                  "e,fcr,person,E003,2025-03-11,40,desk,5\n"
                                  "f,fcr,person,E003,2025-03-24,10,desk,5\n"
                                  "g,aht,person,E003,2025-03-11,99,desk,5\n")
    with workspace.session() as session:
        every = person_weeks(session, organisation_id=organisation_id, metric="fcr",
                             first_week=first, end_week=first + 3)
        one_team = person_weeks(session, organisation_id=organisation_id, metric="fcr",
                                first_week=first, end_week=first + 3, team_keys=["sales-emea"])
        one = person_weeks(session, organisation_id=organisation_id, metric="fcr",
                           first_week=first + 1, end_week=first + 3, person_keys=["E003"])
        nobody = person_weeks(session, organisation_id=organisation_id, metric="fcr",
                              first_week=first, end_week=first + 3, team_keys=["no-such"])
        # a team read in its own weeks only: the second and third week of the three
        windowed = person_weeks(session, organisation_id=organisation_id, metric="fcr",
                                first_week=first, end_week=first + 3,
                                windows={"sales-emea": (first + 1, first + 3),
                                         "no-such": (first, first + 3)})
    for weeks in (every, one_team):
        assert weeks.people == ("E002", "E003")
        assert weeks.teams == ("sales-emea", "sales-emea")
        e002, e003 = weeks.values
        assert e002[0] == pytest.approx((80 * 30 + 60 * 10) / 40)
        assert weeks.volumes[0, 0] == 40
        assert np.isnan(e002[1]) and np.isnan(weeks.volumes[0, 1])  # volume 0: no weight
        assert e002[2] == 70 and np.isnan(weeks.volumes[0, 2])      # no volume reported
        assert np.isnan(e003[0]) and e003[1] == 40 and np.isnan(e003[2])
    assert one.people == ("E003",) and one.first_week == first + 1
    np.testing.assert_array_equal(one.values, [[40.0, np.nan]])
    assert nobody.people == () and nobody.values.shape == (0, 3)
    assert windowed.people == ("E002", "E003") and windowed.first_week == first
    np.testing.assert_array_equal(windowed.values, [[np.nan, np.nan, 70.0],
                                                    [np.nan, 40.0, np.nan]])
