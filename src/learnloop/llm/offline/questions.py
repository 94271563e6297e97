"""Knowledge checks and cloze flashcards written offline from the source's own sentences.

A question blanks a key term of a ranked sentence; its distractors are terms of the same class
from elsewhere in the source that the cited passage does not contain, so exactly one option is
what the source says. The rationale quotes the source.
"""

from __future__ import annotations

import hashlib

from learnloop.domain.content.components import (
    CLOZE_BLANK,
    Flashcard,
    FlashcardsBody,
    KnowledgeCheckBody,
    Question,
)
from learnloop.llm.offline.material import Material
from learnloop.llm.offline.terms import Term, distractors, terms_of

__all__ = ["flashcards", "knowledge_check"]

_QUESTIONS = 6
_CARDS = 10
# a question about an amount or a deadline tests the rule; a name tests recall of a label
_KIND_PREFERENCE = {"money": 0.3, "bold": 0.15, "name": 0.0}


def knowledge_check(source: Material) -> KnowledgeCheckBody:
    pool = [term for item in source.items for term in terms_of(item)]
    questions: list[Question] = []
    used_chunks: set[str] = set()
    used: list[tuple[int, str]] = []
    for index, term in _candidates(source):
        item = source.items[index]
        if item.chunk.id in used_chunks or _repeats(source, index, term, used):
            continue
        wrong = distractors(term, pool, cited_text=item.chunk.text)
        if len(wrong) < 2:
            continue
        options = _shuffled([term.text, *wrong], seed=item.quote)
        heading = f" ({item.chunk.heading})" if item.chunk.heading else ""
        questions.append(Question(
            stem=_blanked(item.text, term),
            options=options, answer=options.index(term.text),
            rationale=f"The source{heading} says: “{item.text}”",
            citation=item.citation))
        used_chunks.add(item.chunk.id)
        used.append((index, term.text))
        if len(questions) == _QUESTIONS:
            break
    if not questions:
        raise ValueError("the source has no sentence with a term to ask about")
    return KnowledgeCheckBody(title=f"Knowledge check: {source.topic}", questions=questions)


def flashcards(source: Material) -> FlashcardsBody:
    cards: list[Flashcard] = []
    used: list[tuple[int, str]] = []
    for index, term in _candidates(source):
        item = source.items[index]
        if _repeats(source, index, term, used):
            continue
        used.append((index, term.text))
        cards.append(Flashcard(front=_blanked(item.text, term), back=term.text,
                               citations=item.citations))
        if len(cards) == _CARDS:
            break
    if not cards:
        raise ValueError("the source has no sentence with a term to make a card of")
    return FlashcardsBody(title=f"Flashcards: {source.topic}", cards=cards)


def _candidates(source: Material) -> list[tuple[int, Term]]:
    """(passage, term) pairs from the best sentences down, the most telling term of each."""
    found: list[tuple[float, int, Term]] = []
    for index in source.best():
        item = source.items[index]
        if item.text.endswith("?") or source.scores[index] < -0.2 or item.row:
            continue
        for term in terms_of(item)[:1]:
            preference = _KIND_PREFERENCE.get(term.kind, 0.25)  # quantities rank with amounts
            if item.text.count(term.text) == 1:
                found.append((float(source.scores[index]) + preference, index, term))
    found.sort(key=lambda entry: (-entry[0], entry[1]))
    return [(index, term) for _, index, term in found]


def _repeats(source: Material, index: int, term: Term, used: list[tuple[int, str]]) -> bool:
    """The same fact asked twice: the same answer in a similar sentence (a policy often states
    its headline limit in its summary and again in its section)."""
    return any(source.similarity[index, other] > 0.5
               or (answer == term.text and source.similarity[index, other] > 0.2)
               for other, answer in used)


def _blanked(text: str, term: Term) -> str:
    return text.replace(term.text, CLOZE_BLANK, 1)


def _shuffled(options: list[str], *, seed: str) -> list[str]:
    """The same options in an order fixed by the sentence, so a regeneration is identical."""
    return sorted(options, key=lambda option: hashlib.sha256(
        f"{seed}\0{option}".encode()).hexdigest())
