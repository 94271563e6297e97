"""The outbox: deliveries and their attempts. Add (idempotent by key), claim an attempt (recorded
before the channel is called), finish it, find what is due, in doubt or dead, and the inbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from learnloop.domain.delivery.messages import (
    DEAD_LETTER,
    DeliveryStatus,
    Message,
    Why,
)
from learnloop.domain.delivery.records import ChannelHealth, DeliveryRecord
from learnloop.domain.events import utcnow
from learnloop.errors import ConflictError, NotFoundError
from learnloop.store import tables

__all__ = [
    "plan_ratings",
    "Claim", "NewDelivery", "add_deliveries", "channel_health", "claim_attempt",
    "dead_letter", "deliveries", "delivery", "delivery_by_key", "due_deliveries",
    "finish_attempt", "inbox", "replay", "sent_times", "unfinished_attempts",
    "update_interaction",
]

S = DeliveryStatus
_CLAIMABLE = (S.PENDING, S.RETRYING)


@dataclass(frozen=True, slots=True)
class NewDelivery:
    person_id: int
    key: str
    channel: str
    kind: str
    message: Message
    why: Why
    send_after: datetime
    plan_key: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """An attempt recorded as started: what the worker needs to send it."""

    delivery_id: int
    organisation_id: int
    key: str
    number: int
    channel: str
    message: Message
    why: Why
    person_key: str
    name: str
    email: str | None
    time_zone: str
    slack_user: str | None


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def add_deliveries(session: Session, *, organisation_id: int,
                   deliveries: Sequence[NewDelivery]) -> dict[str, int]:
    """Add deliveries; one whose key exists already is a duplicate and is not added again.
    Returns the new ones' ids by key."""
    if not deliveries:
        return {}
    now = utcnow()
    rows = [{"organisation_id": organisation_id, "key": d.key, "person_id": d.person_id,
             "channel": d.channel, "kind": d.kind, "plan_key": d.plan_key,
             "title": d.message.title[:300], "content": d.message.as_dict(),
             "why": d.why.as_dict(), "status": S.PENDING, "attempts": 0,
             "send_after": d.send_after, "next_attempt_at": d.send_after, "created_at": now}
            for d in deliveries]
    statement = (_insert(session)(tables.Delivery).values(rows)
                 .on_conflict_do_nothing(index_elements=["organisation_id", "key"])
                 .returning(tables.Delivery.key, tables.Delivery.id))
    return {key: delivery_id for key, delivery_id in session.execute(statement)}


def claim_attempt(session: Session, *, delivery_id: int, worker: str,
                  now: datetime | None = None) -> Claim | None:
    """Mark a due delivery as sending and record the attempt; None when it is not claimable
    (sent already, another worker has it, not due yet): a duplicate run sends nothing."""
    now = now or utcnow()
    D = tables.Delivery
    claimed = session.execute(
        update(D).where(D.id == delivery_id, D.status.in_(list(_CLAIMABLE)),
                        D.next_attempt_at <= now)
        .values(status=S.SENDING, attempts=D.attempts + 1)
        .returning(D.organisation_id, D.key, D.attempts, D.channel, D.content, D.why,
                   D.person_id)).first()
    if claimed is None:
        return None
    organisation_id, key, number, channel, content, why, person_id = claimed
    session.add(tables.DeliveryAttempt(delivery_id=delivery_id, number=number, worker=worker,
                                       started_at=now))
    person = session.get(tables.Person, person_id)
    assert person is not None
    slack_user = session.scalar(select(tables.DeliveryPreference.slack_user).where(
        tables.DeliveryPreference.person_id == person_id))
    return Claim(delivery_id=delivery_id, organisation_id=organisation_id, key=key,
                 number=number, channel=channel, message=Message.from_dict(content),
                 why=Why.from_dict(why), person_key=person.key, name=person.name,
                 email=person.email, time_zone=person.time_zone, slack_user=slack_user)


def finish_attempt(session: Session, *, delivery_id: int, number: int, outcome: str,
                   detail: str | None, status: DeliveryStatus,
                   retry_at: datetime | None = None) -> None:
    now = utcnow()
    A = tables.DeliveryAttempt
    session.execute(update(A).where(A.delivery_id == delivery_id, A.number == number)
                    .values(outcome=outcome, detail=detail, finished_at=now))
    values: dict[str, Any] = {"status": status}
    if status is S.SENT:
        values["sent_at"] = now
    else:
        values["last_error"] = detail
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    session.execute(update(tables.Delivery).where(tables.Delivery.id == delivery_id)
                    .values(**values))


@dataclass(frozen=True, slots=True)
class Unfinished:
    delivery_id: int
    organisation_id: int
    number: int
    worker: str
    started_at: datetime
    channel: str


def unfinished_attempts(session: Session) -> list[Unfinished]:
    """Attempts started and never finished, of deliveries still marked sending (every org)."""
    A, D = tables.DeliveryAttempt, tables.Delivery
    rows = session.execute(
        select(A.delivery_id, D.organisation_id, A.number, A.worker, A.started_at, D.channel)
        .join(D, D.id == A.delivery_id)
        .where(A.outcome.is_(None), D.status == S.SENDING, D.attempts == A.number))
    return [Unfinished(*row) for row in rows]


def due_deliveries(session: Session, *, now: datetime | None = None,
                   limit: int = 1000) -> list[tuple[str, int]]:
    """(organisation key, delivery id) of deliveries due now, oldest first, every org."""
    D = tables.Delivery
    rows = session.execute(
        select(tables.Organisation.key, D.id)
        .join(tables.Organisation, tables.Organisation.id == D.organisation_id)
        .where(D.status.in_(list(_CLAIMABLE)), D.next_attempt_at <= (now or utcnow()))
        .order_by(D.next_attempt_at).limit(limit))
    return [(key, delivery_id) for key, delivery_id in rows]


def plan_ratings(session: Session, *, organisation_id: int, plan_keys: Sequence[str],
                 ) -> list[tuple[str, int, str | None]]:
    """(person key, rating 1-5, comment) for every inbox rating of the plans' deliveries."""
    D = tables.Delivery
    if not plan_keys:
        return []
    return [(key, rating, comment) for key, rating, comment in session.execute(
        select(tables.Person.key, D.rating, D.comment)
        .join(tables.Person, tables.Person.id == D.person_id)
        .where(D.organisation_id == organisation_id, D.plan_key.in_(list(plan_keys)),
               D.rating.is_not(None)).order_by(D.id))]


def _records(session: Session, query: Any) -> list[DeliveryRecord]:
    D = tables.Delivery
    rows = session.execute(query.add_columns(tables.Person.key)
                           .join(tables.Person, tables.Person.id == D.person_id))
    return [DeliveryRecord(
        id=row.id, key=row.key, person_key=person_key, channel=row.channel, kind=row.kind,
        plan_key=row.plan_key, message=Message.from_dict(row.content), why=Why.from_dict(row.why),
        status=row.status, attempts=row.attempts, last_error=row.last_error,
        send_after=row.send_after, next_attempt_at=row.next_attempt_at,
        created_at=row.created_at, sent_at=row.sent_at, opened_at=row.opened_at,
        completed_at=row.completed_at, rating=row.rating, comment=row.comment,
        not_relevant_at=row.not_relevant_at) for row, person_key in rows]


def delivery(session: Session, *, organisation_id: int, delivery_id: int,
             person_id: int | None = None) -> DeliveryRecord:
    """One delivery; with `person_id`, only if it is that person's (else NotFoundError)."""
    D = tables.Delivery
    query = select(D).where(D.organisation_id == organisation_id, D.id == delivery_id)
    if person_id is not None:
        query = query.where(D.person_id == person_id)
    found = _records(session, query)
    if not found:
        raise NotFoundError(f"no delivery with id {delivery_id}")
    return found[0]


def delivery_by_key(session: Session, *, organisation_id: int,
                    key: str) -> DeliveryRecord | None:
    D = tables.Delivery
    found = _records(session, select(D).where(D.organisation_id == organisation_id,
                                              D.key == key))
    return found[0] if found else None


def deliveries(session: Session, *, organisation_id: int, plan_key: str | None = None,
               status: str | None = None, limit: int = 500) -> list[DeliveryRecord]:
    D = tables.Delivery
    query = select(D).where(D.organisation_id == organisation_id)
    if plan_key is not None:
        query = query.where(D.plan_key == plan_key)
    if status is not None:
        query = query.where(D.status == status)
    return _records(session, query.order_by(D.id.desc()).limit(limit))


def inbox(session: Session, *, organisation_id: int, person_id: int,
          limit: int = 200) -> list[DeliveryRecord]:
    """What one person has been sent (any channel keeps a copy here), newest first."""
    D = tables.Delivery
    return _records(session, select(D).where(
        D.organisation_id == organisation_id, D.person_id == person_id,
        D.status == S.SENT).order_by(D.id.desc()).limit(limit))


def dead_letter(session: Session, *, organisation_id: int) -> list[DeliveryRecord]:
    D = tables.Delivery
    return _records(session, select(D).where(
        D.organisation_id == organisation_id, D.status.in_(list(DEAD_LETTER)))
        .order_by(D.id.desc()))


def replay(session: Session, *, organisation_id: int, delivery_id: int) -> DeliveryRecord:
    """Put a dead-lettered delivery back in the outbox, due now, with the same key."""
    found = delivery(session, organisation_id=organisation_id, delivery_id=delivery_id)
    if found.status not in DEAD_LETTER:
        raise ConflictError(f"delivery {delivery_id} is {found.status}, not in the "
                            "dead-letter list")
    session.execute(update(tables.Delivery).where(tables.Delivery.id == delivery_id)
                    .values(status=S.PENDING, next_attempt_at=utcnow()))
    return delivery(session, organisation_id=organisation_id, delivery_id=delivery_id)


def update_interaction(session: Session, *, organisation_id: int, delivery_id: int,
                       **values: Any) -> None:
    session.execute(update(tables.Delivery).where(
        tables.Delivery.organisation_id == organisation_id, tables.Delivery.id == delivery_id)
        .values(**values))


def sent_times(session: Session, *, organisation_id: int, person_ids: Sequence[int],
               since: datetime) -> dict[int, list[datetime]]:
    """When each person was (or is planned to be) sent a nudge since `since`."""
    D = tables.Delivery
    found: dict[int, list[datetime]] = {}
    rows = session.execute(select(D.person_id, D.send_after).where(
        D.organisation_id == organisation_id, D.person_id.in_(list(person_ids)),
        D.send_after >= since, D.channel != "inbox",
        D.status.not_in([S.CANCELLED, S.DEAD])))
    for person_id, when in rows:
        found.setdefault(person_id, []).append(when)
    return found


def channel_health(session: Session, *, organisation_id: int,
                   configured: Sequence[str]) -> list[ChannelHealth]:
    D, A = tables.Delivery, tables.DeliveryAttempt
    counts: dict[str, dict[str, int]] = {}
    for channel, status, count in session.execute(
            select(D.channel, D.status, func.count()).where(D.organisation_id == organisation_id)
            .group_by(D.channel, D.status)):
        counts.setdefault(channel, {})[status] = count
    since = utcnow() - timedelta(hours=24)
    recent: dict[str, tuple[int, int]] = {}
    for channel, attempts, failures in session.execute(
            select(D.channel, func.count(), func.count().filter(A.outcome.in_(
                ["transient", "permanent", "in_doubt"])))
            .join(D, D.id == A.delivery_id)
            .where(D.organisation_id == organisation_id, A.started_at >= since)
            .group_by(D.channel)):
        recent[channel] = (attempts, failures)
    last_errors = dict(session.execute(
        select(D.channel, D.last_error).where(D.organisation_id == organisation_id,
                                              D.last_error.is_not(None))
        .order_by(D.id)).all())
    names = list(dict.fromkeys([*configured, *counts]))
    return [ChannelHealth(
        channel=name, configured=name in configured, sent=counts.get(name, {}).get(S.SENT, 0),
        waiting=counts.get(name, {}).get(S.PENDING, 0) + counts.get(name, {}).get(S.SENDING, 0),
        retrying=counts.get(name, {}).get(S.RETRYING, 0),
        dead=counts.get(name, {}).get(S.DEAD, 0),
        in_doubt=counts.get(name, {}).get(S.IN_DOUBT, 0),
        attempts_24h=recent.get(name, (0, 0))[0], failures_24h=recent.get(name, (0, 0))[1],
        last_error=last_errors.get(name)) for name in names]
