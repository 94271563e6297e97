"""What a learner does with a delivery — open, complete, rate (1-5, optional comment), answer,
"not relevant" — kept on the delivery and recorded as an xAPI statement in learnloop's LRS;
"not relevant" is also an event the needs agent reads (`delivery.not_relevant`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from learnloop.domain.delivery.messages import Interaction
from learnloop.domain.delivery.records import DeliveryRecord
from learnloop.domain.events import utcnow
from learnloop.errors import ConflictError, InputError, Problem
from learnloop.store import Session
from learnloop.store.deliveries import delivery, update_interaction
from learnloop.store.event_log import EventLog
from learnloop.xapi.statements import iso_time, record_statements

__all__ = ["NOT_RELEVANT_EVENT", "VERBS", "Answer", "interact"]

NOT_RELEVANT_EVENT = "delivery.not_relevant"
INTERACTION_EVENT = "delivery.interaction"
_LEARNLOOP = "https://w3id.org/learnloop"
VERBS = {
    Interaction.OPEN: ("http://id.tincanapi.com/verb/viewed", "viewed"),
    Interaction.COMPLETE: ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    Interaction.RATE: ("http://id.tincanapi.com/verb/rated", "rated"),
    Interaction.ANSWER: ("http://adlnet.gov/expapi/verbs/answered", "answered"),
    Interaction.NOT_RELEVANT: (f"{_LEARNLOOP}/verbs/not-relevant", "marked not relevant"),
}


@dataclass(frozen=True, slots=True)
class Answer:
    rating: int | None = None
    comment: str | None = None
    response: str | None = None


def _check(action: Interaction, answer: Answer) -> None:
    problems = []
    if action is Interaction.RATE and (answer.rating is None or not 1 <= answer.rating <= 5):
        problems.append(Problem("a rating is a whole number from 1 to 5", field="rating"))
    if action is Interaction.ANSWER and not (answer.response or "").strip():
        problems.append(Problem("an answer needs a response", field="response"))
    if answer.comment is not None and len(answer.comment) > 2000:
        problems.append(Problem("a comment is at most 2,000 characters", field="comment"))
    if problems:
        raise InputError(f"cannot {action} this delivery: {problems[0].message}", problems)


def _statement(found: DeliveryRecord, action: Interaction, answer: Answer, *,
               public_url: str, when: str) -> dict[str, Any]:
    verb, display = VERBS[action]
    activity = uuid.uuid5(uuid.NAMESPACE_URL, found.key)
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()), "timestamp": when,
        "actor": {"objectType": "Agent",
                  "account": {"homePage": public_url, "name": found.person_key}},
        "verb": {"id": verb, "display": {"en": display}},
        "object": {"objectType": "Activity",
                   "id": f"{public_url.rstrip('/')}/deliveries/{activity}",
                   "definition": {"name": {"en": found.message.title},
                                  "type": "http://adlnet.gov/expapi/activities/interaction"}},
        "context": {"platform": "learnloop", "extensions": {
            f"{_LEARNLOOP}/extensions/delivery": {"key": found.key, "channel": found.channel,
                                                  "plan": found.plan_key,
                                                  "need": found.why.need_key}}},
    }
    result: dict[str, Any] = {}
    if action is Interaction.RATE:
        result["score"] = {"raw": answer.rating, "min": 1, "max": 5}
    if answer.comment:
        result["response"] = answer.comment
    if action is Interaction.ANSWER:
        result["response"] = answer.response
    if action is Interaction.COMPLETE:
        result["completion"] = True
    if result:
        statement["result"] = result
    return statement


def interact(session: Session, *, organisation_id: int, delivery_id: int,
             action: Interaction, answer: Answer | None = None, actor: str,
             public_url: str, person_id: int | None = None) -> DeliveryRecord:
    """Record one interaction with a sent delivery (with `person_id`: only that person's);
    InputError for a bad rating or answer."""
    answer = answer or Answer()
    _check(action, answer)
    found = delivery(session, organisation_id=organisation_id, delivery_id=delivery_id,
                     person_id=person_id)
    if found.status != "sent":
        raise ConflictError(f"delivery {delivery_id} has not been delivered ({found.status})")
    now = utcnow()
    values: dict[str, Any] = {}
    if found.opened_at is None:
        values["opened_at"] = now  # any interaction means the learner opened it
    if action is Interaction.COMPLETE:
        values["completed_at"] = found.completed_at or now
    elif action is Interaction.RATE:
        values.update(rating=answer.rating, comment=answer.comment)
    elif action is Interaction.NOT_RELEVANT:
        values["not_relevant_at"] = found.not_relevant_at or now
    if values:
        update_interaction(session, organisation_id=organisation_id, delivery_id=delivery_id,
                           **values)
    statement = _statement(found, action, answer, public_url=public_url, when=iso_time(now))
    [statement_id] = record_statements(
        session, organisation_id=organisation_id, statements=[statement],
        authority={"objectType": "Agent", "name": "learnloop",
                   "account": {"homePage": public_url, "name": "learnloop"}})
    events = EventLog(session, organisation_id)
    payload = {"action": str(action), "delivery": found.key, "statement": statement_id,
               "rating": answer.rating}
    events.record(INTERACTION_EVENT, actor=actor, subject_type="delivery",
                  subject_id=str(delivery_id), payload=payload)
    if action is Interaction.NOT_RELEVANT:
        events.record(NOT_RELEVANT_EVENT, actor=actor, subject_type="need",
                      subject_id=found.why.need_key,
                      payload={"need": found.why.need_key, "person": found.person_key,
                               "delivery": found.key, "plan": found.plan_key,
                               "comment": answer.comment})
    return delivery(session, organisation_id=organisation_id, delivery_id=delivery_id)
