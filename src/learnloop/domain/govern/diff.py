"""What changed between two versions of a component: its text, item by item, word by word.

Bodies are read as lines "path: text" (title, sentences[2].text, questions[0].options[1] …;
citations are where a text comes from, not what a learner reads, so they are left out) and
aligned with difflib, so an inserted item shows as added rather than every later item changed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["BodyChange", "WordChange", "body_lines", "diff_bodies", "unified_diff"]

_NOT_TEXT = frozenset({"citations", "citation", "kind", "answer", "format", "language",
                       "base_kind", "points"})


@dataclass(frozen=True, slots=True)
class WordChange:
    op: str  # same | added | removed
    text: str


@dataclass(frozen=True, slots=True)
class BodyChange:
    change: str  # changed | added | removed
    path: str
    before: str | None
    after: str | None
    words: tuple[WordChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"change": self.change, "path": self.path, "before": self.before,
                "after": self.after,
                "words": [{"op": word.op, "text": word.text} for word in self.words]}


def body_lines(body: Any, path: str = "") -> list[tuple[str, str]]:
    """Every text a reader sees in a body, with where it sits."""
    if isinstance(body, dict):
        return [line for key, value in body.items() if key not in _NOT_TEXT
                for line in body_lines(value, f"{path}.{key}" if path else key)]
    if isinstance(body, list):
        return [line for index, value in enumerate(body)
                for line in body_lines(value, f"{path}[{index}]")]
    if isinstance(body, str):
        return [(path, body)]
    return []


def diff_bodies(before: dict[str, Any] | None, after: dict[str, Any]) -> list[BodyChange]:
    """The changed, added and removed texts from `before` to `after` (all added without one)."""
    old, new = body_lines(before or {}), body_lines(after)
    matcher = difflib.SequenceMatcher(a=[text for _, text in old], b=[text for _, text in new],
                                      autojunk=False)
    changes: list[BodyChange] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(a2 - a1, b2 - b1) if op == "replace" else 0
        for offset in range(pairs):
            (_, was), (where, now) = old[a1 + offset], new[b1 + offset]
            changes.append(BodyChange("changed", where, was, now, _word_diff(was, now)))
        changes += [BodyChange("removed", where, text, None)
                    for where, text in old[a1 + pairs:a2]]
        changes += [BodyChange("added", where, None, text) for where, text in new[b1 + pairs:b2]]
    return changes


def unified_diff(before: dict[str, Any] | None, after: dict[str, Any], *,
                 labels: tuple[str, str] = ("published", "draft")) -> str:
    lines = lambda body: [f"{where}: {text}" for where, text in body_lines(body or {})]  # noqa: E731
    return "\n".join(difflib.unified_diff(lines(before), lines(after), fromfile=labels[0],
                                          tofile=labels[1], lineterm="", n=0))


def _word_diff(before: str, after: str) -> tuple[WordChange, ...]:
    old, new = re.findall(r"\S+|\s+", before), re.findall(r"\S+|\s+", after)
    out: list[WordChange] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new,
                                                      autojunk=False).get_opcodes():
        if op == "equal":
            out.append(WordChange("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            out.append(WordChange("removed", "".join(old[a1:a2])))
        if b2 > b1:
            out.append(WordChange("added", "".join(new[b1:b2])))
    return tuple(out)
