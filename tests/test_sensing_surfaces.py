"""The sensing agent's CLI: a backtest replays the same detections as a weekly loop, and
`learnloop detections` lists and exports them."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from cli_support import learnloop, succeeded
from learnloop.agents.sensing_backtest import backtest
from learnloop.domain.sensing.records import EXPORT_COLUMNS, export_row
from learnloop.domain.sensing.weeks import week_number, week_start, week_time
from learnloop.store.detections import detection_list
from learnloop.workspace import Workspace
from sensing_support import build, sense_as_of

FIRST_WEEK, LAST_WEEK = date(2025, 1, 6), date(2025, 6, 30)  # the demo's 26 weeks


def _rows(records) -> list[dict]:
    return sorted((export_row(r) for r in records), key=lambda r: (r["detected_at"], r["team"]))


def test_a_backtest_gives_the_detections_of_a_loop_run_week_by_week(
        sqlite_workspace: Workspace) -> None:
    build(sqlite_workspace, people=150)
    for week in range(week_number(FIRST_WEEK), week_number(LAST_WEEK) + 1):
        sense_as_of(sqlite_workspace, week_time(week + 1))
    with sqlite_workspace.session() as session:
        organisation_id = sqlite_workspace.organisation(session).id
        live = detection_list(session, organisation_id=organisation_id)
        replayed = backtest(session, organisation_id=organisation_id, start=FIRST_WEEK,
                            end=LAST_WEEK)
        # a backtest stores nothing: the live detections are still there, and only they
        assert _rows(detection_list(session, organisation_id=organisation_id)) == _rows(live)
    assert len(live) == 2
    assert _rows(replayed) == _rows(live)


def test_a_backtest_lists_only_what_its_window_would_have_raised(
        sqlite_workspace: Workspace) -> None:
    truth = build(sqlite_workspace, people=150)
    dip_start = date.fromisoformat(truth["dip"]["week"]["date"])
    with sqlite_workspace.session() as session:
        organisation_id = sqlite_workspace.organisation(session).id
        early = backtest(session, organisation_id=organisation_id, start=FIRST_WEEK,
                         end=dip_start - (week_start(1) - week_start(0)))
        late = backtest(session, organisation_id=organisation_id, start=dip_start,
                        end=LAST_WEEK)
    assert [r.team for r in early] == [truth["process_change"]["team"]]
    assert [r.team for r in late] == [truth["dip"]["team"]]


@pytest.fixture
def demo_home(tmp_path: Path) -> Path:
    succeeded("demo", "--no-serve", "--people", "150", "--seed", "7")
    return tmp_path


def test_detections_are_listed_exported_and_backtested_from_the_cli(demo_home: Path) -> None:
    listed = [json.loads(line) for line in succeeded("detections", "--json").stdout.splitlines()]
    assert {(d["team"], d["cause"]) for d in listed} == {("support-emea", "skill"),
                                                         ("support-na", "process")}
    table = succeeded("detections").stdout
    assert "support-emea" in table and "first_contact_resolution" in table

    path = demo_home / "detections.csv"
    assert "2 detections written" in succeeded("detections", "export", str(path)).stdout
    with path.open(encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert tuple(exported[0]) == EXPORT_COLUMNS
    assert {(row["team"], row["metric"], row["detected_at"]) for row in exported} == {
        (d["team"], d["metric"], d["detected_at"]) for d in listed}

    replayed = [json.loads(line) for line in succeeded(
        "sense", "backtest", "--from", "2025-01-06", "--to", "2025-06-30", "--json"
    ).stdout.splitlines()]
    assert sorted((d["team"], d["detected_at"]) for d in replayed) == sorted(
        (d["team"], d["detected_at"]) for d in listed)


def test_a_backtest_with_a_bad_date_is_an_error_to_read(demo_home: Path) -> None:
    result = learnloop("sense", "backtest", "--from", "spring", "--to", "2025-06-30")
    assert result.exit_code == 1
    assert "--from: 'spring' is not a date (YYYY-MM-DD)" in result.stderr


def test_the_api_and_console_show_a_detection_with_its_chart(
        sqlite_workspace: Workspace) -> None:
    import html

    from fastapi.testclient import TestClient

    from api_support import bearer, secret_for, sign_in
    from learnloop.serving.app import create_app

    truth = build(sqlite_workspace, people=150)
    sense_as_of(sqlite_workspace)
    secret = secret_for(sqlite_workspace, "ld")
    with TestClient(create_app(sqlite_workspace)) as client:
        listed = client.get("/api/detections", headers=bearer(secret)).json()
        assert listed["next_cursor"] is None and listed["limit"] == 100
        by_team = {item["team"]: item for item in listed["items"]}
        dip = by_team[truth["dip"]["team"]]
        assert dip["cause"] == "skill" and dip["skill"] in truth["dip"]["skills"]
        detail = client.get(f"/api/detections/{dip['id']}", headers=bearer(secret)).json()
        assert detail["evidence"]["affected_people"]["below_required"]
        assert client.get("/api/detections/999999", headers=bearer(secret)).status_code == 404

        sign_in(client, secret, "/detections")
        page = client.get("/detections")
        assert page.status_code == 200 and f'href="/detections/{dip["id"]}"' in page.text
        process = by_team[truth["process_change"]["team"]]
        page = client.get(f"/detections/{process['id']}").text
    assert 'href="/detections"' in page  # the navigation lists the page
    [figure] = [html.unescape(part.split('"')[0])
                for part in page.split('data-figure="')[1:]]
    chart = json.loads(figure)
    names = [trace.get("name") for trace in chart["data"]]
    assert names == ["average_handle_time", "baseline", "detected dip"]
    # the routing change is marked on the chart, and named under the cause
    assert any(shape.get("x0") == truth["process_change"]["week"]["date"]
               for shape in chart["layout"]["shapes"])
    assert "Skills-based ticket routing" in page and "Training will not fix this" in page
    assert '<script src="/static/charts.js"></script>' in page
