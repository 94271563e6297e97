"""Practice in the inbox: a role-play with a scripted counterpart and rubric feedback criterion by
criterion, quoting the learner's words and the source; attempts are kept and can be repeated."""

from __future__ import annotations

from sqlalchemy import select

from api_support import api_client, bearer, secret_for, sign_in
from delivery_support import PRACTICE_MESSAGE, ROLE_PLAY, delivery_workspace, queue
from learnloop.domain.content.components import RolePlayBody
from learnloop.domain.delivery.practice import counterpart_reply, opening, rubric_feedback
from learnloop.jobs import JobQueue
from learnloop.store import tables

SCENARIO = RolePlayBody.model_validate(ROLE_PLAY)
SAID = ["What changed since you signed with us?",
        "Let's agree a next step: a call on Friday, with a date in both calendars."]


def test_the_counterpart_opens_then_raises_each_fact_then_stops() -> None:
    assert opening(SCENARIO) == "You are a customer who feels ignored since signing."
    first = counterpart_reply(SCENARIO, learner_turns=1)
    assert "support tickets took a week to answer" in first
    assert "competitor offered a lower price" in counterpart_reply(SCENARIO, learner_turns=2)
    assert counterpart_reply(SCENARIO, learner_turns=3) is None


def test_feedback_is_per_criterion_with_the_learners_quote_and_the_source() -> None:
    asked, step, tickets = rubric_feedback(SCENARIO, SAID)
    assert (asked.met, asked.earned, asked.learner_quote) == (True, 2, SAID[0])
    assert asked.source_quote == "Ask what changed since they signed."
    assert step.met and step.learner_quote == SAID[1]
    assert (tickets.met, tickets.earned) == (False, 0)
    assert tickets.comment == "Not in your answers: Acknowledge the slow support tickets."
    assert not any(item.met for item in rubric_feedback(SCENARIO, ["Hello there."]))


def test_a_learner_plays_it_through_the_api_and_can_play_again(tmp_path) -> None:
    workspace = delivery_workspace(tmp_path / "home")
    [delivery_id] = queue(workspace, channel="inbox", message=PRACTICE_MESSAGE)
    JobQueue(workspace).deliver([delivery_id])
    client = api_client(workspace)
    leo = bearer(secret_for(workspace, "learner", "leo"))
    started = client.post("/api/practice", headers=leo, json={"delivery_id": delivery_id})
    assert started.status_code == 201
    attempt = started.json()["id"]
    for text in SAID:
        turns = client.post(f"/api/practice/{attempt}/turns", headers=leo,
                            json={"text": text}).json()["turns"]
    assert [t["speaker"] for t in turns] == ["counterpart", "learner", "counterpart", "learner",
                                             "counterpart"]
    done = client.post(f"/api/practice/{attempt}/finish", headers=leo).json()
    assert (done["finished"], done["earned"], done["points"]) == (True, 4, 5)
    assert done["feedback"][0]["learner_quote"] == SAID[0]
    assert client.post(f"/api/practice/{attempt}/turns", headers=leo,
                       json={"text": "more"}).status_code == 409
    again = client.post("/api/practice", headers=leo, json={"delivery_id": delivery_id}).json()
    assert again["id"] != attempt and not again["finished"]
    lea = bearer(secret_for(workspace, "learner", "lea"))
    assert client.get(f"/api/practice/{attempt}", headers=lea).status_code == 404
    with workspace.session() as session:
        verbs = list(session.scalars(select(tables.XapiStatement.verb_id)))
    assert "http://adlnet.gov/expapi/verbs/completed" in verbs
    # the console plays the same attempt back with its feedback
    browser = api_client(workspace)
    sign_in(browser, secret_for(workspace, "learner", "leo"))
    assert "Practise the role-play" in browser.get("/inbox").text
    page = browser.get(f"/practice/{attempt}").text
    assert "4 of 5 points" in page and "Not in your answers" in page
    workspace.close()
