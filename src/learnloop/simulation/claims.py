"""Seeded drafts with known truth, to measure the claim checker beyond hand-written statements.

From a source's own sentences: the sentence as written (true), with one number changed, and
with a negation added or removed. The mutations are mechanical, so they do not lean on the
checker's own word lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from learnloop.domain.content.checks.text import NEGATIONS, plain
from learnloop.domain.content.chunks import chunk_source
from learnloop.domain.content.sentences import split_sentences

__all__ = ["SimulatedClaim", "simulate_claims"]

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_AUXILIARY = re.compile(r"\b(is|are|was|were|can|may|must|should|will|does|do)\b(?! not\b)")
_NEGATED = re.compile(r"\b(is|are|was|were|can|may|must|should|will|does|do) not\b")
_MIN_WORDS = 6
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True, slots=True)
class SimulatedClaim:
    family: str  # true | number | negation
    sentence: str
    original: str  # the source sentence it was made from


def simulate_claims(text: str, *, seed: int, per_family: int = 30) -> list[SimulatedClaim]:
    """Up to `per_family` claims of each family from `text`, chosen with `seed`."""
    random = np.random.default_rng(seed)
    sentences = _sentences(text)
    made: list[SimulatedClaim] = []
    for family, candidates, mutate in (
            ("true", sentences, lambda sentence: sentence),
            ("number", [s for s in sentences if _NUMBER.search(s)],
             lambda sentence: _change_number(sentence, random)),
            ("negation", [s for s in sentences if _flippable(s)], _flip_negation)):
        order = random.permutation(len(candidates))[:per_family]
        made.extend(SimulatedClaim(family, mutate(candidates[index]), candidates[index])
                    for index in order)
    return made


def _sentences(text: str) -> list[str]:
    """Plain sentences of the source's paragraphs and list items (tables left out), long
    enough to claim something."""
    found: list[str] = []
    for chunk in chunk_source(text, source_key="simulated", version=1):
        if chunk.block == "table":
            continue
        for line in chunk.text.splitlines():
            for sentence in split_sentences(_ITEM.sub("", line)):
                sentence = plain(sentence)
                if len(sentence.split()) >= _MIN_WORDS and not sentence.endswith((":", "?")):
                    found.append(sentence)
    return found


def _change_number(sentence: str, random: np.random.Generator) -> str:
    matches = list(_NUMBER.finditer(sentence))
    match = matches[int(random.integers(len(matches)))]
    value = float(match.group(0).replace(",", ""))
    changed = value + int(random.choice([-3, -2, -1, 1, 2, 3, 5, 10])) * max(1, round(value / 5))
    if changed == value or changed < 0:
        changed = value + 1
    written = f"{changed:g}" if "." in match.group(0) else str(int(changed))
    return sentence[:match.start()] + written + sentence[match.end():]


def _flippable(sentence: str) -> bool:
    """One negation to remove, or none and an auxiliary to negate (no double negatives)."""
    negations = sum(word in NEGATIONS for word in re.findall(r"[a-z']+", sentence.lower()))
    return (negations == 1 and bool(_NEGATED.search(sentence))) or (
        negations == 0 and bool(_AUXILIARY.search(sentence)))


def _flip_negation(sentence: str) -> str:
    if _NEGATED.search(sentence):
        return _NEGATED.sub(lambda match: match.group(1), sentence, count=1)
    return _AUXILIARY.sub(lambda match: f"{match.group(1)} not", sentence, count=1)
