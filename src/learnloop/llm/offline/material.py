"""What the offline engine reads once per request: the passages, their similarity and scores.

Every offline writer (reading, procedures, questions, scenarios) takes a Material.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from learnloop.domain.content.chunks import Chunk
from learnloop.domain.content.sentences import words
from learnloop.llm.engine import NeedBrief
from learnloop.llm.offline.passages import Passage, passages
from learnloop.llm.offline.ranking import STOPWORDS, rank, similarity_matrix

__all__ = ["Material", "material"]


@dataclass(frozen=True)
class Material:
    title: str
    items: list[Passage]
    scores: np.ndarray
    similarity: np.ndarray
    need: NeedBrief | None

    @property
    def topic(self) -> str:
        """What the component is about, in the reader's words: the need, else the source."""
        return self.need.title if self.need is not None else self.title

    def best(self, indices: list[int] | None = None) -> list[int]:
        """Indices (all, or the given ones) from the highest score down."""
        pool = list(range(len(self.items))) if indices is None else indices
        return sorted(pool, key=lambda index: (-self.scores[index], index))


def material(*, title: str, chunks: tuple[Chunk, ...], need: NeedBrief | None) -> Material:
    items = passages(chunks)
    similarity = similarity_matrix(items)
    focus = frozenset()
    if need is not None:
        text = " ".join(filter(None, [need.title, need.skill_key, need.kpi_metric, need.reason]))
        wanted = {word for word in words(re.sub(r"[_.:-]", " ", text))
                  if word not in STOPWORDS and len(word) > 2}
        # a word most sentences share ("credit" in a credit policy) steers nothing
        spread = {word: sum(word in item.words for item in items) for word in wanted}
        focus = frozenset(word for word, count in spread.items()
                          if 0 < count <= max(3, len(items) // 4))
    return Material(title=title, items=items, scores=rank(items, focus=focus,
                                                          similarity=similarity),
                    similarity=similarity, need=need)
