"""Which source a need can be taught from: the one sharing the most distinctive words with it.

Words every source uses ("customer", "policy") count for little; a need's skill or KPI words that
one source uses and others do not decide it. No source scores enough: the need waits for one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from learnloop.domain.content.sentences import words

__all__ = ["SourceMatch", "match_source"]

_MIN_SCORE = 1.5  # at least two distinctive words, or one rare word used often
_COMMON_TEXT = """the and for with from that this into your their about what when have
need needs team teams skill skills rate time score level gap training learn learning"""
_COMMON = frozenset(_COMMON_TEXT.split())


@dataclass(frozen=True, slots=True)
class SourceMatch:
    key: str
    score: float
    shared: tuple[str, ...]  # the need's words the source uses, most telling first


def match_source(need_text: str, sources: dict[str, str], *,
                 titles: dict[str, str] | None = None) -> SourceMatch | None:
    """The best source (key → text) for a need described by `need_text`, or None. A need's word
    in a source's title (`titles`, key → title) weighs as much as using it often."""
    wanted = {word for word in words(re.sub(r"[_.:/-]", " ", need_text))
              if len(word) > 2 and word not in _COMMON and not word.isdigit()}
    if not wanted or not sources:
        return None
    counts = {key: Counter(words(text)) for key, text in sources.items()}
    spread = {word: sum(word in counted for counted in counts.values()) for word in wanted}
    best: SourceMatch | None = None
    for key, counted in counts.items():
        titled = set(words((titles or {}).get(key, "")))
        weights = {word: (math.log1p(counted[word]) + (2.0 if word in titled else 0.0))
                   * math.log(1 + len(sources) / spread[word])
                   for word in wanted if counted[word]}
        score = sum(weights.values())
        if best is None or score > best.score:
            best = SourceMatch(key=key, score=round(score, 3), shared=tuple(
                sorted(weights, key=lambda word: -weights[word])))
    return best if best is not None and best.score >= _MIN_SCORE else None
