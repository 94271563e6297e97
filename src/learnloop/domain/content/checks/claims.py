"""The claim checker: for each sentence, the passage that supports it, or why none does.

A sentence embedding finds the passages about the same thing; the words, numbers, negations and
conditions decide. A claim that changes a number, drops or adds a negation, or swaps a condition
of its closest passage is contradicted however similar it looks; one whose words are mostly not
in any passage is not supported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

from learnloop.domain.content.checks.passages import ChunkLike, Passage, contrast_sets, passages
from learnloop.domain.content.checks.text import OPPOSITES, SentenceFacts, facts, plain

__all__ = ["ClaimVerdict", "Embedder", "PassageIndex", "Verdict", "check_claims"]

# thresholds, measured on tests/data/claims/statements.csv (benchmarks/claim_checker.py)
SUPPORTED_COVERAGE = 0.8  # share of a claim's content words the passage (or its context) has
SUPPORTED_SIMILARITY = 0.35  # sentence-embedding cosine between claim and passage
CLOSE_COVERAGE = 0.7
CLOSE_SIMILARITY = 0.5
ALIGNED_COVERAGE = 0.5  # a passage this close is what a conflicting claim talks about
_COVERAGE_WEIGHT = 0.65  # of the ranking score; the rest is the embedding cosine
_CANDIDATES = 8
_GAP_WORDS = 3  # the most words a passage may say where the sentence says another


class Embedder(Protocol):
    """A sentence-embedding model: unit-length rows, one per text."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class Verdict(StrEnum):
    SUPPORTED = "supported"
    NOT_SUPPORTED = "not_supported"
    CONTRADICTED = "contradicted"


@dataclass(frozen=True, slots=True)
class ClaimVerdict:
    """One sentence judged against the source: the passage it rests on (or conflicts with)."""

    sentence: str
    verdict: Verdict
    score: float  # 0..1: how closely the passage says what the sentence says
    chunk_id: str | None
    passage: str | None
    reason: str

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "verdict": str(self.verdict),
                "score": round(self.score, 3), "chunk_id": self.chunk_id,
                "passage": self.passage, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class _Reading:
    passage: Passage
    coverage: float
    similarity: float
    missing: tuple[str, ...]
    conflict: str | None  # the sentence contradicts the passage
    gap: str | None  # the sentence says something in a place where the passage says another

    @property
    def score(self) -> float:
        return _COVERAGE_WEIGHT * self.coverage + (1 - _COVERAGE_WEIGHT) * max(self.similarity, 0)

    @property
    def supports(self) -> bool:
        if self.conflict is not None or self.gap is not None:
            return False
        # a passage that reads very alike may word a little more of the sentence differently
        return (self.coverage >= SUPPORTED_COVERAGE and self.similarity >= SUPPORTED_SIMILARITY
                ) or (not self.passage.parts and self.coverage >= CLOSE_COVERAGE
                      and self.similarity >= CLOSE_SIMILARITY)


class PassageIndex:
    """The passages of a set of chunks, embedded once, to check many sentences against."""

    def __init__(self, chunks: Iterable[ChunkLike], *, embedder: Embedder) -> None:
        chunk_list = list(chunks)
        self._embedder = embedder
        self._passages = passages(chunk_list)
        self._contrasts = contrast_sets(chunk_list)
        texts = [f"{passage.context}: {passage.text}" if passage.context else passage.text
                 for passage in self._passages]
        self._vectors = (embedder.embed(texts) if texts
                         else np.zeros((0, 1), dtype=np.float32))
        self._chunk_ids = np.array([passage.chunk_id for passage in self._passages])
        self._said = [set(passage.facts.tokens) | set(passage.context_facts.tokens)
                      for passage in self._passages]

    @property
    def size(self) -> int:
        return len(self._passages)

    def check(self, sentence: str, *, chunk_ids: Iterable[str] | None = None) -> ClaimVerdict:
        """The verdict on one sentence; with `chunk_ids`, only those chunks may support it."""
        claim = facts(sentence)
        text = plain(sentence)
        allowed = self._allowed(chunk_ids)
        if not claim.content and not claim.numbers:
            return ClaimVerdict(text, Verdict.NOT_SUPPORTED, 0.0, None, None,
                                "the sentence says nothing the source could support")
        if not allowed.any():
            return ClaimVerdict(text, Verdict.NOT_SUPPORTED, 0.0, None, None,
                                "no passage of the cited chunks to compare with")
        similarity = self._vectors @ self._embedder.embed([text])[0]
        readings = self._readings(claim, similarity=similarity, allowed=allowed)
        return _verdict(text, readings)

    def _allowed(self, chunk_ids: Iterable[str] | None) -> np.ndarray:
        if chunk_ids is None:
            return np.ones(len(self._passages), dtype=bool)
        return np.isin(self._chunk_ids, list(chunk_ids))

    def _readings(self, claim: SentenceFacts, *, similarity: np.ndarray,
                  allowed: np.ndarray) -> list[_Reading]:
        wanted = set(claim.content) | claim.numbers
        coverage = np.array([len(wanted & said) / max(len(wanted), 1) for said in self._said])
        rank = _COVERAGE_WEIGHT * coverage + (1 - _COVERAGE_WEIGHT) * np.maximum(similarity, 0)
        rank = np.where(allowed, rank, -1.0)
        best = np.argsort(-rank, kind="stable")[:_CANDIDATES]
        return [self._reading(claim, index=int(index), similarity=float(similarity[index]),
                              coverage=float(coverage[index]))
                for index in best if allowed[index]]

    def _reading(self, claim: SentenceFacts, *, index: int, similarity: float,
                 coverage: float) -> _Reading:
        passage = self._passages[index]
        said = self._said[index]
        missing = tuple(word for word in claim.sequence if word not in said)
        conflict = (_number_conflict(claim, passage) or _negation_conflict(claim, passage)
                    or _opposite_conflict(claim, passage)
                    or _contrast_conflict(claim, passage, self._contrasts)
                    or _crossed(claim, passage))
        return _Reading(passage=passage, coverage=coverage, similarity=similarity,
                        missing=tuple(dict.fromkeys(missing)), conflict=conflict,
                        gap=_gap(claim, passage, said=said))


def check_claims(sentences: Sequence[str], chunks: Iterable[ChunkLike], *,
                 embedder: Embedder) -> list[ClaimVerdict]:
    """Each sentence judged against all the chunks: supported, not supported or contradicted."""
    index = PassageIndex(chunks, embedder=embedder)
    return [index.check(sentence) for sentence in sentences]


def _verdict(text: str, readings: list[_Reading]) -> ClaimVerdict:
    aligned_objections = [reading for reading in readings
                          if (reading.conflict is not None or reading.gap is not None)
                          and reading.coverage >= SUPPORTED_COVERAGE]
    # joined sentences cannot support what one of them, read alone, contradicts or says
    # otherwise (the sentence took its subject from one and its predicate from the other)
    supporting = [reading for reading in readings if reading.supports and not any(
        other.passage.chunk_id == reading.passage.chunk_id and other is not reading
        and other.passage.text in reading.passage.text for other in aligned_objections)]
    if supporting:
        best = max(supporting, key=lambda reading: reading.score)
        return ClaimVerdict(text, Verdict.SUPPORTED, best.score, best.passage.chunk_id,
                            best.passage.text, "the passage says the same")
    conflicting = [reading for reading in readings if reading.conflict is not None
                   and reading.coverage >= ALIGNED_COVERAGE]
    if conflicting:
        best = max(conflicting, key=lambda reading: reading.score)
        return ClaimVerdict(text, Verdict.CONTRADICTED, best.score, best.passage.chunk_id,
                            best.passage.text, best.conflict or "")
    if not readings:
        return ClaimVerdict(text, Verdict.NOT_SUPPORTED, 0.0, None, None, "no passage to compare")
    best = max(readings, key=lambda reading: reading.score)
    if best.gap is not None and best.coverage >= ALIGNED_COVERAGE:
        reason = best.gap
    elif best.coverage < SUPPORTED_COVERAGE:
        reason = (f"the closest passage lacks {', '.join(best.missing[:6])} "
                  f"({best.coverage:.0%} of the sentence's words are there)")
    else:
        reason = f"the closest passage is about something else (similarity {best.similarity:.2f})"
    return ClaimVerdict(text, Verdict.NOT_SUPPORTED, best.score, best.passage.chunk_id,
                        best.passage.text, reason)


def _number_conflict(claim: SentenceFacts, passage: Passage) -> str | None:
    missing = sorted(claim.numbers - passage.facts.numbers - passage.context_facts.numbers)
    if not missing:
        return None
    said = sorted(passage.facts.numbers)
    if said:
        return f"the passage says {', '.join(said[:5])}, not {', '.join(missing)}"
    return f"the passage does not say {', '.join(missing)}"


def _negation_conflict(claim: SentenceFacts, passage: Passage) -> str | None:
    """A word the sentence negates that the passage only affirms, or the other way round; a
    passage of several sentences is read sentence by sentence."""
    for said in passage.parts or (passage.facts,):
        for word in claim.content:
            if word in claim.negated_first and word not in claim.affirmed \
                    and word in said.affirmed and word not in said.negated:
                return f"the sentence negates {word!r}; the passage affirms it"
            # a sentence with negations of its own is compared on what it negates, above
            if not claim.negations and word in said.negated and word not in said.affirmed:
                return f"the passage negates {word!r}; the sentence affirms it"
    return None


def _opposite_conflict(claim: SentenceFacts, passage: Passage) -> str | None:
    claimed = set(claim.tokens)
    said = set(passage.facts.tokens)
    around = said | set(passage.context_facts.tokens)
    for group in OPPOSITES:
        claim_terms = (group & claimed) - around
        passage_terms = (group & said) - claimed
        if claim_terms and passage_terms:
            return (f"the sentence says {', '.join(sorted(claim_terms))} where the passage says "
                    f"{', '.join(sorted(passage_terms))}")
    return None


def _contrast_conflict(claim: SentenceFacts, passage: Passage,
                       contrasts: list[frozenset[tuple[str, ...]]]) -> str | None:
    claimed = set(claim.content)
    said = set(passage.facts.content) | set(passage.context_facts.content)
    for group in contrasts:
        claim_terms = {term for term in group if set(term) <= claimed and not set(term) <= said}
        passage_terms = {term for term in group if set(term) <= said and not set(term) <= claimed}
        if claim_terms and passage_terms:
            return (f"the sentence says {_phrase(claim_terms)} where the passage says "
                    f"{_phrase(passage_terms)}")
    return None


def _crossed(claim: SentenceFacts, passage: Passage) -> str | None:
    """Two pairs swapped: the passage says "a x, b y", the sentence "a y, b x"."""
    ours = set(zip(claim.sequence, claim.sequence[1:], strict=False))
    theirs = set(zip(passage.facts.sequence, passage.facts.sequence[1:], strict=False))
    for first, second in ours - theirs:
        for other_first, other_second in theirs:
            if other_first == first and other_second != second and \
                    (_swap_partner(theirs, ours, second=second, first=first,
                                   other_second=other_second)):
                return (f"the sentence pairs {first} with {second}; the passage pairs it "
                        f"with {other_second}")
    return None


def _swap_partner(theirs: set[tuple[str, str]], ours: set[tuple[str, str]], *, second: str,
                  first: str, other_second: str) -> bool:
    return any(partner_second == second and partner_first != first
               and (partner_first, other_second) in ours
               for partner_first, partner_second in theirs)


def _gap(claim: SentenceFacts, passage: Passage, *, said: set[str]) -> str | None:
    """Words of the sentence missing where the passage, between the same neighbours, says other
    words ("calls the *customer*" against "calls the *driver*") or nothing at all."""
    ours = claim.sequence
    theirs = passage.facts.sequence
    clauses = passage.facts.clauses
    wanted = set(ours)
    places: dict[str, list[int]] = {}
    for position, word in enumerate(theirs):
        places.setdefault(word, []).append(position)
    index = 0
    while index < len(ours):
        if ours[index] in said:
            index += 1
            continue
        end = index
        while end < len(ours) and ours[end] not in said:
            end += 1
        run = " ".join(ours[index:end])
        left = places.get(ours[index - 1], []) if index else []
        right = places.get(ours[end], []) if end < len(ours) else []
        if left and right:
            # within one clause of the passage: "late, Tidewell-caused; 15%" is no slot
            spans = [theirs[start + 1:stop] for start in left for stop in right
                     if 0 <= stop - start - 1 <= _GAP_WORDS
                     and clauses[start] == clauses[stop]]
        elif left and end == len(ours):  # the sentence's last words
            spans = [theirs[start + 1:start + 2] for start in left if start + 1 < len(theirs)]
        else:
            spans = []
        for span in spans:
            if span and not set(span) & wanted:
                return f"the passage says {' '.join(span)!r} where the sentence says {run!r}"
            if not span and end - index > 1:
                return f"the passage does not say {run!r}"
        index = end
    return None


def _phrase(terms: set[tuple[str, ...]]) -> str:
    return ", ".join(sorted(" ".join(term) for term in terms))
