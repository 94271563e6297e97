"""The importers' one base class and the context one import runs in.

An importer parses and checks its file, then hands plain records to a writer in `store.imports`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from learnloop.connectors.importers.reading import Fingerprint, count_lines
from learnloop.connectors.importers.text_limits import TextLimits
from learnloop.domain.imports import Counts, Problems
from learnloop.errors import InputError
from learnloop.store import Session

__all__ = ["ImportContext", "Importer"]


@dataclass
class ImportContext:
    """What an importer may use during one import: one transaction and one problem list.

    `fingerprint` hashes the file as the importer reads it; open the import's files through
    `open` and `open_text` so the digest needs no second read.
    """

    session: Session
    organisation_id: int
    problems: Problems
    fingerprint: Fingerprint | None = None
    batch_size: int = 5000
    # rows from which PostgreSQL checks foreign keys, or builds signals' indexes, as a set
    set_check_min_rows: int = 5000
    progress: Callable[[int, int], None] | None = None
    text_limits: TextLimits = TextLimits()

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, max(total, done))

    def line_total(self, path: Path) -> int:
        """Lines in the file, for a progress bar; 0 (no extra read) when nobody watches."""
        return count_lines(path) if self.progress is not None else 0

    def open(self, path: Path) -> IO[bytes]:
        if self.fingerprint is None:
            return path.open("rb")
        return self.fingerprint.open(path)

    def read_bytes(self, path: Path) -> bytes:
        with self.open(path) as handle:
            return handle.read()

    def open_text(self, path: Path, *, newline: str | None = None) -> IO[str]:
        """UTF-8 text (a byte-order mark skipped); newline="" for CSV."""
        if self.fingerprint is None:
            return path.open(encoding="utf-8-sig", newline=newline)
        return self.fingerprint.open_text(path, newline=newline)


class Importer(ABC):
    """Reads one kind of file, checks every row, writes it inside the caller's transaction."""

    kind: ClassVar[str]
    description: ClassVar[str]
    formats: ClassVar[tuple[str, ...]]  # file suffixes without the dot; "folder" for a directory

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.problems = context.problems

    @classmethod
    def accepts(cls, path: Path) -> bool:
        if path.is_dir():
            return "folder" in cls.formats
        return path.suffix.lower().lstrip(".") in cls.formats

    @abstractmethod
    def run(self, path: Path) -> Counts:
        """Check and write every row of `path`; problems go to `self.problems`, never raised."""

    def run_records(self, records: Sequence[Any]) -> Counts:
        """Check and write records already parsed (a webhook's items); row = 1-based position."""
        raise InputError(f"{self.kind} imports take files only, not records")
