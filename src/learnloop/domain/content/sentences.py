"""Splitting source text into sentences without breaking numbers, abbreviations or legal names.

Every engine and check cites and compares whole sentences, so they must split the same way.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "words"]

# Words after which a full stop does not end a sentence ("e.g.", "B.V.", "No. 5", "z o.o.").
_ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "vs", "no", "nr", "mr", "mrs", "ms", "dr", "prof", "st", "approx",
    "fig", "sec", "incl", "ltd", "inc", "co", "corp", "dept", "b.v", "o.o", "sp", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "min", "max", "cf",
    "al", "p", "pp", "art", "ca", "u.s", "u.k",
})
_CANDIDATE = re.compile(r"([.!?]+)([\"'”’)\]*_]*)(\s+)(?=[\"'“‘(\[*_]*[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-.,/%]*[A-Za-z0-9%]|[A-Za-z0-9]")


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` in order, each stripped; list items and lines stay apart."""
    found: list[str] = []
    for line in _lines(text):
        found.extend(_split_line(line))
    return [sentence for sentence in found if sentence]


def words(text: str) -> list[str]:
    """Lower-cased words and numbers (with their decimal points and thousands commas)."""
    return [match.group(0).lower().rstrip(".,") for match in _WORD.finditer(text)]


def _lines(text: str) -> list[str]:
    """Blank lines, list items and table rows end a sentence even without a full stop."""
    lines: list[str] = []
    paragraph: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        starts_item = bool(re.match(r"^([-*+•]|\d+[.)]|\|)\s*", line))
        if (not line or starts_item) and paragraph:
            lines.append(" ".join(paragraph))
            paragraph = []
        if line:
            paragraph.append(line)
            if line.startswith("|"):
                lines.append(" ".join(paragraph))
                paragraph = []
    if paragraph:
        lines.append(" ".join(paragraph))
    return lines


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(line):
        before = line[start:match.start()]
        last = before.rsplit(None, 1)[-1] if before.split() else ""
        token = last.lstrip("\"'“‘([*_").lower()
        if match.group(1) == "." and (token in _ABBREVIATIONS or _is_initial(token)):
            continue
        end = match.end(2)
        sentences.append(line[start:end].strip())
        start = match.end()
    sentences.append(line[start:].strip())
    return sentences


def _is_initial(token: str) -> bool:
    """"J." or "A.B." — an initial, not the end of a sentence."""
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", token))
