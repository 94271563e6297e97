"""Pulse and person detections on the surfaces: the API, the CLI export and the console carry
the series kind, and a person's own detections are read under the rule for reading that person."""

from __future__ import annotations

import csv
import html
import json
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from api_support import bearer, secret_for, sign_in
from learnloop.domain.sensing.records import EXPORT_COLUMNS
from learnloop.serving.app import create_app
from learnloop.workspace import Workspace
from sensing_support import sense_as_of
from series_scenario import QUESTION, WEEKS, build_scenario, monday


def _sensed(workspace: Workspace, tmp_path) -> None:
    build_scenario(workspace, tmp_path)
    end = monday(WEEKS)
    sense_as_of(workspace, datetime(end.year, end.month, end.day, tzinfo=UTC))


def test_the_export_keeps_its_columns_and_adds_the_series_kind(sqlite_workspace: Workspace,
                                                               tmp_path) -> None:
    _sensed(sqlite_workspace, tmp_path)
    assert EXPORT_COLUMNS[:9] == ("team", "metric", "change_start", "detected_at", "direction",
                                  "effect", "effect_sd", "confidence", "cause")
    from learnloop.domain.sensing.records import export_row
    from learnloop.store.detections import detection_list

    with sqlite_workspace.session() as session:
        found = detection_list(session,
                               organisation_id=sqlite_workspace.organisation(session).id)
    # what `learnloop detections export` writes
    path = tmp_path / "detections.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(export_row(record) for record in found)
    with path.open(encoding="utf-8") as handle:
        rows = {(row["series_kind"], row["team"]): row for row in csv.DictReader(handle)}
    assert {"team", "metric", "change_start", "detected_at", "direction", "effect", "confidence",
            "cause", "skill", "series_kind", "person", "question"} <= set(
        next(iter(rows.values())))
    assert rows["person", "south"]["person"] == "S05"
    assert rows["pulse_question", "south"]["question"] == QUESTION
    assert rows["team_metric", "north"]["person"] == rows["team_metric", "north"]["question"] == ""


def test_the_api_and_console_show_pulse_and_person_detections(sqlite_workspace: Workspace,
                                                             tmp_path) -> None:
    _sensed(sqlite_workspace, tmp_path)
    staff = secret_for(sqlite_workspace, "ld")
    own, other = (secret_for(sqlite_workspace, "learner", person) for person in ("S05", "S06"))
    with TestClient(create_app(sqlite_workspace)) as client:
        listed = client.get("/api/detections", headers=bearer(staff)).json()["items"]
        kinds = {item["series_kind"]: item for item in listed}
        assert set(kinds) == {"team_metric", "pulse_question", "person"}
        assert (kinds["person"]["person"], kinds["person"]["team"]) == ("S05", "south")
        assert kinds["pulse_question"]["question"] == QUESTION

        # a person's own detections: themself yes, another learner no (403, like the person)
        mine = client.get("/api/people/S05/detections", headers=bearer(own))
        assert mine.status_code == 200 and [d["person"] for d in mine.json()] == ["S05"]
        assert client.get("/api/people/S05/detections",
                          headers=bearer(other)).status_code == 403
        assert client.get("/api/people/S06/detections", headers=bearer(other)).json() == []

        sign_in(client, staff, "/detections")
        listing = client.get("/detections").text
        assert 'href="/people/S05"' in listing and QUESTION in listing
        for kind, first_trace in (("person", "win_rate"), ("pulse_question",
                                                            f"pulse:{QUESTION}")):
            page = client.get(f"/detections/{kinds[kind]['id']}").text
            [figure] = [html.unescape(part.split('"')[0])
                        for part in page.split('data-figure="')[1:]]
            chart = json.loads(figure)
            assert chart["data"][0]["name"] == first_trace
            assert any(value is not None for value in chart["data"][0]["y"])
        person_page = client.get("/people/S05").text
        assert "Dips in their own KPIs" in person_page
