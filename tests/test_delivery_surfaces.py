"""The delivery agent's surfaces end to end: `learnloop deliver plan|approve|send|status` to an
SMTP peer (the hold-out receives nothing), a learner's inbox over the API and the console with
its "why", signed links, and a webhook signal delivered by the queue within moments."""

from __future__ import annotations

import json

import pytest

from api_support import api_client, bearer, secret_for, sign_in
from cli_support import learnloop, succeeded
from content_support import add_sample_pack
from delivery_peers import SmtpPeer
from delivery_support import delivery_workspace, queue, status_of, wait_for
from learnloop.domain.needs import draft_need
from learnloop.jobs import JobQueue, start_in_process, stop_in_process
from learnloop.store.content import pack
from learnloop.store.deliveries import deliveries
from learnloop.store.needs import save_needs


@pytest.fixture
def smtp():
    with SmtpPeer() as peer:
        yield peer


def test_the_cli_plans_approves_and_sends_and_the_hold_out_gets_nothing(
        tmp_path, monkeypatch, smtp) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("LEARNLOOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEARNLOOP_SMTP_PORT", str(smtp.port))
    workspace = delivery_workspace(home, smtp_host="127.0.0.1", smtp_port=smtp.port)
    people = ("leo", "lea", "ivy", "mia", "max", "ola", "ceo")
    with workspace.session() as session:
        save_needs(session, organisation_id=workspace.organisation(session).id, needs=[
            draft_need("renewals", "Renewal conversations", person_keys=people,
                       reason="Renewals fell in Sales.")])
    planned = json.loads(succeeded("deliver", "plan", "renewals", "--key", "p", "--holdout",
                                   "0.4", "--seed", "1", "--start", "2026-01-05T10:00+00:00",
                                   "--json").output)
    assert planned["held_out"] >= 1 and planned["treated"] >= 1
    held = {person for person, group in planned["groups"].items() if group == "holdout"}
    assert "approved p" in succeeded("deliver", "approve", "p").output
    sent = succeeded("deliver", "send", "p", "--now").output
    assert f"queued {planned['treated']} deliveries" in sent
    received = {mail["To"].split("@")[0] for mail in smtp.messages}
    assert received == set(planned["groups"]) - held
    status = json.loads(succeeded("deliver", "status", "p", "--json").output)
    assert status["deliveries"] == {"sent": planned["treated"]}
    assert "email" in succeeded("deliver", "status").output
    missing = learnloop("deliver", "send", "nope")
    assert missing.exit_code != 0 and "no delivery plan with key 'nope'" in missing.output
    bad = learnloop("deliver", "plan", "renewals", "--start", "tomorrow")
    assert bad.exit_code != 0 and "--start" in bad.output
    workspace.close()


def test_a_learner_sees_why_and_acts_through_the_api_and_the_console(tmp_path) -> None:
    workspace = delivery_workspace(tmp_path / "home")
    [delivery_id] = queue(workspace, channel="inbox")
    JobQueue(workspace).deliver([delivery_id])
    client = api_client(workspace)
    leo = bearer(secret_for(workspace, "learner", "leo"))
    [item] = client.get("/api/inbox", headers=leo).json()
    assert item["why"]["reason"] == "Renewals in your team fell for six weeks."
    assert item["why"]["data_used"] == ["renewal_rate (CRM)", "your role's skill requirements"]
    assert "holdout" not in json.dumps(item)
    rated = client.post(f"/api/inbox/{delivery_id}/rate", headers=leo,
                        json={"rating": 5, "comment": "good"})
    assert rated.status_code == 200 and rated.json()["rating"] == 5
    assert client.post(f"/api/inbox/{delivery_id}/rate", headers=leo,
                       json={"rating": 6}).status_code == 422
    lea = bearer(secret_for(workspace, "learner", "lea"))
    assert client.post(f"/api/inbox/{delivery_id}/open", headers=lea).status_code == 404
    # preferences: a channel order, a cap and quiet hours of their own; nonsense is refused
    chosen = client.put("/api/inbox/preferences", headers=leo,
                        json={"channels": ["slack", "inbox"], "slack_user": "U1LEO",
                              "weekly_cap": 1, "quiet_hours": "19-09"})
    assert chosen.json() == {"channels": ["slack", "inbox"], "slack_user": "U1LEO",
                             "weekly_cap": 1, "quiet_hours": "19-09"}
    assert client.put("/api/inbox/preferences", headers=leo,
                      json={"channels": ["pigeon"]}).status_code == 422
    assert client.get("/api/inbox/preferences", headers=leo).json()["weekly_cap"] == 1
    # the console: my inbox with its why, and the mark-as-done form
    browser = api_client(workspace)
    sign_in(browser, secret_for(workspace, "learner", "leo"))
    inbox_page = browser.get("/inbox").text
    assert "Why am I seeing this?" in inbox_page and "Renewals in your team fell" in inbox_page
    workspace.close()


def test_a_signed_link_opens_and_completes_the_message(tmp_path) -> None:
    workspace = delivery_workspace(tmp_path / "home")
    [delivery_id] = queue(workspace, channel="inbox")
    JobQueue(workspace).deliver([delivery_id])
    found = status_of(workspace, delivery_id)
    path = found.message.links["complete"].removeprefix("http://127.0.0.1:8000")
    browser = api_client(workspace)
    page = browser.get(path)
    assert page.status_code == 200 and "Mark as done" in page.text
    assert status_of(workspace, delivery_id).opened_at is not None
    from api_support import csrf_of

    done = browser.post(path, data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "recorded" in done.text
    assert status_of(workspace, delivery_id).completed_at is not None
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert browser.get(forged).status_code == 403
    workspace.close()


def test_a_webhook_signal_that_trips_a_rule_is_delivered_by_the_queue(tmp_path, smtp) -> None:
    workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1", smtp_port=smtp.port)
    client = api_client(workspace)
    admin = bearer(secret_for(workspace, "admin"))
    rule = {"key": "low-csat", "metric": "csat", "trigger": "below", "threshold": 3,
            "title": "After a hard call", "text": "Two lines that help next time."}
    assert client.post("/api/delivery-rules", headers=admin, json=rule).status_code == 201
    jobs = client.app.state.jobs
    consumer = start_in_process(jobs)
    try:
        signal = {"id": "c1", "metric": "csat", "subject_type": "person", "subject": "leo",
                  "observed_at": "2026-01-05T09:00:00Z", "value": 2, "source": "helpdesk"}
        answer = client.post("/api/signals", headers=admin, json={"signals": [signal]})
        assert answer.status_code == 200, answer.text
        assert wait_for(lambda: len(smtp.messages) == 1, seconds=15)
        assert smtp.messages[0]["Subject"] == "After a hard call"
        client.post("/api/signals", headers=admin, json={"signals": [signal]})  # resent
    finally:
        stop_in_process(consumer)
    with workspace.session() as session:
        assert len(deliveries(session, organisation_id=workspace.organisation(session).id)) == 1
    assert len(smtp.messages) == 1
    workspace.close()


def test_ld_previews_adjusts_and_approves_a_plan_in_the_console(tmp_path) -> None:
    from api_support import csrf_of

    workspace = delivery_workspace(tmp_path / "home")
    with workspace.session() as session:
        save_needs(session, organisation_id=workspace.organisation(session).id, needs=[
            draft_need("renewals", "Renewal conversations", person_keys=("leo", "lea", "ivy"),
                       reason="Renewals fell in Sales.")])
    client = api_client(workspace)
    ld = bearer(secret_for(workspace, "ld"))
    draft_pack = add_sample_pack(workspace)
    with workspace.session() as session:
        draft = pack(session, organisation_id=workspace.organisation(session).id,
                     pack_id=draft_pack).components[0]
    refused = client.post("/api/delivery-plans", headers=ld,
                          json={"need": "renewals", "key": "c0", "components": [draft.id]})
    assert refused.status_code == 409, refused.text
    assert "only published components reach learners" in refused.text
    assert client.post("/api/delivery-plans", headers=ld,
                       json={"need": "renewals", "key": "c1"}).status_code == 201
    browser = api_client(workspace)
    sign_in(browser, secret_for(workspace, "ld"))
    page = browser.get("/deliveries/plans/c1").text
    assert "Renewals fell in Sales." in page and "Approve" in page
    adjusted = browser.post("/deliveries/plans/c1/adjust", follow_redirects=False,
                            data={"csrf_token": csrf_of(page), "holdout": "0.5",
                                  "title": "Before your next renewal", "exclude": "ivy"})
    assert adjusted.status_code == 303
    plan = client.get("/api/delivery-plans/c1", headers=ld).json()
    assert plan["title"] == "Before your next renewal" and "ivy" not in plan["groups"]
    assert plan["held_out"] == 1  # two people in one team, half held out
    browser.post("/deliveries/plans/c1/approve", data={"csrf_token": csrf_of(page)})
    assert client.get("/api/delivery-plans/c1", headers=ld).json()["status"] == "approved"
    assert "approved" in browser.get("/deliveries/plans").text
    workspace.close()
