"""The importers' one base class and what they share: reading CSV/YAML/JSON, checks, problems.

A problem names the place the way a user finds it: CSV row (header = 1) or list item and key path.
"""

from __future__ import annotations

import csv
import json
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts, Problems
from learnloop.errors import InputError

__all__ = [
    "Cells", "Counts", "ImportContext", "Importer", "Problems", "as_cells", "count_lines",
    "csv_rows", "parse_time", "read_json", "read_yaml", "yaml_cells",
]

MAX_KEY = 128
CsvRow = tuple[int, list[str]]  # (row number as a spreadsheet shows it, cells)


@dataclass
class ImportContext:
    """What an importer may use during one import: one transaction and one problem list."""

    session: Session
    organisation_id: int
    problems: Problems
    batch_size: int = 5000
    progress: Callable[[int, int], None] | None = None

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, max(total, done))

    def line_total(self, path: Path) -> int:
        """Lines in the file, for a progress bar; 0 (no extra read) when nobody watches."""
        return count_lines(path) if self.progress is not None else 0

    def key_ids(self, model: Any) -> dict[str, int]:
        """The organisation's rows of `model` (a table with key and id), as key → id."""
        return dict(self.session.execute(select(model.key, model.id).where(
            model.organisation_id == self.organisation_id)).all())


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


# --- reading -----------------------------------------------------------------------------------

def count_lines(path: Path) -> int:
    """Lines in a file, counted in binary chunks: a cheap total for progress bars."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def csv_rows(path: Path, problems: Problems, *, required: Iterable[str],
             optional: Iterable[str] = ()) -> tuple[dict[str, int], Iterator[CsvRow]]:
    """The header's column positions and a stream of (row number, cells); the header is row 1.

    A header missing required columns or holding unknown ones yields no rows at all, since every
    row would repeat the same problem.
    """
    required, optional = list(required), list(optional)
    handle = path.open(encoding="utf-8-sig", newline="")
    reader = csv.reader(handle)
    try:
        header = [name.strip() for name in next(reader, [])]
    except (UnicodeDecodeError, csv.Error) as error:
        handle.close()
        problems.add(f"cannot read the header: {_reading_error(error)}", row=1)
        return {}, iter(())
    columns = {name: index for index, name in enumerate(header)}
    if not header:
        problems.add("the file is empty; expected a header row", row=1)
    missing = [name for name in required if name not in columns]
    unknown = [name for name in header if name not in required and name not in optional]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    for name in missing:
        problems.add(f"required column {name!r} is missing", row=1, field=name)
    for name in unknown:
        problems.add(f"unknown column {name!r}; expected {', '.join(required + optional)}",
                     row=1, field=name or "(blank)")
    for name in duplicated:
        problems.add(f"column {name!r} appears more than once", row=1, field=name)
    if not header or missing or unknown or duplicated:
        handle.close()
        return columns, iter(())
    return columns, _data_rows(reader, handle, problems, width=len(header))


def _data_rows(reader: Any, handle: Any, problems: Problems, *,
               width: int) -> Iterator[tuple[int, list[str]]]:
    row = 1
    try:
        for cells in reader:
            row += 1
            if len(cells) == width:
                yield row, cells
            elif cells and any(cell.strip() for cell in cells):
                problems.add(f"has {len(cells)} cells, the header has {width}", row=row)
    except (UnicodeDecodeError, csv.Error) as error:
        problems.add(f"cannot read further: {_reading_error(error)}", row=row + 1)
    finally:
        handle.close()


def _reading_error(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "the file is not UTF-8 text (save it as 'CSV UTF-8')"
    return str(error)


def read_yaml(path: Path, problems: Problems) -> Any:
    """The parsed document, or None after reporting where the syntax breaks."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return yaml.safe_load(handle)
    except UnicodeDecodeError:
        problems.add("the file is not UTF-8 text")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.add(f"not valid YAML: {getattr(error, 'problem', None) or error}",
                     row=mark.line + 1 if mark else None)
    return None


def read_json(path: Path, problems: Problems) -> Any:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            return json.load(handle)
    except UnicodeDecodeError:
        problems.add("the file is not UTF-8 text")
    except json.JSONDecodeError as error:
        problems.add(f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    return None


def yaml_cells(document: Any, list_key: str, problems: Problems, *, required: bool = True,
               shape: str = "a mapping") -> list[Cells]:
    """Cells for each mapping in a top-level list (row: the item's 1-based index; prefix: its key
    path); an item that is not a mapping is reported as needing to be `shape`."""
    if document is None and (not required or problems):
        return []  # an unreadable file was reported already
    if not isinstance(document, Mapping):
        problems.add(f"expected a mapping with a {list_key!r} list at the top level")
        return []
    items = document.get(list_key)
    if items is None and not required:
        return []
    if not isinstance(items, list):
        problems.add(f"{list_key!r} must be a list", field=list_key)
        return []
    cells = []
    for index, item in enumerate(items, start=1):
        where = f"{list_key}[{index}]"
        if isinstance(item, dict):
            cells.append(Cells(item, problems, row=index, prefix=where))
        else:
            problems.add(f"must be {shape}", row=index, field=where)
    return cells


# --- checking cells ----------------------------------------------------------------------------

def parse_time(value: str) -> datetime:
    """ISO 8601 time in UTC: a date alone is midnight UTC, a time without offset is UTC."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


class Cells:
    """One row's values (a CSV row or a YAML item), checked field by field.

    Each check returns the value, or None after recording a problem, so one pass finds every
    problem in the row. `prefix` turns a field into its key path (`roles[3].requirements[1]`).
    """

    def __init__(self, values: Mapping[str, Any], problems: Problems, *, row: int | None,
                 prefix: str = "") -> None:
        self.values = values
        self.problems = problems
        self.row = row
        self.prefix = prefix
        self.ok = True

    def where(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def problem(self, name: str, message: str) -> None:
        self.ok = False
        self.problems.add(message, row=self.row, field=self.where(name))

    def raw(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, name: str, *, required: bool = False, max_length: int = 300) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(name, f"must be text, not {type(value).__name__}")
            return None
        value = str(value)
        if len(value) > max_length:
            self.problem(name, f"is {len(value)} characters long; at most {max_length}")
            return None
        return value

    def key(self, name: str, *, required: bool = True, max_length: int = MAX_KEY) -> str | None:
        return self.text(name, required=required, max_length=max_length)

    def choice(self, name: str, options: Iterable[str], *, required: bool = True,
               default: str | None = None) -> str | None:
        value = self.text(name, required=required and default is None)
        if value is None:
            return default
        allowed = list(options)
        if value.lower() not in allowed:
            self.problem(name, f"{value!r} is not one of {', '.join(allowed)}")
            return None
        return value.lower()

    def number(self, name: str, *, required: bool = True, low: float | None = None,
               high: float | None = None) -> float | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        try:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
        except (TypeError, ValueError):
            self.problem(name, f"{value!r} is not a number")
            return None
        if not math.isfinite(number):
            self.problem(name, f"{value!r} is not a finite number")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self.problem(name, f"{value!r} is outside {_fmt(low)}–{_fmt(high)}")
            return None
        return number

    def whole(self, name: str, *, required: bool = True, low: int | None = None,
              high: int | None = None) -> int | None:
        value = self.raw(name)
        number = self.number(name, required=required)
        if number is None:
            return None
        if number != int(number):
            self.problem(name, f"{value!r} is not a whole number")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            bound = f"{low}–{high}" if high is not None else f"at least {low}"
            self.problem(name, f"{value!r} must be {bound}")
            return None
        return int(number)

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(name, f"{value!r} is not a date (use YYYY-MM-DD)")
            return None

    def key_list(self, name: str) -> list[tuple[str, str]]:
        """(key path, key) for a list of keys such as `skills: [a, b]`; blank means none."""
        value = self.values.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, "must be a list")
            return []
        found: list[tuple[str, str]] = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, bool) or not isinstance(item, str | int) or not str(item).strip():
                self.problem(f"{name}[{index}]", "must be a non-empty key")
                continue
            found.append((f"{name}[{index}]", str(item).strip()))
        return found

    def nested(self, name: str) -> list[Cells]:
        """Cells for each mapping in a nested list such as `requirements:`."""
        value = self.values.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, "must be a list")
            return []
        found: list[Cells] = []
        for index, item in enumerate(value, start=1):
            path = f"{name}[{index}]"
            if not isinstance(item, Mapping):
                self.problem(path, "must be a mapping")
                continue
            found.append(Cells(item, self.problems, row=self.row, prefix=self.where(path)))
        return found

    def only(self, names: Iterable[str]) -> None:
        """Refuse keys nobody reads: a misspelt key would otherwise lose data silently."""
        allowed = set(names)
        for name in self.values:
            if name not in allowed:
                self.problem(str(name), f"unknown key; expected {', '.join(sorted(allowed))}")


def _fmt(bound: float | None) -> str:
    if bound is None:
        return "…"
    return str(int(bound)) if bound == int(bound) else str(bound)


def as_cells(columns: Mapping[str, int], cells: list[str], problems: Problems, row: int) -> Cells:
    """A CSV row as Cells keyed by column name."""
    return Cells({name: cells[index] for name, index in columns.items()}, problems, row=row)
