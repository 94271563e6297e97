"""What an import reports: the problems found in a file and the rows it created, updated or kept.

Pure records shared by the importers (which find problems) and the store (which counts rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from learnloop.errors import InputError, Problem

__all__ = ["Counts", "Problems"]


class Problems:
    """Collects every problem of one import; lists the first `limit`, counts the rest."""

    def __init__(self, file: str, *, limit: int) -> None:
        self.file = file
        self.limit = limit
        self.listed: list[Problem] = []
        self.total = 0

    def add(self, message: str, *, row: int | None = None, field: str | None = None) -> None:
        self.total += 1
        if len(self.listed) < self.limit:
            self.listed.append(Problem(message, file=self.file, row=row, field=field))

    def __bool__(self) -> bool:
        return self.total > 0

    def error(self) -> InputError:
        noun = "problem" if self.total == 1 else "problems"
        return InputError(f"{self.file}: {self.total} {noun} found; nothing was imported",
                          self.listed, total=self.total)


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
