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

from learnloop.domain.content.checks.conflicts import conflict, gap
from learnloop.domain.content.checks.passages import ChunkLike, Passage, contrast_sets, passages
from learnloop.domain.content.checks.text import SentenceFacts, facts, plain

__all__ = ["ClaimVerdict", "Embedder", "PassageIndex", "Verdict", "check_claims"]

# thresholds, measured on tests/data/claims/statements.csv (benchmarks/claim_checker.py)
SUPPORTED_COVERAGE = 0.8  # share of a claim's content words the passage (or its context) has
SUPPORTED_SIMILARITY = 0.35  # sentence-embedding cosine between claim and passage
CLOSE_COVERAGE = 0.7  # or, for one sentence that reads this alike (cosine), this share
CLOSE_SIMILARITY = 0.5
ALIGNED_COVERAGE = 0.5  # a passage this close is what a conflicting claim talks about
_COVERAGE_WEIGHT = 0.65  # of the ranking score; the rest is the embedding cosine
_CANDIDATES = 8
_DECIDING_MARGIN = 0.0  # how much closer a contradicting passage must be than a supporting one


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
                ) or (not self.passage.joined and self.coverage >= CLOSE_COVERAGE
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
        return _Reading(passage=passage, coverage=coverage, similarity=similarity,
                        missing=tuple(dict.fromkeys(missing)),
                        conflict=conflict(claim, passage, contrasts=self._contrasts),
                        gap=gap(claim, passage, said=said))


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
    conflicting = [reading for reading in readings if reading.conflict is not None
                   and reading.coverage >= ALIGNED_COVERAGE]
    if supporting:
        best = max(supporting, key=lambda reading: reading.score)
        # the passage that says most nearly the same decides: a looser passage elsewhere does
        # not rescue a sentence its own passage contradicts
        if not any(reading.conflict is not None and reading.coverage >= SUPPORTED_COVERAGE
                   and reading.score > best.score + _DECIDING_MARGIN for reading in conflicting):
            return ClaimVerdict(text, Verdict.SUPPORTED, best.score, best.passage.chunk_id,
                                best.passage.text, "the passage says the same")
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
