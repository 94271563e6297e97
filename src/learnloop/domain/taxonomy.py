"""Ranks standard-taxonomy skills for a free text: the text split into phrases, each concept
scored by its best cosine similarity to any phrase (vectors are unit length)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["Match", "phrases", "rank_concepts"]

# a role description lists duties in sentences, bullets and clauses: each is matched on its own
_SPLIT = re.compile(r"[\n.;:•·\u2022!?]+|,\s+|\s+(?:and|or|as well as|including)\s+", re.I)
_MIN_WORDS = 2


@dataclass(frozen=True)
class Match:
    index: int  # the concept's position in the vectors ranked
    score: float  # cosine similarity of the best-matching phrase, -1..1
    phrase: str  # the phrase of the text that matched best


def phrases(text: str) -> list[str]:
    """The text's sentences and clauses (two words or more), then the whole text."""
    parts = [" ".join(part.split()) for part in _SPLIT.split(text)]
    kept = [part for part in parts if len(part.split()) >= _MIN_WORDS]
    whole = " ".join(text.split())
    return list(dict.fromkeys(kept + ([whole] if whole else [])))


def rank_concepts(phrase_vectors: np.ndarray, concept_vectors: np.ndarray, *,
                  phrase_texts: list[str], top: int) -> list[Match]:
    """The `top` concepts whose vector is closest to any phrase's, best first (ties by index)."""
    if len(phrase_vectors) == 0 or len(concept_vectors) == 0 or top <= 0:
        return []
    similarity = concept_vectors @ phrase_vectors.T  # concepts × phrases
    best_phrase = similarity.argmax(axis=1)
    best = similarity[np.arange(len(similarity)), best_phrase]
    order = np.lexsort((np.arange(len(best)), -best))[:top]
    return [Match(index=int(i), score=float(best[i]), phrase=phrase_texts[int(best_phrase[i])])
            for i in order]
