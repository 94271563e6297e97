"""Review items: add (once per person and key), read one, what is due, and save a new schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from learnloop.domain.delivery.reviews import ReviewState
from learnloop.domain.events import utcnow
from learnloop.errors import NotFoundError
from learnloop.store import tables

__all__ = ["add_review_rows", "due_counts", "due_items", "review_item", "save_review"]

_STATES = {1: "learning", 2: "review", 3: "relearning"}


def _state(row: tables.ReviewItem, person_key: str) -> ReviewState:
    return ReviewState(id=row.id, person_key=person_key, key=row.key, kind=row.kind,
                       prompt=row.prompt, options=tuple(row.options.get("options", ())),
                       due=row.due, reviews=row.reviews, last_rating=row.last_rating,
                       state=_STATES.get(int(row.card.get("state", 1)), "learning"))


def add_review_rows(session: Session, *, organisation_id: int,
                    rows: Sequence[dict[str, Any]]) -> int:
    """Insert review items; one a person has already is left as it is. Returns how many new."""
    if not rows:
        return 0
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    statement = (insert(tables.ReviewItem)
                 .values([{"organisation_id": organisation_id, "reviews": 0, "created_at": now,
                           **row} for row in rows])
                 .on_conflict_do_nothing(index_elements=["organisation_id", "person_id", "key"])
                 .returning(tables.ReviewItem.id))
    return len(list(session.scalars(statement)))


def review_item(session: Session, *, organisation_id: int, item_id: int,
                person_id: int | None = None) -> tables.ReviewItem:
    row = session.get(tables.ReviewItem, item_id)
    if row is None or row.organisation_id != organisation_id or (
            person_id is not None and row.person_id != person_id):
        raise NotFoundError(f"no review item with id {item_id}")
    return row


def save_review(session: Session, *, item_id: int, card: dict[str, Any], due: datetime,
                rating: int) -> None:
    R = tables.ReviewItem
    session.execute(update(R).where(R.id == item_id).values(
        card=card, due=due, last_rating=rating, reviews=R.reviews + 1))


def due_items(session: Session, *, organisation_id: int, person_id: int, now: datetime,
              include_later: bool = False) -> list[ReviewState]:
    R, P = tables.ReviewItem, tables.Person
    query = (select(R, P.key).join(P, P.id == R.person_id)
             .where(R.organisation_id == organisation_id, R.person_id == person_id))
    if not include_later:
        query = query.where(R.due <= now)
    return [_state(row, key) for row, key in session.execute(query.order_by(R.due, R.id))]


def due_counts(session: Session, *, organisation_id: int, now: datetime) -> dict[str, int]:
    """Person key → how many items are due for them now."""
    R, P = tables.ReviewItem, tables.Person
    return dict(session.execute(
        select(P.key, func.count()).select_from(R).join(P, P.id == R.person_id)
        .where(R.organisation_id == organisation_id, R.due <= now).group_by(P.key)).all())
