"""Reading import files: CSV rows, YAML and JSON documents, each hashed as its bytes are read.

Readers report what they cannot read as Problems and never raise for a user's bad file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice, repeat
from pathlib import Path
from typing import IO, Any

import yaml

from learnloop.connectors.importers.cells import Cells, did_you_mean
from learnloop.domain.imports import Problems

__all__ = [
    "MAX_YAML_VALUES", "CsvBatch", "CsvRow", "Fingerprint", "count_lines", "csv_batches",
    "csv_rows", "json_value",
    "read_json", "read_yaml", "yaml_cells",
]

CsvRow = tuple[int, list[str]]  # (row number as a spreadsheet shows it, cells)
_CHUNK = 1 << 20
# values a YAML document may expand to through aliases (&a … *a): far beyond any real taxonomy
# or role list, far below what a "billion laughs" file asks the importers to walk
MAX_YAML_VALUES = 1_000_000
# read after a CSV file's last line: a quoted cell still open at the end of the file swallows it,
# which is how an unclosed quote is told apart from a short row; blank to the reader otherwise
_END = "\x1e\x1f\n"
_END_ROW = [_END[:-1]]


class Fingerprint:
    """The sha256 of an import's file (or folder), taken from the bytes as the importer reads them.

    A file: its bytes. A folder: every file's relative name, a NUL and its bytes, in name order.
    A file's first pass is hashed as it streams; a folder's files are kept in memory once read
    (source documents, read whole anyway) until the digest walks them in name order.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._digest = hashlib.sha256()
        self._hashed = 0  # bytes of a single file hashed so far
        self._opened = False
        self._folder: dict[Path, bytes] | None = {} if root.is_dir() else None

    def open(self, path: Path) -> IO[bytes]:
        """`path` opened for reading in binary; the import's own bytes are hashed on the way."""
        if self._folder is not None:
            resolved = path.resolve()
            data = self._folder.get(resolved)
            if data is None and resolved.is_relative_to(self.root.resolve()):
                data = self._folder[resolved] = resolved.read_bytes()
            return io.BytesIO(data) if data is not None else path.open("rb")
        if self._opened or path.resolve() != self.root.resolve():
            return path.open("rb")  # a second pass, or a file the manifest names: not the import's
        self._opened = True
        return io.BufferedReader(_Hashing(path.open("rb", buffering=0), self), _CHUNK)

    def open_text(self, path: Path, *, newline: str | None = None) -> IO[str]:
        """`path` as UTF-8 text (a byte-order mark skipped), hashed like `open`."""
        return io.TextIOWrapper(self.open(path), encoding="utf-8-sig", newline=newline)

    def sha256(self) -> str:
        """The digest; bytes the importer never read (a file it skipped) are read now."""
        digest = self._digest.copy()
        if self._folder is None:
            with self.root.open("rb") as handle:
                handle.seek(self._hashed)
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
            return digest.hexdigest()
        for file in sorted(p for p in self.root.rglob("*") if p.is_file()):
            digest.update(file.relative_to(self.root).as_posix().encode() + b"\0")
            data = self._folder.get(file.resolve())
            digest.update(data if data is not None else file.read_bytes())
        return digest.hexdigest()

    def _update(self, data: memoryview) -> None:
        self._digest.update(data)
        self._hashed += len(data)


class _Hashing(io.RawIOBase):
    """A raw file whose bytes go through the fingerprint as they are read."""

    def __init__(self, raw: io.FileIO, fingerprint: Fingerprint) -> None:
        super().__init__()
        self._raw = raw
        self._fingerprint = fingerprint

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        read = self._raw.readinto(buffer)
        if read:
            self._fingerprint._update(memoryview(buffer)[:read])
        return read or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def count_lines(path: Path) -> int:
    """Lines in a file, counted in binary chunks: a cheap total for progress bars."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
    return lines


def csv_rows(handle: IO[str], problems: Problems, *, required: Iterable[str],
             optional: Iterable[str] = ()) -> tuple[dict[str, int], Iterator[CsvRow]]:
    """The header's column positions and a stream of (row number, cells); the header is row 1.

    `handle` is text opened with newline="" and is closed once read. A header missing required
    columns or holding unknown ones yields no columns and no rows at all, since every row would
    repeat the same problem.
    """
    columns, batches = csv_batches(handle, problems, required=required, optional=optional)
    return columns, chain.from_iterable(batch.each() for batch in batches)


class CsvBatch:
    """Up to a batch's worth of a CSV file's data rows, in file order.

    A clean batch (every row as wide as the header, no NUL) is ready for a check of whole
    `columns`; `each()` yields (row number, cells) of any batch, reporting what a row of an
    unclean one cannot be read as when the stream reaches that row, exactly where the
    row-by-row reading always reported it. `error`: what stopped the reading after these rows.
    """

    __slots__ = ("_cells", "_columns", "clean", "count", "error", "first_row", "names",
                 "problems")

    def __init__(self, first_row: int, *, names: list[str], problems: Problems,
                 cells: list[list[str]] | None = None,
                 columns: list[list[str]] | None = None, clean: bool = True,
                 error: Exception | None = None) -> None:
        self.first_row = first_row
        self.names = names
        self.problems = problems
        self._cells = cells
        self._columns = columns
        self.count = len(cells) if cells is not None else len(columns[0]) if columns else 0
        self.clean = clean
        self.error = error

    @property
    def cells(self) -> list[list[str]]:
        """Each row's cells, as the CSV reader returned them (header-wide or not)."""
        if self._cells is None:
            self._cells = list(map(list, zip(*self._columns or (), strict=True)))
        return self._cells

    @property
    def columns(self) -> Sequence[Sequence[str]]:
        """A clean batch's cells column by column, in the header's order."""
        if self._columns is None:
            return list(zip(*self.cells, strict=True))
        return self._columns

    @property
    def rows(self) -> range:
        return range(self.first_row, self.first_row + self.count)

    def each(self) -> Iterator[CsvRow]:
        if self.clean:
            yield from zip(self.rows, self.cells, strict=True)
            return
        names, width, problems = self.names, len(self.names), self.problems
        row = self.first_row - 1
        for cells in self.cells:
            row += 1
            if cells and cells[-1].endswith(_END):
                problems.add(_UNCLOSED, row=row)
            elif len(cells) == width:
                if "\x00" in "".join(cells):  # one search per row, not one per cell
                    # no database text holds one (PostgreSQL refuses it): name the cell, once
                    name = next(names[at] for at, cell in enumerate(cells) if "\x00" in cell)
                    problems.add(NUL_IN_TEXT, row=row, field=name)
                    continue
                yield row, cells
            elif cells and any(cell.strip() for cell in cells):
                problems.add(f"has {len(cells)} cells, the header has {width}", row=row)
        if self.error is not None:
            problems.add(f"cannot read further: {_reading_error(self.error)}", row=row + 1)


def csv_batches(handle: IO[str], problems: Problems, *, required: Iterable[str],
                optional: Iterable[str] = (), size: int = 5000,
                ) -> tuple[dict[str, int], Iterator[CsvBatch]]:
    """Like `csv_rows`, the data rows read `size` at a time (see CsvBatch)."""
    required, optional = list(required), list(optional)
    reader = csv.reader(chain(handle, (_END,)))
    try:
        header = next(reader, [])
        if header == [_END[:-1]]:
            header = []  # the file ended before any line
    except (UnicodeDecodeError, csv.Error) as error:
        handle.close()
        problems.add(f"cannot read the header: {_reading_error(error)}", row=1)
        return {}, iter(())
    if header and header[-1].endswith(_END):
        handle.close()
        problems.add(_UNCLOSED, row=1)
        return {}, iter(())
    header = [name.strip() for name in header]
    columns = {name: index for index, name in enumerate(header)}
    if not header:
        problems.add("the file is empty; expected a header row", row=1)
    missing = [name for name in required if name not in columns]
    known = required + optional
    unknown = [name for name in header if name not in known]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    for name in missing:
        problems.add(f"required column {name!r} is missing", row=1, field=name)
    for name in unknown:
        problems.add(f"unknown column {name!r}; {did_you_mean(name, known)}"
                     f"expected {', '.join(known)}", row=1, field=name or "(blank)")
    for name in duplicated:
        problems.add(f"column {name!r} appears more than once", row=1, field=name)
    if not header or missing or unknown or duplicated:
        handle.close()
        return {}, iter(())
    return columns, _batches(reader, handle, problems, names=header, size=size)


def _batches(reader: Any, handle: IO[str], problems: Problems, *, names: list[str],
             size: int) -> Iterator[CsvBatch]:
    """Batches of data rows. While the file's lines are plain (no quote, no carriage return),
    a batch of lines is split on its commas in C, column by column; from the first line that is
    not, the CSV reader reads the rest, from that batch's first line on."""
    row, wide = 1, {len(names)}
    plain = len(names) > 1  # a one-column file's blank line is no row; let the reader say so
    try:
        while plain:
            lines: list[str] = []
            try:
                lines.extend(islice(handle, size))  # kept up to a line that cannot be decoded
            except UnicodeDecodeError as error:
                reader = csv.reader(chain(lines, _raising(error)))
                break
            if not lines:
                return
            columns = _plain_columns(lines, len(names))
            if columns is None:
                reader = csv.reader(chain(lines, handle, (_END,)))
                break
            yield CsvBatch(row + 1, names=names, problems=problems, columns=columns)
            row += len(lines)
        while True:
            records: list[list[str]] = []
            error = None
            try:
                records.extend(islice(reader, size))  # kept up to a row the reader refused
            except (UnicodeDecodeError, csv.Error) as refused:
                error = refused
            if records and records[-1] == _END_ROW:
                records.pop()  # the end marker, read as a blank row anyway
            if not records and error is None:
                return
            clean = (error is None and set(map(len, records)) == wide
                     and not records[-1][-1].endswith(_END)
                     and "\x00" not in "".join(chain.from_iterable(records)))
            yield CsvBatch(row + 1, names=names, problems=problems, cells=records, clean=clean,
                           error=error)
            row += len(records)
            if error is not None:
                return
    finally:
        handle.close()


def _plain_columns(lines: list[str], width: int) -> list[list[str]] | None:
    """The cells of `lines` column by column when each is a plain CSV line of `width` cells
    (no quote, carriage return or NUL: the CSV reader would split it on its commas too)."""
    text = "".join(lines)
    if '"' in text or "\r" in text or "\x00" in text:
        return None
    body = text[:-1] if text.endswith("\n") else text
    split = body.split("\n")
    if len(split) != len(lines) or set(map(str.count, split, repeat(","))) != {width - 1}:
        return None  # a blank line, or a row of another width: the reader words it
    cells = body.replace("\n", ",").split(",")
    return [cells[at::width] for at in range(width)]


def _raising(error: Exception) -> Iterator[str]:
    raise error
    yield ""  # a generator: raises when the reader asks for the line after the last one read


NUL_IN_TEXT = "holds a NUL character, which text cannot hold (is this a binary file?)"
_UNCLOSED = ("unclosed quote: a quoted cell opens on this row and never closes (write \"\" "
             "for a quote inside a quoted cell)")


def _reading_error(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "the file is not UTF-8 text (save it as 'CSV UTF-8')"
    return str(error)


def read_yaml(handle: IO[str], problems: Problems) -> Any:
    """The parsed document, or None after reporting where the syntax breaks; closes `handle`."""
    try:
        with handle:
            document = yaml.safe_load(handle)
        if _expanded_size(document, {}) > MAX_YAML_VALUES:
            problems.add(f"holds more than {MAX_YAML_VALUES:,} values once its aliases (*name) "
                         f"are expanded; write the repeated parts out")
            return None
        return document
    except UnicodeDecodeError:
        problems.add("the file is not UTF-8 text")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problems.add(f"not valid YAML: {getattr(error, 'problem', None) or error}",
                     row=mark.line + 1 if mark else None)
    except _UNREADABLE_VALUE as error:  # a value the YAML types cannot hold
        problems.add(f"not valid YAML: {_unreadable(error)}")
    return None


def _expanded_size(node: Any, sizes: dict[int, int]) -> int:
    """Values in a parsed YAML document counting each alias as a copy, as the importers walk it;
    each shared list or mapping is sized once, so a few kilobytes of aliases cannot stall it."""
    if not isinstance(node, list | dict):
        return 1
    known = sizes.get(id(node))
    if known is None:
        children = node.values() if isinstance(node, dict) else node
        known = sizes[id(node)] = 1 + sum(_expanded_size(child, sizes) for child in children)
    return known


def read_json(handle: IO[str], problems: Problems) -> Any:
    """The parsed document, or None after reporting where the syntax breaks; closes `handle`."""
    try:
        with handle:
            return json.load(handle)
    except UnicodeDecodeError:
        problems.add("the file is not UTF-8 text")
    except json.JSONDecodeError as error:
        problems.add(f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    except _UNREADABLE_VALUE as error:
        problems.add(f"not valid JSON: {_unreadable(error)}")
    return None


# what a parser raises besides its syntax errors: a number beyond Python's digit limit, a date
# like 2025-13-45 (YAML), nesting deeper than the interpreter's stack
_UNREADABLE_VALUE = (ValueError, OverflowError, RecursionError)


def json_value(line: str) -> Any:
    """One JSON document (a JSON Lines line); raises ValueError, whatever went wrong in it."""
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        raise
    except _UNREADABLE_VALUE as error:
        raise ValueError(_unreadable(error)) from error


def _unreadable(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    if "integer string conversion" in str(error):
        return "a number has more than 4,300 digits"
    return str(error)


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
