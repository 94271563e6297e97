"""Imports signals (KPI values, work observations) from CSV, JSON or JSON Lines, streamed.

The hot path of learnloop's imports: millions of rows, so each row is checked inline, not via Cells.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import MAX_KEY, did_you_mean, parse_time
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows, read_json
from learnloop.domain.imports import Counts
from learnloop.domain.signals import compact_time, derived_signal_key
from learnloop.store import tables
from learnloop.store.bulk import KeyedStream
from learnloop.store.imports.streams import signal_stream
from learnloop.store.keys import key_ids

__all__ = ["SignalsImporter"]

FIELDS = ("id", "metric", "subject_type", "subject", "observed_at", "value", "source")
_MAX_KEY = 300
_REMEMBERED_TIMES = 65_536


class SignalsImporter(Importer):
    kind = "signals"
    description = ("KPI values and work signals about people, teams or the organisation "
                   "(CSV, JSON, JSON Lines).")
    formats = ("csv", "json", "jsonl", "ndjson")

    def run(self, path: Path) -> Counts:
        suffix = path.suffix.lower()
        self._prepare()
        if suffix == ".csv":
            return self._write(None, max(self.context.line_total(path) - 1, 0), path)
        if suffix == ".json":
            return self._write(*self._json(path))
        return self._write(self._json_lines(path), self.context.line_total(path))

    def run_records(self, records: Sequence[Any]) -> Counts:
        self._prepare()
        return self._write(*self._items(records))

    def _prepare(self) -> None:
        session, org = self.context.session, self.context.organisation_id
        self._people = key_ids(session, tables.Person, organisation_id=org)
        self._teams = key_ids(session, tables.Team, organisation_id=org)
        self._times: dict[str, tuple[datetime, str]] = {}

    def _write(self, records: Iterable[tuple[int, tuple[Any, ...]]] | None, total: int,
               path: Path | None = None) -> Counts:
        """Check each record (or stream the CSV at `path`) and hand it to the bulk writer."""
        step = self.context.batch_size
        with signal_stream(self.context.session, organisation_id=self.context.organisation_id,
                           problems=self.problems, batch_size=step) as stream:
            if records is None:
                assert path is not None
                self._stream_csv(path, stream, total)
            else:
                for row, fields in records:
                    checked = self._check(row, *fields)
                    if checked is not None:
                        stream.add(row, *checked)
                    if row % step == 0:
                        self.context.report(row, total)
            counts = stream.finish()
        self.context.report(counts.rows, counts.rows)
        return counts

    def _stream_csv(self, path: Path, stream: KeyedStream, total: int) -> None:
        """Each CSV row checked and handed to `stream`, the usual row in one pass of cheap tests.

        A row that is anything but plainly valid goes through `_check`, which words the problems;
        the quick tests accept exactly what `_check` accepts, so both give the same values.
        """
        columns, rows = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                 required=FIELDS[1:], optional=("id",))
        if not columns:
            return  # the header was refused: its problems are reported, there are no rows
        pick = itemgetter(*(columns[name] for name in FIELDS[1:]))
        id_at = columns.get("id")
        people, teams, times = self._people, self._teams, self._times
        add, check, report, step = stream.add, self._check, self.context.report, \
            self.context.batch_size
        isfinite = math.isfinite
        for row, cells in rows:
            fields = pick(cells)
            metric, subject_type, subject, observed_at, value, source = fields
            key = "" if id_at is None else cells[id_at].strip()
            metric, subject, source = metric.strip(), subject.strip(), source.strip()
            subject_type, observed_at = subject_type.strip(), observed_at.strip()
            time = times.get(observed_at) or self._time(observed_at)
            if subject_type == "person":
                subject_id = people.get(subject)
            elif subject_type == "team":
                subject_id = teams.get(subject)
            else:
                subject_id = 0 if subject_type == "organisation" and not subject else None
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if (subject_id is None or time is None or not isfinite(number) or not metric
                    or not source or len(metric) > MAX_KEY or len(source) > MAX_KEY):
                checked = check(row, cells[id_at] if id_at is not None else "", *fields)
                if checked is not None:
                    add(row, *checked)
            else:
                if not key:
                    key = derived_signal_key(source=source, metric=metric,
                                             subject_type=subject_type, subject_key=subject,
                                             moment=time[1])
                if len(key) > _MAX_KEY:
                    self.problems.add(f"is longer than {_MAX_KEY} characters", row=row,
                                      field="id")
                else:
                    add(row, key, (metric, subject_type, subject_id or None, time[0], number,
                                   source))
            if row % step == 0:
                report(row, total)

    def _json(self, path: Path) -> tuple[list[tuple[int, tuple[Any, ...]]], int]:
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
                        item = json.loads(line)
                    except json.JSONDecodeError as error:
                        self.problems.add(f"not valid JSON: {error.msg}", row=row)
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

    def _check(self, row: int, key: Any, metric: Any, subject_type: Any, subject: Any,
               observed_at: Any, value: Any, source: Any) -> tuple[str, tuple[Any, ...]] | None:
        add = self.problems.add
        ok = True
        key, metric, subject_type = key.strip(), metric.strip(), subject_type.strip().lower()
        subject, observed_at, source = subject.strip(), observed_at.strip(), source.strip()
        if not metric:
            add("is required", row=row, field="metric")
            ok = False
        elif len(metric) > MAX_KEY:
            add(f"is longer than {MAX_KEY} characters", row=row, field="metric")
            ok = False
        if not source:
            add("is required", row=row, field="source")
            ok = False
        elif len(source) > MAX_KEY:
            add(f"is longer than {MAX_KEY} characters", row=row, field="source")
            ok = False
        subject_id = None
        if subject_type == "person":
            subject_id = self._people.get(subject)
            if subject_id is None:
                add(f"no person with id {subject!r}" if subject else "is required for a person",
                    row=row, field="subject")
                ok = False
        elif subject_type == "team":
            subject_id = self._teams.get(subject)
            if subject_id is None:
                add(f"no team with key {subject!r}" if subject else "is required for a team",
                    row=row, field="subject")
                ok = False
        elif subject_type == "organisation":
            if subject:
                add("must be blank when subject_type is organisation", row=row, field="subject")
                ok = False
        else:
            add(f"{subject_type!r} is not one of person, team, organisation" if subject_type
                else "is required", row=row, field="subject_type")
            ok = False
        time = self._time(observed_at)
        if time is None:
            add(f"{observed_at!r} is not an ISO 8601 time" if observed_at else "is required",
                row=row, field="observed_at")
            ok = False
        try:
            number = float(value)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            add(f"{value!r} is not a number" if value.strip() else "is required",
                row=row, field="value")
            ok = False
        if not ok:
            return None
        when, moment = time
        if not key:
            key = derived_signal_key(source=source, metric=metric, subject_type=subject_type,
                                     subject_key=subject, moment=moment)
        if len(key) > _MAX_KEY:
            add(f"is longer than {_MAX_KEY} characters", row=row, field="id")
            return None
        return key, (metric, subject_type, subject_id, when, number, source)

    def _time(self, text: str) -> tuple[datetime, str] | None:
        """The time in UTC and its compact form for keys, worked out once per distinct text:
        exports repeat the same times, and both steps cost more than the rest of a row's checks."""
        known = self._times.get(text)
        if known is None:
            try:
                when = parse_time(text)
            except ValueError:
                return None
            if len(self._times) >= _REMEMBERED_TIMES:
                self._times.clear()
            known = self._times[text] = (when, compact_time(when))
        return known


def _as_text(value: Any) -> str:
    """JSON values as the text a CSV cell would hold, so both share one check."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return repr(value)  # never a valid number or key: the check reports it
    return str(value)
