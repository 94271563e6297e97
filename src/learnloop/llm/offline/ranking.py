"""Ranking source sentences by how central and how informative they are, NumPy only.

Centrality is TF-IDF cosine similarity to the rest of the source; rules, numbers and the
need's own words add to it; chit-chat, questions and very short or long sentences lose.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from learnloop.llm.offline.passages import Passage

__all__ = ["RULE_WORDS", "STOPWORDS", "rank", "select", "similarity_matrix"]

_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be
because been before being below between both but by can could did do does doing down during each
few for from further had has have having he her here hers him his how i if in into is it its
itself just me more most my no nor not of off on once only or other our ours out over own same she
should so some such than that the their theirs them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you
your yours one two three yes ok okay well so really thing things lot get got"""
_RULE_TEXT = """must never always only may not cannot required requires within up limit limits
approve approval apply applies deadline before after unless except if when"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
RULE_WORDS = frozenset(_RULE_TEXT.split())
_CHATTER = re.compile(r"^(thank|thanks|yes|no|okay|ok|right|so|well|and|but|good|great|exactly)"
                      r"\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d")
# a sentence leaning on the one before ("If not, …", "This means …") is unclear on its own
_LEANING = re.compile(r"^(if not|if so|this|that|these|those|it|they|then|otherwise|also|"
                      r"here|there)\b", re.IGNORECASE)


def similarity_matrix(items: list[Passage]) -> np.ndarray:
    """Cosine similarity of the passages' TF-IDF vectors (content words only)."""
    if not items:
        return np.zeros((0, 0))
    documents = [[word for word in item.words if word not in STOPWORDS] for item in items]
    vocabulary = {word: index for index, word in
                  enumerate(sorted({word for document in documents for word in document}))}
    counts = np.zeros((len(items), max(len(vocabulary), 1)))
    for row, document in enumerate(documents):
        for word, count in Counter(document).items():
            counts[row, vocabulary[word]] = count
    frequency = (counts > 0).sum(axis=0)
    weights = counts * np.log((1 + len(items)) / (1 + frequency))
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    unit = np.divide(weights, norms, out=np.zeros_like(weights), where=norms > 0)
    return unit @ unit.T


def rank(items: list[Passage], *, focus: frozenset[str] = frozenset(),
         similarity: np.ndarray | None = None) -> np.ndarray:
    """A score per passage: higher is a better sentence to teach from."""
    if not items:
        return np.zeros(0)
    matrix = similarity_matrix(items) if similarity is None else similarity
    centrality = (matrix.sum(axis=1) - 1.0) / max(len(items) - 1, 1)
    centrality = centrality / (centrality.max() or 1.0)
    bonus = np.array([_bonus(item, focus=focus) for item in items])
    return centrality + bonus


def select(items: list[Passage], scores: np.ndarray, *, count: int,
           similarity: np.ndarray | None = None, per_heading: int = 2,
           redundancy: float = 0.5) -> list[int]:
    """Indices of the best `count` passages, skipping near-repeats and crowded sections."""
    if not items:
        return []
    matrix = similarity_matrix(items) if similarity is None else similarity
    chosen: list[int] = []
    per: Counter[str] = Counter()
    # a transcript has one heading: spread the choice over its passages instead
    by_heading = len({item.chunk.heading for item in items}) >= 4
    for index in np.argsort(-scores, kind="stable"):
        index = int(index)
        heading = items[index].chunk.heading if by_heading else items[index].chunk.id
        if per[heading] >= per_heading:
            continue
        if any(matrix[index, other] > redundancy for other in chosen):
            continue
        chosen.append(index)
        per[heading] += 1
        if len(chosen) == count:
            break
    return chosen


def _bonus(item: Passage, *, focus: frozenset[str]) -> float:
    words = item.words
    length = len(words)
    score = 0.0
    if length < 6 or length > 55:
        score -= 0.6
    elif 10 <= length <= 35:
        score += 0.15
    if item.text.endswith("?") or _CHATTER.match(item.text):
        score -= 0.8
    if _LEANING.match(item.text):
        score -= 0.35
    if item.text.endswith(":"):
        score -= 0.5
    if " I " in f" {item.text} " or "you know" in item.text.lower():
        score -= 0.25  # an interviewee's aside teaches less than a stated rule
    if _NUMBER.search(item.text):
        score += 0.2
    score += 0.1 * min(sum(word in RULE_WORDS for word in words), 3)
    if focus:
        overlap = len(focus.intersection(words))
        score += 0.6 * math.log1p(overlap)
    if item.row:
        score -= 0.2  # a table row reads less well than a sentence
    return score
