"""The needs API and console on the demo company: L&D reads the queue and a need's evidence chain,
decides, edits priorities with their history, and sees the skill-health heatmap."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api_support import api_client, bearer, csrf_of, secret_for, sign_in
from learnloop.agents import registered_agents, run_loop
from learnloop.workspace import Workspace
from sensing_support import build


@pytest.fixture
def demo(workspace: Workspace) -> dict:
    truth = build(workspace, people=150)
    with workspace.session() as session:
        report = run_loop(session, organisation_id=workspace.organisation(session).id,
                          agents=registered_agents())
    assert report.ok, report.failures
    return {"truth": truth, "admin": secret_for(workspace, "admin"),
            "reviewer": secret_for(workspace, "reviewer"), "client": api_client(workspace)}


def test_the_api_lists_explains_and_takes_decisions(demo: dict) -> None:
    client, admin = demo["client"], bearer(demo["admin"])
    listed = client.get("/api/needs", headers=admin).json()
    assert [n["rank"] for n in listed] == list(range(1, len(listed) + 1))
    top = listed[0]
    assert top["team_keys"] == [demo["truth"]["dip"]["team"]] and top["pushed"] is True
    assert "evidence" not in top
    detail = client.get(f"/api/needs/{top['id']}", headers=admin).json()
    assert detail["evidence"]["detection"]["id"] == detail["detection_id"]

    refused = client.post(f"/api/needs/{top['id']}/status", headers=admin,
                          json={"status": "dismissed"})
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"][0]["field"] == "status"
    moved = client.post(f"/api/needs/{top['id']}/status", headers=admin,
                        json={"status": "dismissed", "reason": "Launch kit covers it"})
    assert moved.status_code == 200 and moved.json()["status"] == "dismissed"
    assert moved.json()["rank"] > 1
    dismissed = client.get("/api/needs", headers=admin, params={"status": "dismissed"}).json()
    assert [n["id"] for n in dismissed] == [top["id"]]
    assert client.get("/api/needs", headers=admin,
                      params={"status": "closed"}).status_code == 422
    assert client.get("/api/needs/999999", headers=admin).status_code == 404


def test_the_api_edits_priorities_with_history(demo: dict) -> None:
    client, admin = demo["client"], bearer(demo["admin"])
    priorities = {p["objective"]: p for p in client.get("/api/priorities", headers=admin).json()}
    assert priorities["spreadsheet-macros-for-everyone"]["priority"] is False
    changed = client.patch("/api/priorities/win-mid-market", headers=admin,
                           json={"weight": 0.4, "reason": "New sales plan"})
    assert changed.status_code == 200 and changed.json()["weight"] == 0.4
    assert client.patch("/api/priorities/win-mid-market", headers=admin,
                        json={"weight": -1}).status_code == 422
    assert client.patch("/api/priorities/nope", headers=admin,
                        json={"weight": 0.1}).status_code == 404
    [edit] = client.get("/api/priorities/history", headers=admin).json()
    assert edit["actor"].startswith("token:") and edit["old"]["weight"] == 0.12
    assert edit["new"] == {"priority": True, "weight": 0.4, "reason": "New sales plan"}
    assert client.get("/api/priorities/history", headers=admin,
                      params={"objective": "grow-coldchain"}).json() == []


def _signed_in(demo: dict) -> TestClient:
    client = TestClient(demo["client"].app, raise_server_exceptions=False)
    assert sign_in(client, demo["admin"]).status_code == 303
    return client


def test_the_console_shows_the_queue_a_need_and_the_heatmap(demo: dict) -> None:
    client = _signed_in(demo)
    queue = client.get("/needs")
    assert queue.status_code == 200 and "investigate before training" in queue.text
    assert "(not pushed)" in queue.text
    top = demo["client"].get("/api/needs", headers=bearer(demo["admin"])).json()[0]
    page = client.get(f"/needs/{top['id']}")
    assert page.status_code == 200
    # the evidence chain: the KPI chart with the detection, the gap, the people
    assert 'class="chart"' in page.text and "The gap" in page.text
    assert top["person_keys"][0] in page.text and "<script>" not in page.text
    heatmap = client.get("/skills")
    assert heatmap.status_code == 200 and "skill-heatmap" in heatmap.text
    assert "/static/plotly.min.js" in heatmap.text


def test_console_forms_decide_and_edit_priorities(demo: dict) -> None:
    client = _signed_in(demo)
    top = demo["client"].get("/api/needs", headers=bearer(demo["admin"])).json()[0]
    page = client.get(f"/needs/{top['id']}").text
    moved = client.post(f"/needs/{top['id']}/status", follow_redirects=False, data={
        "csrf_token": csrf_of(page), "status": "accepted", "reason": "Start in June"})
    assert moved.status_code == 303 and moved.headers["location"] == f"/needs/{top['id']}"
    assert "Start in June" in client.get(f"/needs/{top['id']}").text
    forged = client.post(f"/needs/{top['id']}/status", data={"status": "resolved"})
    assert forged.status_code == 403

    editor = client.get("/priorities").text
    saved = client.post("/priorities/deliver-on-time", follow_redirects=False, data={
        "csrf_token": csrf_of(editor), "priority": "no", "weight": "",
        "reason": "Carriers contract renegotiated"})
    assert saved.status_code == 303
    after = client.get("/priorities").text
    assert "Carriers contract renegotiated" in after and "not a priority" in after
    bad = client.post("/priorities/deliver-on-time", data={
        "csrf_token": csrf_of(after), "priority": "yes", "weight": "lots"})
    assert bad.status_code == 422


def test_reviewers_do_not_see_the_needs(demo: dict) -> None:
    client = demo["client"]
    assert client.get("/api/needs", headers=bearer(demo["reviewer"])).status_code == 403
