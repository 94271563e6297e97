"""Citations a model wrote, held to the source: each must name a given chunk and quote it word
for word. A near-miss is repaired to the chunk's exact words; what cannot be found is dropped.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from learnloop.domain.content.chunks import Chunk
from learnloop.errors import ProviderError

__all__ = ["Grounded", "ground_citations", "locate"]

B = TypeVar("B", bound=BaseModel)

_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                       "\u00a0": " "})
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_NEAR = 0.85  # share of a quote that must match a passage, in order, for a repair
_SHORTEST = 12  # characters: a shorter fragment proves nothing


@dataclass(frozen=True, slots=True)
class Grounded:
    """The body with its citations held to the source, and what was repaired or dropped."""

    body: BaseModel
    repaired: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def _normalised(text: str) -> tuple[str, list[int]]:
    """Case-, quote-mark- and whitespace-folded text, with each character's original index."""
    chars: list[str] = []
    index: list[int] = []
    space = True
    for i, char in enumerate(text.translate(_FOLD)):
        if char.isspace():
            if space:
                continue
            char, space = " ", True
        else:
            space = False
        for folded in char.casefold():
            chars.append(folded)
            index.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), index


def _span(text: str, index: list[int], start: int, length: int) -> str:
    return text[index[start]:index[start + length - 1] + 1]


def locate(quote: str, text: str, *, near: bool = False) -> str | None:
    """The passage of `text` that `quote` stands for, in the text's own words: found exactly
    (ignoring case, curly quotes and spacing), or with `near`, the longest unbroken part of
    the quote when it holds most of it (a model that dropped or changed a word)."""
    # a quote with an ellipsis stands for its longest piece
    piece = max(_ELLIPSIS.split(quote.strip().strip("\"'“”")), key=len).strip()
    wanted, _ = _normalised(piece)
    if len(wanted) < min(_SHORTEST, len(_normalised(text)[0])) or not wanted:
        return None
    haystack, index = _normalised(text)
    found = haystack.find(wanted)
    if found >= 0:
        return _span(text, index, found, len(wanted))
    if not near:
        return None
    anchor = difflib.SequenceMatcher(None, wanted, haystack, autojunk=False).find_longest_match(
        0, len(wanted), 0, len(haystack))
    if anchor.size < _SHORTEST:
        return None
    # align the whole quote around its longest unbroken part: a changed or dropped word in the
    # middle still leaves most of it matching, in order
    slack = len(wanted) // 5 + 5
    low = max(anchor.b - anchor.a - slack, 0)
    high = min(anchor.b + len(wanted) - anchor.a + slack, len(haystack))
    blocks = [b for b in difflib.SequenceMatcher(
        None, wanted, haystack[low:high], autojunk=False).get_matching_blocks() if b.size >= 3]
    if not blocks or sum(b.size for b in blocks) < _NEAR * len(wanted):
        return None
    start, end = low + blocks[0].b, low + blocks[-1].b + blocks[-1].size
    # widen to whole words, so a repaired quote never starts or ends inside a word
    while start > 0 and haystack[start - 1].isalnum():
        start -= 1
    while end < len(haystack) and haystack[end].isalnum():
        end += 1
    return _span(text, index, start, end - start).strip()


class _Drop(Exception):
    """The item holding this citation cannot stand without it."""


def ground_citations(body: B, chunks: Iterable[Chunk]) -> Grounded:
    """`body` with every citation checked against `chunks`: the right chunk id and its exact
    words when the quote can be found (in the named chunk first, then any other), the citation
    dropped when not, and an item whose citations are all dropped dropped with them. A body that
    cannot stand without what was dropped is a ProviderError."""
    by_id = {chunk.id: chunk for chunk in chunks}
    repaired: list[str] = []
    dropped: list[str] = []

    def fix(citation: dict[str, Any]) -> dict[str, Any] | None:
        chunk_id, quote = citation.get("chunk_id", ""), citation.get("quote", "")
        named = by_id.get(chunk_id)
        others = [c for c in by_id.values() if c is not named]
        for near in (False, True):
            for chunk in ([named] if named else []) + others:
                passage = locate(quote, chunk.text, near=near)
                if passage is not None:
                    if (chunk.id, passage) != (chunk_id, quote):
                        repaired.append(f"{chunk_id}: {quote[:60]!r} → {chunk.id}: "
                                        f"{passage[:60]!r}")
                    return {"chunk_id": chunk.id, "quote": passage}
        dropped.append(f"{chunk_id}: {quote[:80]!r} is not in the source")
        return None

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            kept = []
            for item in node:
                try:
                    kept.append(walk(item))
                except _Drop:
                    continue
            return kept
        if not isinstance(node, dict):
            return node
        result = {}
        for key, value in node.items():
            if key == "citations":
                fixed = [c for c in (fix(item) for item in value) if c is not None]
                if value and not fixed:
                    raise _Drop
                result[key] = fixed
            elif key == "citation":
                fixed_one = fix(value)
                if fixed_one is None:
                    raise _Drop
                result[key] = fixed_one
            else:
                result[key] = walk(value)
        return result

    try:
        answer = walk(body.model_dump(mode="json"))
        grounded = type(body).model_validate(answer)
    except (_Drop, ValidationError) as error:
        detail = "; ".join(dropped[:5]) or str(error)
        raise ProviderError(
            f"the model's {getattr(body, 'kind', 'answer')} does not stand on the source once "
            f"citations that quote nothing in it are dropped: {detail}") from None
    return Grounded(body=grounded, repaired=repaired, dropped=dropped)
