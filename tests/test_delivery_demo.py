"""The demo delivers: the top need's intervention is planned with a hold-out and delivered in-app
and by email to the SMTP server the demo starts; the hold-out receives nothing, and a treated
person's inbox shows the message with its "why"."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default

from api_support import api_client, bearer, secret_for
from cli_support import succeeded
from learnloop.config import Settings
from learnloop.store.deliveries import deliveries
from learnloop.store.delivery_plans import delivery_plan
from learnloop.store.reviews import published_ids
from learnloop.workspace import Workspace


def test_the_demo_plans_the_top_need_and_delivers_by_email_and_in_app(tmp_path,
                                                                       monkeypatch) -> None:
    monkeypatch.setenv("LEARNLOOP_SMTP_HOST", "")  # none configured: the demo starts its own
    monkeypatch.setenv("LEARNLOOP_SMTP_PORT", "25")
    output = succeeded("demo", "--no-serve", "--people", "150", "--seed", "7").stdout
    assert "held out (they receive nothing)" in output, output
    home = tmp_path / "home"
    mails = [BytesParser(policy=default).parsebytes(path.read_bytes())
             for path in sorted((home / "demo" / "mailbox").glob("*.eml"))]
    workspace = Workspace.open(Settings(home=home))
    try:
        with workspace.session() as session:
            org = workspace.organisation(session).id
            plan = delivery_plan(session, organisation_id=org, key="demo-top-need")
            sent = deliveries(session, organisation_id=org, plan_key="demo-top-need")
            published = set(published_ids(session, organisation_id=org).values())
        # what the plan carries went through the review gates before it reached anyone
        assert plan.settings["components"]
        assert set(plan.settings["components"]) <= published
        held = {key for key, group in plan.groups.items() if group == "holdout"}
        treated = set(plan.groups) - held
        assert held and treated and plan.intervention_id is not None
        assert {d.person_key for d in sent} == treated  # the hold-out gets nothing
        assert all(d.status == "sent" for d in sent)
        by_email = {d.person_key for d in sent if d.channel == "email"}
        assert by_email and len(mails) == len(by_email)
        assert all("Why you are seeing this" in mail.get_body(("plain",)).get_content()
                   for mail in mails)
        person = sorted(treated)[0]
        client = api_client(workspace)
        learner = bearer(secret_for(workspace, "learner", person))
        [item] = client.get("/api/inbox", headers=learner).json()
        assert item["why"]["need"] == plan.why.need and item["why"]["reason"]
        # the content agent's role-play for the need is played in the inbox, with feedback
        # criterion by criterion at the end
        started = client.post("/api/practice", headers=learner,
                              json={"delivery_id": item["id"]})
        assert started.status_code == 201, started.text
        attempt = started.json()
        assert attempt["turns"][0]["speaker"] == "counterpart"
        turn = client.post(f"/api/practice/{attempt['id']}/turns", headers=learner,
                           json={"text": "I understand. Let me check the shipment's temperature "
                                         "log and what the policy says we do next."})
        assert turn.status_code == 200, turn.text
        finished = client.post(f"/api/practice/{attempt['id']}/finish", headers=learner).json()
        assert finished["finished"] and finished["feedback"]
        assert all(row["criterion"] and row["comment"] for row in finished["feedback"])
    finally:
        workspace.close()
