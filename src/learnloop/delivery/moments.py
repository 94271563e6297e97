"""Moment of need: a signal from the webhook that trips a rule (a threshold), or a new detection
of the sensing agent on a rule's metric, becomes deliveries to the people concerned at once —
the caller hands them to the job queue after its commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from learnloop.config import Settings
from learnloop.delivery.outbox import Addressed, queue_messages
from learnloop.domain.delivery.messages import Message, Why
from learnloop.domain.delivery.rules import RuleTrigger, trips
from learnloop.errors import InputError, Problem
from learnloop.store import Session
from learnloop.store.cursors import advance_cursor, agent_cursor
from learnloop.store.delivery_rules import StoredRule, active_rules, save_rule, team_members
from learnloop.store.event_log import EventLog
from learnloop.store.preferences import known_people

__all__ = ["add_rule", "detections_tripped", "signals_tripped"]

_CURSOR = "delivery-rules"
DETECTED = "sensing.detected"


def add_rule(session: Session, *, organisation_id: int, key: str, metric: str, trigger: str,
             threshold: float | None, title: str, text: str, actor: str) -> StoredRule:
    problems = []
    if trigger not in {t.value for t in RuleTrigger}:
        problems.append(Problem(f"trigger must be below, above or detection, not {trigger!r}",
                                field="trigger"))
    elif trigger != RuleTrigger.DETECTION and threshold is None:
        problems.append(Problem("a below/above rule needs a threshold", field="threshold"))
    if not title.strip():
        problems.append(Problem("a rule's message needs a title", field="title"))
    if problems:
        raise InputError(f"rule {key!r}: {problems[0].message}", problems)
    saved = save_rule(session, organisation_id=organisation_id, key=key, metric=metric,
                      trigger=RuleTrigger(trigger), threshold=threshold,
                      message={"title": title, "paragraphs": [p for p in text.split("\n\n")
                                                              if p.strip()]})
    EventLog(session, organisation_id).record(
        "delivery.rule_saved", actor=actor, subject_type="delivery_rule", subject_id=key,
        payload={"metric": metric, "trigger": trigger, "threshold": threshold, "title": title})
    return saved


def _addressed(rule: StoredRule, *, person_key: str, key: str, reason: str,
               evidence: str) -> Addressed:
    return Addressed(person_key=person_key, key=key, message=Message.from_dict(rule.message),
                     why=Why(need=None, reason=reason, evidence=(evidence,),
                             data_used=(f"{rule.rule.metric} (work signals)",)))


def signals_tripped(session: Session, *, organisation_id: int, settings: Settings,
                    signals: Sequence[dict[str, Any]]) -> list[tuple[int, datetime]]:
    """Deliveries for every rule the webhook's signals trip (a resent signal trips nothing new:
    the key names the signal)."""
    metrics = {str(signal.get("metric")) for signal in signals}
    rules = {r.rule.key: r for r in active_rules(session, organisation_id=organisation_id,
                                                 metrics=sorted(metrics))}
    if not rules:
        return []
    tripped = trips([r.rule for r in rules.values()], list(signals))
    teams = team_members(session, organisation_id=organisation_id,
                         team_keys=[t.subject_key for t in tripped if t.subject_type == "team"])
    messages = []
    for trip in tripped:
        rule = rules[trip.rule_key]
        people = [trip.subject_key] if trip.subject_type == "person" \
            else teams.get(trip.subject_key, [])
        side = "below" if rule.rule.trigger is RuleTrigger.BELOW else "above"
        evidence = (f"{rule.rule.metric} was {trip.value:g}, {side} the "
                    f"{rule.rule.threshold:g} your organisation set as the moment to help.")
        messages += [_addressed(rule, person_key=person,
                                key=f"rule:{trip.rule_key}:{trip.signal_key}:{person}",
                                reason=f"Something you work on just crossed a line: "
                                       f"{rule.rule.metric}.", evidence=evidence)
                     for person in people]
    return queue_messages(session, organisation_id=organisation_id, settings=settings,
                          messages=_known_people(session, organisation_id, messages),
                          kind="moment")


def _known_people(session: Session, organisation_id: int,
                  messages: list[Addressed]) -> list[Addressed]:
    """A signal may name someone not (yet) imported: nothing to send them."""
    known = known_people(session, organisation_id=organisation_id,
                         person_keys=[m.person_key for m in messages])
    return [m for m in messages if m.person_key in known]


def detections_tripped(session: Session, *, organisation_id: int,
                       settings: Settings) -> list[tuple[int, datetime]]:
    """Deliveries for detections recorded since the last call, on metrics with a detection
    rule: to the people below the skill level named in the evidence, else the whole team."""
    cursor = agent_cursor(session, organisation_id=organisation_id, agent=_CURSOR)
    new = EventLog(session, organisation_id).since(cursor, kinds=[DETECTED])
    if not new:
        return []
    rules = [r for r in active_rules(session, organisation_id=organisation_id)
             if r.rule.trigger is RuleTrigger.DETECTION]
    messages: list[Addressed] = []
    for event in new:
        series = event.payload.get("series", {})
        team, metric = series.get("team") or event.subject_id, series.get("metric")
        for rule in (r for r in rules if r.rule.metric == metric):
            people = list(event.payload.get("affected_people", {}).get("below_required") or [])
            people = people or team_members(session, organisation_id=organisation_id,
                                            team_keys=[team]).get(team, [])
            messages += [_addressed(
                rule, person_key=person, key=f"rule:{rule.rule.key}:detection:"
                f"{event.payload.get('detection_id')}:{person}",
                reason=f"learnloop noticed a lasting change in {metric} for your team.",
                evidence=str(event.payload.get("reason") or f"{metric} changed for {team}."))
                for person in people]
    advance_cursor(session, organisation_id=organisation_id, agent=_CURSOR,
                   last_event_id=new[-1].id)
    return queue_messages(session, organisation_id=organisation_id, settings=settings,
                          messages=_known_people(session, organisation_id, messages),
                          kind="moment")
