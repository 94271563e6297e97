"""A person's data rights as a service: export everything held about them, or erase it.

Used by `learnloop person …` and the admin API; both run inside the caller's transaction.
Erasure deletes what is about the person (their row, evidence, own signals, the detections in
their own KPI series, and tokens), unlinks
what is someone else's (their reports' manager), and rewrites every remaining mention of their
key, name or email to "[erased]" — in the event log too, through its one audited scrub path —
so counts and aggregates survive while the person does not. The erasure is itself an event,
`person.erased`, holding only the internal id and counts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from learnloop.domain.events import EventKind
from learnloop.domain.sensing.records import export_row
from learnloop.errors import NotFoundError
from learnloop.store import Session, tables
from learnloop.store import personal_data as store
from learnloop.store.event_log import EventLog
from learnloop.store.sensing_series import delete_person_detections, person_detections

__all__ = ["erase_person", "export_person"]


def _person(session: Session, *, organisation_id: int, key: str) -> tables.Person:
    person = store.person_by_key(session, organisation_id=organisation_id, key=key)
    if person is None:
        raise NotFoundError(f"no person with key {key!r} in this organisation")
    return person


def _mention(person: tables.Person) -> store.Mention:
    return store.Mention.of(person.key, person.name, person.email)


def _plain(value: Any) -> Any:
    """A value as JSON holds it: times as ISO 8601 text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def export_person(session: Session, *, organisation_id: int, key: str) -> dict[str, Any]:
    """Everything learnloop holds about one person, as a JSON-ready document (never secrets)."""
    person = _person(session, organisation_id=organisation_id, key=key)
    mention = _mention(person)
    manager = store.named_row(session, tables.Person, person.manager_id)
    evidence = store.evidence_of(session, person_id=person.id)
    signals = store.person_signal_rows(session, organisation_id=organisation_id,
                                       person_id=person.id, mention=mention)
    tokens = store.tokens_of(session, person_id=person.id)
    proficiencies = store.proficiencies_of(session, person_id=person.id)
    needs = store.needs_of(session, organisation_id=organisation_id, mention=mention,
                           key=person.key)
    events = store.rows_mentioning(session, tables.Event.__table__,
                                   organisation_id=organisation_id, mention=mention)
    detections = person_detections(session, organisation_id=organisation_id, person_key=key)
    return _plain({
        "person": {
            "key": person.key, "name": person.name, "email": person.email,
            "location": person.location, "time_zone": person.time_zone,
            "hire_date": person.hire_date, "status": person.status,
            "team": store.named_row(session, tables.Team, person.team_id),
            "role": store.named_row(session, tables.Role, person.role_id),
            "manager": manager["key"] if manager else None,
        },
        "evidence": [
            {"key": row.key, "skill": skill, "kind": row.kind, "level": row.level,
             "observed_on": row.observed_on, "source": row.source}
            for row, skill in evidence
        ],
        "proficiencies": proficiencies,
        "needs": [
            {"id": row["id"], "title": row["title"], "status": row["status"],
             "kind": row["kind"], "skill": row["skill_key"], "teams": row["team_keys"],
             "rank": row["rank"], "reason": row["reason"]}
            for row in needs
        ],
        "signals": [
            {"key": row["key"], "metric": row["metric"], "observed_at": row["observed_at"],
             "value": row["value"], "source": row["source"]}
            for row in signals
        ],
        "detections": [
            {"id": record.id, **export_row(record), "evidence": record.evidence}
            for record in detections
        ],
        "demographics": store.demographics_of(session, person_id=person.id),
        "interventions": [{"intervention": intervention_id, "group": group} for
                          intervention_id, group in store.groups_of(session, person_id=person.id)],
        "tokens": [
            {"id": token.id, "name": token.name, "role": token.role, "prefix": token.prefix,
             "created_at": token.created_at, "last_used_at": token.last_used_at,
             "revoked_at": token.revoked_at}
            for token in tokens
        ],
        "events": [
            {"id": row["id"], "kind": row["kind"], "occurred_at": row["occurred_at"],
             "actor": row["actor"], "subject_type": row["subject_type"],
             "subject_id": row["subject_id"], "payload": row["payload"]}
            for row in sorted(events, key=lambda row: row["id"])
        ],
    })


def erase_person(session: Session, *, organisation_id: int, key: str,
                 actor: str) -> dict[str, Any]:
    """Remove the person's data everywhere, keeping aggregates; returns the `person.erased`
    payload (the internal id and what was removed or rewritten, never the erased data)."""
    person = _person(session, organisation_id=organisation_id, key=key)
    mention, person_id = _mention(person), person.id
    # all of it or none of it, whatever the caller does next; nothing left in free pages
    with store.zeroing_deleted_content(session), session.begin_nested():
        signals = store.delete_person_signals(session, organisation_id=organisation_id,
                                              person_id=person_id, mention=mention)
        references = store.clear_person_references(session, person_id=person_id)
        detections = delete_person_detections(session, organisation_id=organisation_id,
                                              person_key=person.key)
        store.delete_person(session, person)
        rewritten = store.scrub_mentions(session, organisation_id=organisation_id,
                                         mention=mention)
        payload = {
            "person_id": person_id,
            "removed": {"evidence": references.get("skill_evidence.person_id", 0),
                        "signals": signals, "tokens": references.get("api_tokens.person_id", 0),
                        "detections": detections,
                        "reports_unlinked": references.get("people.manager_id", 0),
                        "demographics": references.get("demographics.person_id", 0),
                        "intervention_groups": references.get(
                            "intervention_assignments.person_id", 0)},
            "rewritten": rewritten,
        }
        EventLog(session, organisation_id).record(
            EventKind.PERSON_ERASED, actor=str(mention.scrubbed(actor)), subject_type="person",
            subject_id=str(person_id), payload=payload)
    session.expire_all()  # rows the session had loaded may have been rewritten underneath it
    return payload
