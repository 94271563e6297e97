"""Maps free text (a role description, a source document) to standard-taxonomy skills with the
packaged embedding model; the ranking itself is `domain.taxonomy`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from learnloop.content.embedding import load_embedder
from learnloop.domain.taxonomy import phrases, rank_concepts

__all__ = ["Concept", "ConceptIndex", "Suggestion"]


@dataclass(frozen=True)
class Concept:
    uri: str
    label: str
    alt_labels: str = ""


@dataclass(frozen=True)
class Suggestion:
    uri: str
    label: str
    score: float
    phrase: str


class ConceptIndex:
    """The taxonomy's skills embedded once (label and first alternative labels), then queried."""

    def __init__(self, concepts: Sequence[Concept], *, embedder_name: str = "wordllama") -> None:
        self.concepts = list(concepts)
        self._embedder = load_embedder(embedder_name)
        self._vectors = self._embedder.embed([_concept_text(c) for c in self.concepts]) \
            if self.concepts else np.zeros((0, 256), dtype=np.float32)

    def suggest(self, text: str, *, top: int = 5) -> list[Suggestion]:
        """The `top` taxonomy skills closest to the text's phrases, best first."""
        parts = phrases(text)
        vectors = self._embedder.embed(parts)
        return [Suggestion(uri=self.concepts[m.index].uri, label=self.concepts[m.index].label,
                           score=m.score, phrase=m.phrase)
                for m in rank_concepts(vectors, self._vectors, phrase_texts=parts, top=top)]


def _concept_text(concept: Concept) -> str:
    # the preferred label carries the meaning; two alternatives widen the vocabulary a little
    # without letting a long list of near-synonyms drown it
    alternatives = [line.strip() for line in concept.alt_labels.splitlines() if line.strip()][:2]
    return "; ".join([concept.label, *alternatives])
