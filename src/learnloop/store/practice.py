"""Role-play practice attempts: start one, read one of a person's, save its turns and feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.events import utcnow
from learnloop.errors import NotFoundError
from learnloop.store import tables

__all__ = ["Attempt", "attempt", "attempts_of", "new_attempt", "save_attempt"]


class Attempt:
    __slots__ = ("delivery_id", "feedback", "finished_at", "id", "started_at", "turns")

    def __init__(self, row: tables.PracticeAttempt) -> None:
        self.id, self.delivery_id = row.id, row.delivery_id
        self.turns: list[dict[str, str]] = list(row.turns.get("turns", []))
        self.feedback: list[dict[str, Any]] | None = (
            list(row.feedback.get("criteria", [])) if row.feedback else None)
        self.started_at: datetime = row.started_at
        self.finished_at: datetime | None = row.finished_at


def new_attempt(session: Session, *, organisation_id: int, person_id: int, delivery_id: int,
                turns: list[dict[str, str]]) -> Attempt:
    row = tables.PracticeAttempt(organisation_id=organisation_id, person_id=person_id,
                                 delivery_id=delivery_id, turns={"turns": turns},
                                 feedback=None, started_at=utcnow())
    session.add(row)
    session.flush()
    return Attempt(row)


def _row(session: Session, *, organisation_id: int, person_id: int,
         attempt_id: int) -> tables.PracticeAttempt:
    row = session.get(tables.PracticeAttempt, attempt_id)
    if row is None or row.organisation_id != organisation_id or row.person_id != person_id:
        raise NotFoundError(f"no practice attempt with id {attempt_id}")
    return row


def attempt(session: Session, *, organisation_id: int, person_id: int,
            attempt_id: int) -> Attempt:
    return Attempt(_row(session, organisation_id=organisation_id, person_id=person_id,
                        attempt_id=attempt_id))


def attempts_of(session: Session, *, organisation_id: int, person_id: int,
                delivery_id: int) -> list[Attempt]:
    P = tables.PracticeAttempt
    return [Attempt(row) for row in session.scalars(select(P).where(
        P.organisation_id == organisation_id, P.person_id == person_id,
        P.delivery_id == delivery_id).order_by(P.id))]


def save_attempt(session: Session, *, organisation_id: int, person_id: int, attempt_id: int,
                 turns: list[dict[str, str]],
                 feedback: list[dict[str, Any]] | None = None) -> Attempt:
    row = _row(session, organisation_id=organisation_id, person_id=person_id,
               attempt_id=attempt_id)
    row.turns = {"turns": turns}
    if feedback is not None:
        row.feedback, row.finished_at = {"criteria": feedback}, utcnow()
    session.flush()
    return Attempt(row)
