"""What an import reports: the problems found in a file and the rows it created, updated or kept.

Pure records shared by the importers (which find problems) and the store (which counts rows).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from learnloop.errors import InputError, Problem

__all__ = ["MAX_FILE_NAME", "Counts", "Problems", "file_name_shown"]

MAX_FILE_NAME = 120  # characters of a file name echoed back; the suffix is always kept

REPEATS_SPELLED_OUT = 10  # a problem on this many rows or fewer is listed once per row
_ROWS_NAMED = 3  # rows a collapsed problem names besides its first


@dataclass
class _Alike:
    """One message on one field, and the rows it was found on (the first few; then a count)."""

    first: Problem
    rows: list[int | None] = field(default_factory=list)
    count: int = 1


class Problems:
    """Collects every problem of one import; lists the first `limit`, counts the rest.

    The same message on the same field found on more than REPEATS_SPELLED_OUT rows (every row
    naming the same missing role) is listed once, at its first row, with how many more rows
    share it: `file:2:role: no role with id 'x' (and 4,999 more rows like it: rows 3, 4, 5, …)`.
    `total` still counts every problem.
    """

    def __init__(self, file: str, *, limit: int) -> None:
        self.file = file
        self.limit = limit
        self.total = 0
        self._alike: dict[tuple[str, str | None], _Alike] = {}
        # in the order found: (problem group, occurrence), each group's first few occurrences
        self._found: list[tuple[_Alike, int]] = []

    def add(self, message: str, *, row: int | None = None, field: str | None = None) -> None:
        self.total += 1
        alike = self._alike.get((message, field))
        if alike is None:
            if len(self._alike) >= self.limit:
                return  # counted only: memory stays bounded however many kinds there are
            alike = self._alike[message, field] = _Alike(
                Problem(message, file=self.file, row=row, field=field))
            self._found.append((alike, 0))
            return
        alike.count += 1
        if len(alike.rows) < max(REPEATS_SPELLED_OUT, _ROWS_NAMED):
            alike.rows.append(row)
            if alike.count <= REPEATS_SPELLED_OUT:
                self._found.append((alike, alike.count - 1))

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def listed(self) -> list[Problem]:
        """The problems as the user reads them, repeats collapsed, at most `limit`."""
        return self._listing()[0]

    def _listing(self) -> tuple[list[Problem], int]:
        """The listed problems, and how many of all problems they account for."""
        listed: list[Problem] = []
        covered = 0
        for alike, occurrence in self._found:
            if alike.count > REPEATS_SPELLED_OUT:
                if occurrence == 0:
                    listed.append(_collapsed(alike))
                    covered += alike.count
            elif occurrence == 0:
                listed.append(alike.first)
                covered += 1
            else:
                first = alike.first
                listed.append(Problem(first.message, file=first.file,
                                      row=alike.rows[occurrence - 1], field=first.field))
                covered += 1
            if len(listed) == self.limit:
                break
        return listed, covered

    def error(self) -> InputError:
        noun = "problem" if self.total == 1 else "problems"
        listed, covered = self._listing()
        return InputError(f"{self.file}: {self.total} {noun} found; nothing was imported",
                          listed, total=self.total, covered=covered)


def _collapsed(alike: _Alike) -> Problem:
    more = alike.count - 1  # more than REPEATS_SPELLED_OUT - 1, so always "rows"
    rows = [str(row) for row in alike.rows[:_ROWS_NAMED] if row is not None]
    named = f": rows {', '.join(rows)}{', …' if more > len(rows) else ''}" if rows else ""
    first = alike.first
    return Problem(f"{first.message} (and {more:,} more rows like it{named})", file=first.file,
                   row=first.row, field=first.field)


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def file_name_shown(name: str, *, fallback: str = "upload") -> str:
    """A user-given file name as learnloop stores and echoes it: the last path part only, no
    control or format characters (a right-to-left override could disguise `csv.exe`), at most
    MAX_FILE_NAME characters with the suffix kept: `../../kpis.csv` → `kpis.csv`."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    shown = "".join(char for char in base
                    if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")).strip()
    if shown in ("", ".", ".."):
        return fallback
    if len(shown) > MAX_FILE_NAME:
        stem, dot, suffix = shown.rpartition(".")
        if not dot or len(suffix) > 16:
            stem, suffix = shown, ""
        tail = f".{suffix}" if suffix else ""
        shown = f"{stem[:MAX_FILE_NAME - len(tail) - 1]}…{tail}"
    return shown
