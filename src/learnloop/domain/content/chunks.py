"""A source version split into chunks with stable ids, and what changed between two versions.

A chunk's id depends only on its source and its text, so unchanged text keeps its id (and the
citations to it) from one version to the next; an edited passage gets a new id.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass

from learnloop.domain.content.sentences import split_sentences

__all__ = ["Chunk", "ChunkDiff", "ChunkEdit", "chunk_source", "diff_chunks"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^([-*+•]|\d+[.)])\s+")
_RULE = re.compile(r"^(-{3,}|\*{3,}|_{3,})$")
_MAX_WORDS = 180  # a longer paragraph is cut at sentence ends: a citation should point close
_EDIT_SIMILARITY = 0.5  # below this an old and a new chunk are a removal and an addition


@dataclass(frozen=True, slots=True)
class Chunk:
    """One passage of one source version: a paragraph, a list, a table or a part of a long one."""

    id: str
    source_key: str
    version: int
    heading: str
    position: int
    text: str
    block: str = "paragraph"  # paragraph | list | table


@dataclass(frozen=True, slots=True)
class ChunkEdit:
    before: Chunk
    after: Chunk


@dataclass(frozen=True, slots=True)
class ChunkDiff:
    added: tuple[Chunk, ...]
    removed: tuple[Chunk, ...]
    edited: tuple[ChunkEdit, ...]
    unchanged: tuple[Chunk, ...]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.edited)

    @property
    def stale_chunk_ids(self) -> frozenset[str]:
        """The old chunks a citation may no longer rely on: removed and edited ones."""
        return frozenset([chunk.id for chunk in self.removed]
                         + [edit.before.id for edit in self.edited])


def chunk_source(text: str, *, source_key: str, version: int) -> tuple[Chunk, ...]:
    """The chunks of a source's text (Markdown or plain), in reading order."""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for heading, block, body in _blocks(text):
        for part in _parts(body, block=block):
            digest = hashlib.sha256(f"{source_key}\0{_normal(part)}".encode()).hexdigest()[:12]
            seen[digest] = seen.get(digest, 0) + 1
            chunk_id = f"c{digest}" if seen[digest] == 1 else f"c{digest}-{seen[digest]}"
            chunks.append(Chunk(id=chunk_id, source_key=source_key, version=version,
                                heading=heading, position=len(chunks), text=part, block=block))
    return tuple(chunks)


def diff_chunks(old: tuple[Chunk, ...] | list[Chunk],
                new: tuple[Chunk, ...] | list[Chunk]) -> ChunkDiff:
    """Unchanged (same id), edited (a new text in the old one's place), added and removed."""
    old_ids = {chunk.id for chunk in old}
    new_ids = {chunk.id for chunk in new}
    unchanged = tuple(chunk for chunk in new if chunk.id in old_ids)
    gone = [chunk for chunk in old if chunk.id not in new_ids]
    fresh = [chunk for chunk in new if chunk.id not in old_ids]
    pairs = sorted(
        ((_similarity(before, after), index_before, index_after)
         for index_before, before in enumerate(gone)
         for index_after, after in enumerate(fresh)),
        reverse=True)
    matched_before: set[int] = set()
    matched_after: set[int] = set()
    edits: list[ChunkEdit] = []
    for score, index_before, index_after in pairs:
        if score < _EDIT_SIMILARITY:
            break
        if index_before in matched_before or index_after in matched_after:
            continue
        matched_before.add(index_before)
        matched_after.add(index_after)
        edits.append(ChunkEdit(before=gone[index_before], after=fresh[index_after]))
    edits.sort(key=lambda edit: edit.after.position)
    return ChunkDiff(
        added=tuple(chunk for index, chunk in enumerate(fresh) if index not in matched_after),
        removed=tuple(chunk for index, chunk in enumerate(gone) if index not in matched_before),
        edited=tuple(edits), unchanged=unchanged)


def _similarity(before: Chunk, after: Chunk) -> float:
    ratio = difflib.SequenceMatcher(None, before.text, after.text, autojunk=False).ratio()
    # the same heading makes "this paragraph was reworded" likelier than a coincidence
    return ratio + (0.1 if before.heading == after.heading else 0.0)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _blocks(text: str) -> list[tuple[str, str, str]]:
    """(heading, block kind, text) for each paragraph, list and table under its heading."""
    blocks: list[tuple[str, str, str]] = []
    heading = ""
    lines: list[str] = []
    kind = "paragraph"

    def close() -> None:
        nonlocal lines, kind
        if lines:
            body = "\n".join(lines) if kind != "paragraph" else " ".join(lines)
            blocks.append((heading, kind, body.strip()))
        lines, kind = [], "paragraph"

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        found = _HEADING.match(stripped)
        if found:
            close()
            heading = _strip_marks(found.group(2))
            continue
        if not stripped or _RULE.match(stripped):
            close()
            continue
        line_kind = ("table" if stripped.startswith("|")
                     else "list" if _ITEM.match(stripped) else None)
        if line_kind == "table":
            if kind != "table":
                close()
                kind = "table"
            lines.append(stripped)
        elif line_kind == "list":
            if kind != "list":
                close()
                kind = "list"
            lines.append(stripped)
        elif kind == "list" and raw[:1].isspace():
            lines[-1] = f"{lines[-1]} {stripped}"  # an item's continuation line
        elif kind != "paragraph":
            close()
            lines.append(stripped)
        else:
            lines.append(stripped)
    close()
    return _join_introductions(blocks)


def _join_introductions(blocks: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """"What changed in version 3.2:" belongs with the list that follows it."""
    joined: list[tuple[str, str, str]] = []
    for heading, kind, body in blocks:
        if (joined and joined[-1][0] == heading and joined[-1][1] == "paragraph"
                and joined[-1][2].endswith(":") and kind in {"list", "table"}):
            joined[-1] = (heading, kind, f"{joined[-1][2]}\n{body}")
        else:
            joined.append((heading, kind, body))
    return joined


def _parts(body: str, *, block: str) -> list[str]:
    if block != "paragraph" or len(body.split()) <= _MAX_WORDS:
        return [body]
    parts: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(body):
        if current and len(" ".join(current + [sentence]).split()) > _MAX_WORDS:
            parts.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        parts.append(" ".join(current))
    return parts


def _strip_marks(text: str) -> str:
    return re.sub(r"[*_`]+", "", text).strip()
