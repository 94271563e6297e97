"""Practising a delivered role-play in the inbox: start an attempt (the counterpart opens), say
something (the counterpart answers, until its facts run out), finish (rubric feedback per
criterion with quotes). Attempts are kept and can be repeated; finishing is an xAPI statement."""

from __future__ import annotations

from dataclasses import asdict

from learnloop.domain.content.components import RolePlayBody
from learnloop.domain.delivery.practice import counterpart_reply, opening, rubric_feedback
from learnloop.errors import ConflictError, InputError, NotFoundError
from learnloop.store import Session
from learnloop.store.deliveries import delivery
from learnloop.store.event_log import EventLog
from learnloop.store.practice import Attempt, attempt, new_attempt, save_attempt
from learnloop.xapi.statements import record_statements

__all__ = ["finish_practice", "say", "scenario_of", "start_practice"]

MAX_TURN_CHARS = 4000


def scenario_of(session: Session, *, organisation_id: int, person_id: int,
                delivery_id: int) -> RolePlayBody:
    found = delivery(session, organisation_id=organisation_id, delivery_id=delivery_id,
                     person_id=person_id)
    body = found.message.practice
    if body is None:
        raise NotFoundError(f"delivery {delivery_id} has no role-play to practise")
    return RolePlayBody.model_validate(body)


def start_practice(session: Session, *, organisation_id: int, person_id: int,
                   delivery_id: int) -> Attempt:
    scenario = scenario_of(session, organisation_id=organisation_id, person_id=person_id,
                           delivery_id=delivery_id)
    return new_attempt(session, organisation_id=organisation_id, person_id=person_id,
                       delivery_id=delivery_id,
                       turns=[{"speaker": "counterpart", "text": opening(scenario)}])


def say(session: Session, *, organisation_id: int, person_id: int, attempt_id: int,
        text: str) -> Attempt:
    """The learner's turn and the counterpart's answer (none once its facts are used up)."""
    text = text.strip()
    if not text or len(text) > MAX_TURN_CHARS:
        raise InputError(f"say something (at most {MAX_TURN_CHARS:,} characters)")
    found = attempt(session, organisation_id=organisation_id, person_id=person_id,
                    attempt_id=attempt_id)
    if found.finished_at is not None:
        raise ConflictError("this attempt is finished; start another to practise again")
    scenario = scenario_of(session, organisation_id=organisation_id, person_id=person_id,
                           delivery_id=found.delivery_id)
    turns = [*found.turns, {"speaker": "learner", "text": text}]
    reply = counterpart_reply(scenario, learner_turns=sum(t["speaker"] == "learner"
                                                          for t in turns))
    if reply is not None:
        turns.append({"speaker": "counterpart", "text": reply})
    return save_attempt(session, organisation_id=organisation_id, person_id=person_id,
                        attempt_id=attempt_id, turns=turns)


def finish_practice(session: Session, *, organisation_id: int, person_id: int,
                    attempt_id: int, actor: str, public_url: str) -> Attempt:
    found = attempt(session, organisation_id=organisation_id, person_id=person_id,
                    attempt_id=attempt_id)
    if found.finished_at is not None:
        return found
    scenario = scenario_of(session, organisation_id=organisation_id, person_id=person_id,
                           delivery_id=found.delivery_id)
    learner = [t["text"] for t in found.turns if t["speaker"] == "learner"]
    feedback = [asdict(item) for item in rubric_feedback(scenario, learner)]
    done = save_attempt(session, organisation_id=organisation_id, person_id=person_id,
                        attempt_id=attempt_id, turns=found.turns, feedback=feedback)
    earned = sum(item["earned"] for item in feedback)
    total = sum(item["points"] for item in feedback) or 1
    item = delivery(session, organisation_id=organisation_id, delivery_id=found.delivery_id)
    record_statements(session, organisation_id=organisation_id, statements=[{
        "actor": {"objectType": "Agent", "account": {"homePage": public_url,
                                                     "name": item.person_key}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {"objectType": "Activity",
                   "id": f"{public_url.rstrip('/')}/practice/{attempt_id}",
                   "definition": {"name": {"en": scenario.title},
                                  "type": "http://adlnet.gov/expapi/activities/simulation"}},
        "result": {"completion": True, "score": {"raw": earned, "min": 0, "max": total,
                                                 "scaled": round(earned / total, 4)}}}],
        authority={"objectType": "Agent", "name": "learnloop",
                   "account": {"homePage": public_url, "name": "learnloop"}})
    EventLog(session, organisation_id).record(
        "delivery.practice_finished", actor=actor, subject_type="practice_attempt",
        subject_id=str(attempt_id), payload={"earned": earned, "points": total,
                                             "turns": len(found.turns)})
    return done
