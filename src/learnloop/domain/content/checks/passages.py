"""The passages a claim is compared with: sentences, sentence pairs, list items and table rows.

A table row is read with its column headings ("Band: Chilled; Booked range: +2 °C to +8 °C"), and
the alternatives a table column lists (Chilled, Frozen, CRT) become a contrast set: a claim that
names one where the source names another has swapped a condition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from learnloop.domain.content.checks.text import SentenceFacts, facts, plain
from learnloop.domain.content.sentences import split_sentences

__all__ = ["ChunkLike", "Passage", "contrast_sets", "passages"]

_ITEM = re.compile(r"^\s*([-*+•]|\d+[.)])\s+")
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
_MAX_CONTRAST_WORDS = 4
_SECTION = re.compile(r"^\d+(?:\.\d+)*\.?\s+")


class ChunkLike(Protocol):
    """What the checks read of a chunk (learnloop.domain.content.chunks.Chunk fits)."""

    @property
    def id(self) -> str: ...
    @property
    def heading(self) -> str: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of one chunk a claim may rest on; `context` (its heading, the table's column
    names, a list's lead-in) counts as said but is not quoted."""

    chunk_id: str
    text: str
    context: str
    facts: SentenceFacts  # of the text (a table row's cells without the column names)
    context_facts: SentenceFacts
    joined: bool  # two or more sentences of the chunk read together


def passages(chunks: Iterable[ChunkLike]) -> list[Passage]:
    """Every passage of every chunk, in reading order."""
    found: list[Passage] = []
    for chunk in chunks:
        for piece in _pieces(chunk):
            text = plain(piece.text)
            if text and not text.endswith("?"):  # a question asserts nothing
                found.append(Passage(
                    chunk_id=chunk.id, text=text, context=piece.context,
                    facts=facts(piece.said or text), context_facts=facts(piece.context),
                    joined=piece.joined))
    return found


def contrast_sets(chunks: Iterable[ChunkLike]) -> list[frozenset[tuple[str, ...]]]:
    """Per table column, its distinct short non-numeric cells as stem tuples (two or more)."""
    found: list[frozenset[tuple[str, ...]]] = []
    for chunk in chunks:
        rows = _table_rows(chunk.text)
        if len(rows) < 3:
            continue
        for column in range(len(rows[0])):
            cells = {
                facts(row[column]).content for row in rows[1:]
                if column < len(row) and row[column]
                and len(row[column].split()) <= _MAX_CONTRAST_WORDS
                and not any(character.isdigit() for character in row[column])}
            cells.discard(())
            # "ColdChain Dedicated", "ColdChain Shared": the word they share is no contrast
            shared = set.intersection(*(set(cell) for cell in cells)) if cells else set()
            terms = {tuple(word for word in cell if word not in shared) for cell in cells}
            terms.discard(())
            if len(terms) >= 2:
                found.append(frozenset(terms))
    return found


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    context: str
    said: str = ""  # what the facts are read from when not the text itself
    joined: bool = False


def _pieces(chunk: ChunkLike) -> list[_Piece]:
    """The passages of one chunk with their context."""
    # "7.2 Exclusions": a section number is no fact a claim could rest on
    heading = _SECTION.sub("", plain(chunk.heading))
    lines = [line for line in chunk.text.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith("|") for line in lines[-2:]):
        return _table_pieces(chunk.text, heading=heading)
    if any(_ITEM.match(line) for line in lines):
        return _list_pieces(lines, heading=heading)
    return _sentence_pieces(split_sentences(chunk.text), context=heading)


def _sentence_pieces(sentences: Sequence[str], *, context: str) -> list[_Piece]:
    pieces = [_Piece(sentence, context) for sentence in sentences]
    # a claim may join two neighbouring sentences ("... within 5 days; if paid, refund ...")
    pieces += [_Piece(f"{first} {second}", context, joined=True)
               for first, second in zip(sentences, sentences[1:], strict=False)]
    return pieces


def _list_pieces(lines: list[str], *, heading: str) -> list[_Piece]:
    lead = " ".join(line.strip() for line in lines if not _ITEM.match(line)
                    and not line.lstrip().startswith("|"))
    context = _framed(heading, lead)
    pieces: list[_Piece] = []
    if lead:
        pieces.extend(_sentence_pieces(split_sentences(lead), context=heading))
    for line in lines:
        if _ITEM.match(line):
            item = _ITEM.sub("", line).strip()
            sentences = split_sentences(item)
            pieces.extend(_sentence_pieces(sentences, context=context))
            if len(sentences) > 2:
                pieces.append(_Piece(item, context, joined=True))
    return pieces


def _table_pieces(text: str, *, heading: str) -> list[_Piece]:
    lead = " ".join(line.strip() for line in text.splitlines()
                    if line.strip() and not line.lstrip().startswith("|"))
    rows = _table_rows(text)
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    # the column names frame each row: counted as said, not compared word by word
    context = _framed(heading, lead, ", ".join(cell for cell in header if cell))
    pieces = _sentence_pieces(split_sentences(lead), context=heading) if lead else []
    for row in body:
        cells = [(header[index] if index < len(header) else "", cell)
                 for index, cell in enumerate(row) if cell]
        if cells:
            shown = "; ".join(f"{name}: {cell}" if name else cell for name, cell in cells)
            pieces.append(_Piece(shown + ".", context,
                                 said="; ".join(cell for _, cell in cells) + "."))
            # a cell of several sentences is also read sentence by sentence, under its row
            for _, cell in cells[1:]:
                sentences = split_sentences(cell)
                if len(sentences) > 1:
                    pieces.extend(_sentence_pieces(sentences,
                                                   context=f"{context}. {cells[0][1]}"))
    return pieces


def _framed(heading: str, lead: str, *more: str) -> str:
    """The heading, the lead-in's last sentence ("Credits are a share of the fee:") and more."""
    last = split_sentences(lead)[-1] if lead.strip() else ""
    return ". ".join(part for part in (heading, last, *more) if part)


def _table_rows(text: str) -> list[list[str]]:
    rows = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    return [[plain(cell) for cell in row.strip("|").split("|")]
            for row in rows if not _SEPARATOR.match(row)]
