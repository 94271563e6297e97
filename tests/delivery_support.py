"""A workspace wired to the local delivery peers, and a quick way to queue a message."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from api_support import build_org
from learnloop.config import Settings
from learnloop.delivery.outbox import Addressed, queue_messages
from learnloop.domain.delivery.messages import Message, Why
from learnloop.store.deliveries import delivery
from learnloop.store.people import person_id_by_key
from learnloop.store.preferences import set_preferences
from learnloop.workspace import Workspace

WHY = Why(need="Renewal conversations", reason="Renewals in your team fell for six weeks.",
          evidence=("Renewal rate 84% against 92% expected",),
          data_used=("renewal_rate (CRM)", "your role's skill requirements"))
MESSAGE = Message(title="Three questions before a renewal call",
                  paragraphs=("Ask what changed since they signed.", "Confirm the next step."))


def _cite(quote: str) -> list[dict[str, str]]:
    return [{"chunk_id": "c1", "quote": quote}]


ROLE_PLAY = {
    "kind": "role_play", "title": "A renewal at risk",
    "situation": "A customer says they may not renew next month.",
    "counterpart_brief": "You are a customer who feels ignored since signing. You expect a "
                         "discount.",
    "learner_goal": "Find out what changed and agree a next step.",
    "facts": [{"text": "Support tickets took a week to answer.",
               "citations": _cite("Tickets took a week to answer in March.")},
              {"text": "A competitor offered a lower price.",
               "citations": _cite("A competitor offered a lower price.")}],
    "rubric": [{"criterion": "Ask what changed since the customer signed.", "points": 2,
                "citations": _cite("Ask what changed since they signed.")},
               {"criterion": "Agree a concrete next step with a date.", "points": 2,
                "citations": _cite("Always agree a next step with a date.")},
               {"criterion": "Acknowledge the slow support tickets.", "points": 1,
                "citations": _cite("Acknowledge problems before offering solutions.")}],
}
PRACTICE_MESSAGE = Message(title="Practise a renewal conversation",
                           paragraphs=("Ten minutes, in your inbox.",), practice=ROLE_PLAY)


def delivery_settings(home: Path, database_url: str | None = None, **channels: object) -> Settings:
    values: dict[str, object] = {
        "redis_url": None, "environment": "development",
        "secret_key": "test-secret-key-for-links", "delivery_backoff_seconds": 0.05,
        "delivery_max_attempts": 3, **channels}
    return Settings(home=home, database_url=database_url, **values)  # type: ignore[arg-type]


def delivery_workspace(home: Path, database_url: str | None = None,
                       **channels: object) -> Workspace:
    workspace = Workspace.open(delivery_settings(home, database_url, **channels))
    build_org(workspace)
    return workspace


def queue(workspace: Workspace, *, person: str = "leo", key: str = "k1",
          channel: str | None = None, slack_user: str | None = None,
          message: Message = MESSAGE) -> list[int]:
    with workspace.session() as session:
        org = workspace.organisation(session)
        if slack_user:
            set_preferences(session, organisation_id=org.id, slack_user=slack_user,
                            person_id=person_id_by_key(session, organisation_id=org.id,
                                                       key=person))
        found = queue_messages(session, organisation_id=org.id, settings=workspace.settings,
                               messages=[Addressed(person_key=person, key=key,
                                                   message=message, why=WHY)],
                               kind="nudge", channel=channel)
    return [delivery_id for delivery_id, _ in found]


def status_of(workspace: Workspace, delivery_id: int):
    with workspace.session() as session:
        org = workspace.organisation(session)
        return delivery(session, organisation_id=org.id, delivery_id=delivery_id)


def wait_for(check: Callable[[], bool], *, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def add_matrix_deliveries(workspace: Workspace) -> dict[str, object]:
    """What the security matrix calls the delivery routes on: a need and three plans (one draft
    to adjust, one to approve, one approved to send), a delivered and a dead-lettered message
    for leo, a review item of his and a signed link."""
    from learnloop.delivery.links import link_token
    from learnloop.delivery.plans import approve_plan, make_plan
    from learnloop.delivery.reinforcement import add_reviews
    from learnloop.domain.delivery.reviews import ReviewPrompt
    from learnloop.domain.needs import draft_need
    from learnloop.store import tables
    from learnloop.store.needs import save_needs

    [sent, dead] = [queue(workspace, key=key, channel="inbox", message=PRACTICE_MESSAGE)[0]
                    for key in ("matrix-sent", "matrix-dead")]
    from learnloop.jobs import JobQueue

    JobQueue(workspace).deliver([sent])
    with workspace.session() as session:
        org = workspace.organisation(session).id
        session.get(tables.Delivery, dead).status = "dead"
        save_needs(session, organisation_id=org, needs=[draft_need(
            "matrix-need", "Renewal conversations", person_keys=("leo", "lea", "ivy"),
            reason="Renewals fell.")])
        for key in ("draft-plan", "approve-plan", "send-plan"):
            make_plan(session, organisation_id=org, settings=workspace.settings,
                      need_key="matrix-need", key=key, actor="test")
        approve_plan(session, organisation_id=org, key="send-plan", actor="test")
        add_reviews(session, organisation_id=org, person_keys=["leo"],
                    prompts=[ReviewPrompt("m1", "flashcard", "Front", "Back")])
        item = session.query(tables.ReviewItem.id).scalar()
        token = link_token(workspace.settings.session_secret(), organisation_id=org,
                           key="matrix-sent", action="complete")
        from learnloop.delivery.practice import start_practice
        from learnloop.store.people import person_id_by_key

        leo = person_id_by_key(session, organisation_id=org, key="leo")
        talk, end = [start_practice(session, organisation_id=org, person_id=leo,
                                    delivery_id=sent).id for _ in range(2)]
    return {"sent": sent, "dead": dead, "review": item, "token": token, "talk": talk,
            "end": end}
