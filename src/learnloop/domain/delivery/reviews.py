"""Review items from content: each flashcard and each knowledge-check question becomes one item a
person reviews on a spaced schedule; an answer becomes an FSRS rating (1 again … 4 easy)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from learnloop.domain.content.components import FlashcardsBody, KnowledgeCheckBody
from learnloop.errors import InputError

__all__ = ["RATINGS", "ReviewPrompt", "ReviewState", "prompts_from", "rating_of"]

# FSRS ratings, by the words a learner sees
RATINGS = {"again": 1, "hard": 2, "good": 3, "easy": 4}


@dataclass(frozen=True, slots=True)
class ReviewPrompt:
    key: str
    kind: str  # flashcard | question
    prompt: str
    answer: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewState:
    id: int
    person_key: str
    key: str
    kind: str
    prompt: str
    options: tuple[str, ...]
    due: datetime
    reviews: int
    last_rating: int | None
    state: str


def _key(source: str, text: str) -> str:
    return f"{source}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def prompts_from(body: FlashcardsBody | KnowledgeCheckBody, *, source: str) -> list[ReviewPrompt]:
    """One prompt per card or question; the key is stable while the text is the same."""
    if isinstance(body, FlashcardsBody):
        return [ReviewPrompt(_key(source, card.front), "flashcard", card.front, card.back)
                for card in body.cards]
    return [ReviewPrompt(_key(source, question.stem), "question", question.stem,
                         str(question.answer), tuple(question.options))
            for question in body.questions]


def rating_of(kind: str, *, answer: str, expected: str, rating: str | int | None) -> int:
    """A question: right is good (3), wrong is again (1). A flashcard: the learner's own rating
    (again, hard, good, easy or 1-4)."""
    if kind == "question":
        return 3 if answer.strip() == expected.strip() else 1
    if isinstance(rating, int) and 1 <= rating <= 4:
        return rating
    if isinstance(rating, str) and rating.strip().lower() in RATINGS:
        return RATINGS[rating.strip().lower()]
    if isinstance(rating, str) and rating.strip() in {"1", "2", "3", "4"}:
        return int(rating)
    raise InputError("rate a flashcard again, hard, good or easy (or 1-4)")
