"""Spaced reinforcement with FSRS (the `fsrs` package): content becomes review items per person,
each answer moves the item's schedule, and due items are announced through the person's channel
(one message per person and day) while the inbox lists them.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime

from fsrs import Card, Rating, Scheduler

from learnloop.config import Settings
from learnloop.delivery.outbox import Addressed, queue_messages
from learnloop.domain.content.components import FlashcardsBody, KnowledgeCheckBody
from learnloop.domain.delivery.messages import Message, Why
from learnloop.domain.delivery.reviews import ReviewPrompt, ReviewState, prompts_from, rating_of
from learnloop.domain.events import utcnow
from learnloop.store import Session
from learnloop.store.event_log import EventLog
from learnloop.store.preferences import reach_of
from learnloop.store.review_items import (
    add_review_rows,
    due_counts,
    due_items,
    review_item,
    save_review,
)

__all__ = ["SCHEDULER", "add_reviews", "add_reviews_from", "announce_due", "answer_review",
           "due_for"]

# no fuzzing: the same answers give the same dates (and a test can check them)
SCHEDULER = Scheduler(enable_fuzzing=False)


def add_reviews(session: Session, *, organisation_id: int, person_keys: Sequence[str],
                prompts: Sequence[ReviewPrompt], now: datetime | None = None,
                why: Why | None = None) -> int:
    """Give each person each prompt as a new item, due now; returns how many were new."""
    now = now or utcnow()
    reach = reach_of(session, organisation_id=organisation_id, person_keys=person_keys)
    rows = []
    for person_key in person_keys:
        person_id = reach[person_key].person_id
        for prompt in prompts:
            card = Card(card_id=zlib.crc32(f"{person_id}:{prompt.key}".encode()) + 1, due=now)
            rows.append({"person_id": person_id, "key": prompt.key, "kind": prompt.kind,
                         "prompt": prompt.prompt, "answer": prompt.answer,
                         "options": {"options": list(prompt.options),
                                     "why": why.as_dict() if why else None},
                         "card": card.to_dict(), "due": now})
    return add_review_rows(session, organisation_id=organisation_id, rows=rows)


def add_reviews_from(session: Session, *, organisation_id: int, person_keys: Sequence[str],
                     body: FlashcardsBody | KnowledgeCheckBody, source: str,
                     now: datetime | None = None, why: Why | None = None) -> int:
    return add_reviews(session, organisation_id=organisation_id, person_keys=person_keys,
                       prompts=prompts_from(body, source=source), now=now, why=why)


def answer_review(session: Session, *, organisation_id: int, person_id: int, item_id: int,
                  answer: str = "", rating: str | int | None = None,
                  now: datetime | None = None, actor: str) -> ReviewState:
    """Record an answer: the FSRS rating it stands for moves the item's next due date."""
    now = now or utcnow()
    row = review_item(session, organisation_id=organisation_id, item_id=item_id,
                      person_id=person_id)
    score = rating_of(row.kind, answer=answer, expected=row.answer, rating=rating)
    card, _ = SCHEDULER.review_card(Card.from_dict(row.card), Rating(score), now)
    save_review(session, item_id=item_id, card=card.to_dict(), due=card.due, rating=score)
    EventLog(session, organisation_id).record(
        "delivery.review_answered", actor=actor, subject_type="review_item",
        subject_id=str(item_id), payload={"rating": score, "next_due": card.due.isoformat()})
    [state] = [item for item in due_items(session, organisation_id=organisation_id,
                                          person_id=person_id, now=now, include_later=True)
               if item.id == item_id]
    return state


def announce_due(session: Session, *, organisation_id: int, settings: Settings,
                 now: datetime | None = None) -> list[tuple[int, datetime]]:
    """One "due for review" message per person with due items, at most one per day (its key
    names the day); returns the new deliveries for the queue."""
    now = now or utcnow()
    counts = due_counts(session, organisation_id=organisation_id, now=now)
    messages = [Addressed(
        person_key=person, key=f"review:{person}:{now:%Y-%m-%d}",
        message=Message(title=f"{count} item{'s' if count != 1 else ''} to review",
                        paragraphs=(f"You have {count} short review item"
                                    f"{'s' if count != 1 else ''} due: a minute each, and they "
                                    "keep what you learnt fresh.",),
                        links={"inbox": f"{settings.public_url.rstrip('/')}/inbox"}),
        why=Why(need=None, reason="You saw this material before; reviewing it just before you "
                "would forget it makes it stick.",
                data_used=("your earlier answers to these items",)))
        for person, count in sorted(counts.items())]
    return queue_messages(session, organisation_id=organisation_id, settings=settings,
                          messages=messages, kind="review")


def due_for(session: Session, *, organisation_id: int, person_id: int,
            now: datetime | None = None) -> list[ReviewState]:
    return due_items(session, organisation_id=organisation_id, person_id=person_id,
                     now=now or utcnow())
