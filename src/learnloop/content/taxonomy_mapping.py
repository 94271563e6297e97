"""Maps free text (a role description, a source document) to standard-taxonomy skills with the
packaged embedding model; the ranking itself is `domain.taxonomy`.

Embedding ESCO's 13,000 labels takes seconds, so the label vectors are kept in a cache folder
(the workspace's `cache/taxonomy/`), one file per model and exact set of label texts.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from learnloop.content.embedding import load_embedder
from learnloop.domain.taxonomy import phrases, rank_concepts

__all__ = ["Concept", "ConceptIndex", "Suggestion", "taxonomy_cache"]


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


def taxonomy_cache(workspace: Path) -> Path:
    """Where a workspace keeps its taxonomy label vectors."""
    return workspace / "cache" / "taxonomy"


class ConceptIndex:
    """The taxonomy's skills embedded once (label and first alternative labels), then queried;
    with `cache`, the vectors are read from and kept in that folder."""

    def __init__(self, concepts: Sequence[Concept], *, embedder_name: str = "wordllama",
                 cache: Path | None = None) -> None:
        self.concepts = list(concepts)
        self._embedder = load_embedder(embedder_name)
        texts = [_concept_text(c) for c in self.concepts]
        self._vectors = _cached_vectors(self._embedder, texts, cache) if texts else \
            np.zeros((0, 256), dtype=np.float32)

    def suggest(self, text: str, *, top: int = 5) -> list[Suggestion]:
        """The `top` taxonomy skills closest to the text's phrases, best first."""
        parts = phrases(text)
        vectors = self._embedder.embed(parts)
        return [Suggestion(uri=self.concepts[m.index].uri, label=self.concepts[m.index].label,
                           score=m.score, phrase=m.phrase)
                for m in rank_concepts(vectors, self._vectors, phrase_texts=parts, top=top)]


def _cached_vectors(embedder: object, texts: list[str], cache: Path | None) -> np.ndarray:
    """The texts' vectors; from `cache` when it holds them for this model and exactly these
    texts in this order (the key is a hash of both, so a re-import or a new model misses)."""
    embed = embedder.embed  # type: ignore[attr-defined]
    if cache is None:
        return embed(texts)
    digest = hashlib.sha256(str(embedder.name).encode())  # type: ignore[attr-defined]
    for text in texts:
        digest.update(b"\0" + text.encode())
    path = cache / f"{embedder.name}-{digest.hexdigest()[:32]}.npy"  # type: ignore[attr-defined]
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape[0] == len(texts):
            return vectors
    except (OSError, ValueError):
        pass  # not there yet, or unreadable: embed again and rewrite it
    vectors = embed(texts)
    cache.mkdir(parents=True, exist_ok=True)
    # written beside it, then renamed: a reader never sees half a file
    handle, staged = tempfile.mkstemp(dir=cache, suffix=".npy")
    with os.fdopen(handle, "wb") as out:
        np.save(out, vectors, allow_pickle=False)
    os.replace(staged, path)
    return vectors


def _concept_text(concept: Concept) -> str:
    # the preferred label carries the meaning; two alternatives widen the vocabulary a little
    # without letting a long list of near-synonyms drown it
    alternatives = [line.strip() for line in concept.alt_labels.splitlines() if line.strip()][:2]
    return "; ".join([concept.label, *alternatives])
