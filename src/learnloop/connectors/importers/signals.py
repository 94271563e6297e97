"""Imports signals (KPI values, work observations) from CSV, JSON or JSON Lines, streamed.

The hot path of learnloop's imports: millions of rows, checked a batch at a time column by
column (see `signal_checks`), and row by row only in a batch where some row fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import did_you_mean
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import (
    CsvRow,
    count_lines,
    csv_batches,
    json_value,
    read_json,
)
from learnloop.connectors.importers.signal_rules import (
    FIELDS,
    REQUIRED,
    SignalChecks,
    signal_checks,
)
from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import KeyedStream
from learnloop.store.imports.streams import signal_stream
from learnloop.store.keys import key_ids

__all__ = ["SignalsImporter"]

_IN_ORDER = {name: index for index, name in enumerate(FIELDS)}  # a JSON item's fields
_SHORTEST_ROW = 16  # bytes of the shortest plausible CSV row (m,team,t,2025-01-01,1,s)


class SignalsImporter(Importer):
    kind = "signals"
    description = ("KPI values and work signals about people, teams or the organisation "
                   "(CSV, JSON, JSON Lines).")
    formats = ("csv", "json", "jsonl", "ndjson")

    def run(self, path: Path) -> Counts:
        suffix = path.suffix.lower()
        self._prepare()
        if suffix == ".csv":
            return self._write(None, max(self.context.line_total(path) - 1, 0), path,
                               expected=self._expected_rows(path))
        if suffix == ".json":
            return self._write(*self._json(path))
        # row by row: a line's JSON problems are reported in turn with the rows' own
        return self._write(self._json_lines(path), self.context.line_total(path), batched=False)

    def run_records(self, records: Sequence[Any]) -> Counts:
        self._prepare()
        return self._write(*self._items(records))

    def _prepare(self) -> None:
        session, org = self.context.session, self.context.organisation_id
        self._people = key_ids(session, tables.Person, organisation_id=org)
        self._teams = key_ids(session, tables.Team, organisation_id=org)

    def _checks(self, columns: Mapping[str, int]) -> SignalChecks:
        return signal_checks(people=self._people, teams=self._teams, columns=columns)

    def _expected_rows(self, path: Path) -> int:
        """The CSV's rows, counted (one more quick read) only if there may be enough of them for
        the writer to build the table's indexes after the write (see `signal_stream`)."""
        if path.stat().st_size < self.context.set_check_min_rows * _SHORTEST_ROW:
            return 0
        return max(count_lines(path) - 1, 0)

    def _write(self, records: Iterable[CsvRow] | None, total: int,
               path: Path | None = None, *, batched: bool = True, expected: int = 0) -> Counts:
        """Check each record (or stream the CSV at `path`) and hand it to the bulk writer."""
        step = self.context.batch_size
        with signal_stream(self.context.session, organisation_id=self.context.organisation_id,
                           problems=self.problems, batch_size=step,
                           expected_rows=max(expected, total),
                           build_indexes_from=self.context.set_check_min_rows) as stream:
            if records is None:
                assert path is not None
                self._stream_csv(path, stream, total)
            else:
                checks, rows = self._checks(_IN_ORDER), iter(records)
                if not batched:
                    self._add_each(checks, stream, self._reporting(rows, total))
                else:
                    while batch := list(islice(rows, step)):
                        numbers, cells = zip(*batch, strict=True)
                        self._add(checks, stream, numbers, list(zip(*cells, strict=True)), batch)
                        self.context.report(numbers[-1], total)
            counts = stream.finish()
        self.context.report(counts.rows, counts.rows)
        return counts

    def _reporting(self, records: Iterable[CsvRow], total: int) -> Iterator[CsvRow]:
        report, step = self.context.report, self.context.batch_size
        for row, cells in records:
            yield row, cells
            if row % step == 0:
                report(row, total)

    def _stream_csv(self, path: Path, stream: KeyedStream, total: int) -> None:
        """The CSV's rows checked and handed to `stream` a batch at a time."""
        step = self.context.batch_size
        columns, batches = csv_batches(self.context.open_text(path, newline=""), self.problems,
                                       required=REQUIRED, optional=("id", "volume"), size=step)
        if not columns:
            return  # the header was refused: its problems are reported, there are no rows
        checks = self._checks(columns)
        for batch in batches:
            if batch.clean:
                self._add(checks, stream, batch.rows, batch.columns, batch.each())
            else:
                self._add_each(checks, stream, batch.each())
            if batch.count:
                self.context.report(batch.first_row + batch.count - 1, total)

    def _add(self, checks: SignalChecks, stream: KeyedStream, numbers: Sequence[int],
             columns: Sequence[Sequence[str]], each: Iterable[CsvRow]) -> None:
        """A batch checked column by column, or row by row (`each`) if some row fails."""
        checked = checks.batch(columns)
        if checked is None:
            self._add_each(checks, stream, each)
        else:
            stream.add_batch(numbers, *checked)

    def _add_each(self, checks: SignalChecks, stream: KeyedStream,
                  each: Iterable[CsvRow]) -> None:
        """Each row asked quietly first; only a row that fails is asked again to word its
        problems (see `signal_check`)."""
        check, problems, add = checks.row, self.problems, stream.add
        for row, cells in each:
            checked = check(row, cells) or check(row, cells, problems)
            if checked is not None:
                add(row, checked[0], checked[1])

    def _json(self, path: Path) -> tuple[list[tuple[int, tuple[str, ...]]], int]:
        document = read_json(self.context.open_text(path), self.problems)
        if isinstance(document, Mapping) and "signals" in document:
            document = document["signals"]
        if document is None:
            return [], 0
        if not isinstance(document, list):
            self.problems.add('expected an array of signals or {"signals": [...]}')
            return [], 0
        return self._items(document)

    def _items(self, items: Sequence[Any]) -> tuple[list[tuple[int, tuple[Any, ...]]], int]:
        records = [(row, self._fields(row, item)) for row, item in enumerate(items, start=1)]
        return [(row, fields) for row, fields in records if fields is not None], len(records)

    def _json_lines(self, path: Path) -> Iterator[tuple[int, tuple[Any, ...]]]:
        with self.context.open_text(path) as handle:
            try:
                for row, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        item = json_value(line)
                    except json.JSONDecodeError as error:
                        self.problems.add(f"not valid JSON: {error.msg}", row=row)
                        continue
                    except ValueError as error:
                        self.problems.add(f"not valid JSON: {error}", row=row)
                        continue
                    fields = self._fields(row, item)
                    if fields is not None:
                        yield row, fields
            except UnicodeDecodeError:
                self.problems.add("the file is not UTF-8 text")

    def _fields(self, row: int, item: Any) -> tuple[Any, ...] | None:
        if not isinstance(item, Mapping):
            self.problems.add("each signal must be an object", row=row)
            return None
        for name in item:
            if name not in FIELDS:
                self.problems.add(f"unknown key; {did_you_mean(str(name), FIELDS)}"
                                  f"expected {', '.join(FIELDS)}", row=row, field=str(name))
        return tuple(_as_text(item.get(name)) for name in FIELDS)


def _as_text(value: Any) -> str:
    """JSON values as the text a CSV cell would hold, so both share one check."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return repr(value)  # never a valid number or key: the check reports it
    return str(value)
