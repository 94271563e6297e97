"""Source sentences as the offline engine handles them: clean text, verbatim quote, chunk.

The engine only ever copies whole source sentences, so every item it writes is the source's
own words (numbers, negations and conditions included) and cites the passage it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from learnloop.domain.content.checks.hostile import addressed_to_ai
from learnloop.domain.content.chunks import Chunk
from learnloop.domain.content.components import Citation
from learnloop.domain.content.sentences import split_sentences, words

__all__ = ["Passage", "clean", "passages"]

# "**DK:** Nine times out of ten" — a transcript's speaker label (bold, or a few capitals)
_SPEAKER = re.compile(r"^\s*[A-Z]{1,4}:\s+")  # read after emphasis is gone
_MARKER = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence (or list item, or table row) of one chunk."""

    text: str  # what a component shows: the sentence without Markdown marks
    quote: str  # the sentence exactly as the chunk has it
    chunk: Chunk
    order: int  # reading order across the source
    item: bool  # a list item
    numbered: bool  # an item of a numbered list
    header: str | None = None  # a table row's header line, which names its cells

    @property
    def row(self) -> bool:
        """A table row made into a sentence."""
        return self.header is not None

    @property
    def citation(self) -> Citation:
        return Citation(chunk_id=self.chunk.id, quote=self.quote)

    @property
    def citations(self) -> list[Citation]:
        """The sentence's quote; a table row's also the header line its cells are named by."""
        if self.header is None:
            return [self.citation]
        return [Citation(chunk_id=self.chunk.id, quote=self.header), self.citation]

    @property
    def words(self) -> list[str]:
        return words(self.text)


def clean(text: str) -> str:
    """A source sentence without list marks, speaker labels, link targets or emphasis."""
    text = _MARKER.sub("", text, count=1)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = _SPEAKER.sub("", text, count=1)
    return " ".join(text.split())


def passages(chunks: tuple[Chunk, ...] | list[Chunk]) -> list[Passage]:
    """Every usable sentence of the chunks in reading order; AI-addressed text is left out."""
    found: list[Passage] = []
    for chunk in chunks:
        if chunk.block == "table":
            found.extend(_rows(chunk, start=len(found)))
            continue
        for sentence in split_sentences(chunk.text):
            text = clean(sentence)
            if len(words(text)) < 3 or addressed_to_ai(sentence):  # never content
                continue
            marker = _MARKER.match(sentence)
            found.append(Passage(
                text=text, quote=sentence if sentence in chunk.text else text, chunk=chunk,
                order=len(found), item=marker is not None,
                numbered=bool(marker and marker.group(0).strip()[0].isdigit())))
    return found


def _rows(chunk: Chunk, *, start: int) -> list[Passage]:
    """A table row as "First cell — header two: value; header three: value." quoting the row."""
    lines = [line for line in chunk.text.splitlines() if line.startswith("|")]
    cells = [[clean(cell) for cell in line.strip().strip("|").split("|")] for line in lines]
    if len(cells) < 3 or not set("".join(lines[1])) <= set("|-: "):
        return []
    header = cells[0]
    rows: list[Passage] = []
    for line, row in zip(lines[2:], cells[2:], strict=True):
        if len(row) != len(header) or not row[0] or addressed_to_ai(line):
            continue
        values = [f"{name}: {value}" if name else value
                  for name, value in zip(header[1:], row[1:], strict=True) if value]
        if not values:
            continue
        text = f"{row[0]} — {'; '.join(values)}"
        text = text if text[-1] in ".!?" else f"{text}."
        rows.append(Passage(text=text, quote=line.strip(), chunk=chunk, order=start + len(rows),
                            item=False, numbered=False, header=lines[0].strip()))
    return rows
