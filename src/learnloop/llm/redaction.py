"""Personal data out before a model call, back in after: names of imported people, their keys,
emails and phone numbers become placeholders such as [PERSON_1], restored in the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from learnloop.domain.org import Person

__all__ = ["Directory", "Redacted", "Redactor", "restore"]

_EMAIL = re.compile(
    r"\b[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# phone numbers as people write them: an international prefix, an area code in brackets, US
# 555-010-4477, or a national number starting with 0; 9 to 15 digits, never across a line. Dates,
# amounts and rows of figures in a table stay as they are.
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{1,5}){1,4}"
    r"|\(\d{2,4}\)[ .-]?\d{3,4}[ .-]?\d{3,4}"
    r"|\d{3}[.-]\d{3}[.-]\d{4}"
    r"|0\d{1,4}[ .-]\d{3,4}[ .-]?\d{3,4}"
    r")(?![\w-])"
)
# a word, with inner apostrophes and hyphens (O'Neill, Anne-Marie) but not a possessive 's
_WORD = re.compile(r"[^\W\d_]+(?:(?:-|['’](?![sS]\b))[^\W\d_]+)*")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]|[A-Za-z0-9]")
# as a model may write a placeholder back: [PERSON_1], [person_1], [ PERSON 1 ]
_PLACEHOLDER = re.compile(r"\[\s*(PERSON|EMAIL|PHONE|ID)[_ ](\d+)\s*\]", re.IGNORECASE)
_LONGEST_NAME = 5  # words; longer "names" are not looked for


def _name_key(words: Iterable[str]) -> str:
    return " ".join(word.casefold() for word in words)


@dataclass(frozen=True, slots=True)
class Directory:
    """Who counts as a person here: imported people's full names, keys and emails."""

    names: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()

    @classmethod
    def from_people(cls, people: Iterable[Person]) -> Directory:
        people = list(people)
        return cls(names=frozenset(p.name for p in people if p.name.strip()),
                   keys=frozenset(p.key for p in people),
                   emails=frozenset(p.email for p in people if p.email))


@dataclass(frozen=True, slots=True)
class Redacted:
    """Text with personal data replaced, and each placeholder's original."""

    text: str
    originals: dict[str, str] = field(default_factory=dict)


class Redactor:
    """Replaces personal data with numbered placeholders; one placeholder per distinct original,
    numbered in order of appearance, so the same text always redacts the same way (the answer
    cache depends on it)."""

    def __init__(self, directory: Directory | None = None) -> None:
        directory = directory or Directory()
        self._names = {_name_key(_WORD.findall(name)) for name in directory.names} - {""}
        self._longest = min(_LONGEST_NAME, max(
            (name.count(" ") + 1 for name in self._names), default=0))
        self._first_words = {name.split(" ", 1)[0] for name in self._names}
        # keys that look like words ("ops") would hide ordinary text; ids carry a digit or a dot
        self._keys = {key for key in directory.keys if re.search(r"[\d._]", key)}

    def redact(self, text: str) -> Redacted:
        spans = sorted(self._spans(text), key=lambda span: (span[0], -span[1]))
        placeholders: dict[str, str] = {}
        counters: dict[str, int] = {}
        out: list[str] = []
        position = 0
        for start, end, kind in spans:
            if start < position:  # inside a longer match already replaced
                continue
            original = text[start:end]
            placeholder = placeholders.get(original)
            if placeholder is None:
                counters[kind] = counters.get(kind, 0) + 1
                placeholder = placeholders[original] = f"[{kind}_{counters[kind]}]"
            out.append(text[position:start])
            out.append(placeholder)
            position = end
        out.append(text[position:])
        return Redacted("".join(out), {value: key for key, value in placeholders.items()})

    def _spans(self, text: str) -> Iterable[tuple[int, int, str]]:
        for match in _EMAIL.finditer(text):
            yield match.start(), match.end(), "EMAIL"
        for match in _PHONE.finditer(text):
            if 9 <= sum(char.isdigit() for char in match.group()) <= 15:
                yield match.start(), match.end(), "PHONE"
        if self._keys:
            for match in _TOKEN.finditer(text):
                if match.group() in self._keys:
                    yield match.start(), match.end(), "ID"
        if self._names:
            yield from self._name_spans(text)

    def _name_spans(self, text: str) -> Iterable[tuple[int, int, str]]:
        # a walk over words, not one regex of every name: a 20,000-person directory stays fast
        words = list(_WORD.finditer(text))
        for i in range(len(words)):
            if words[i].group().casefold() not in self._first_words:
                continue  # most words start no name: one set look-up each
            for n in range(min(self._longest, len(words) - i), 0, -1):
                run = words[i:i + n]
                if any(text[a.end():b.start()].strip() for a, b in zip(run, run[1:], strict=False)):
                    continue  # the words of a name are separated by spaces only
                if _name_key(word.group() for word in run) in self._names:
                    yield run[0].start(), run[-1].end(), "PERSON"
                    break


def restore(value: Any, originals: dict[str, str]) -> Any:
    """`value` (JSON: dicts, lists, strings) with every known placeholder put back; one the
    model invented stays as written, for the checks to flag."""
    if not originals:
        return value
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: originals.get(
            f"[{m.group(1).upper()}_{m.group(2)}]", m.group()), value)
    if isinstance(value, list):
        return [restore(item, originals) for item in value]
    if isinstance(value, dict):
        return {key: restore(item, originals) for key, item in value.items()}
    return value
