"""Imports signals (KPI values, work observations) from CSV, JSON or JSON Lines, streamed.

The hot path of learnloop's imports: millions of rows, checked by SignalRules rather than Cells.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import MAX_KEY, did_you_mean
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows, read_json
from learnloop.connectors.importers.signal_rules import MAX_SIGNAL_ID, NAME_LENGTHS, SignalRules
from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import KeyedStream
from learnloop.store.imports.streams import signal_stream
from learnloop.store.keys import key_ids

__all__ = ["SignalsImporter"]

FIELDS = ("id", "metric", "subject_type", "subject", "observed_at", "value", "source")
_NONE: Mapping[str, int] = {}


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
        self._rules = SignalRules(people=key_ids(session, tables.Person, organisation_id=org),
                                  teams=key_ids(session, tables.Team, organisation_id=org))

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
        """Each CSV row checked and handed to `stream`, the usual row in one pass of quick tests.

        The quick tests are the rules of `SignalRules`, asked without wording an answer; a row
        failing any goes through `_check`, which asks them again and words what failed.
        """
        columns, rows = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                 required=FIELDS[1:], optional=("id",))
        if not columns:
            return  # the header was refused: its problems are reported, there are no rows
        pick = itemgetter(*(columns[name] for name in FIELDS[1:]))
        id_at = columns.get("id")
        rules = self._rules
        subjects, times, time_of, number_of, signal_id = (
            rules.subjects, rules.times, rules.time, rules.number, rules.signal_id)
        add, check, report, step = stream.add, self._check, self.context.report, \
            self.context.batch_size
        for row, cells in rows:
            fields = pick(cells)
            metric, subject_type, subject, observed_at, value, source = fields
            metric, subject, source = metric.strip(), subject.strip(), source.strip()
            subject_type, observed_at = subject_type.strip(), observed_at.strip()
            key = "" if id_at is None else cells[id_at].strip()
            time = times.get(observed_at) or time_of(observed_at)
            subject_id = subjects.get(subject_type, _NONE).get(subject)
            number = number_of(value)
            if (subject_id is None or time is None or number is None
                    or len(metric) not in NAME_LENGTHS or len(source) not in NAME_LENGTHS
                    or (key := signal_id(key, source=source, metric=metric,
                                         subject_type=subject_type, subject=subject,
                                         moment=time[1])) is None):
                checked = check(row, cells[id_at] if id_at is not None else "", *fields)
                if checked is not None:
                    add(row, *checked)
            else:
                add(row, key, (metric, subject_type, subject_id or None, time[0], number, source))
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

    def _check(self, row: int, key: str, metric: str, subject_type: str, subject: str,
               observed_at: str, value: str, source: str) -> tuple[str, tuple[Any, ...]] | None:
        """One signal's cells checked by `SignalRules`, every failure worded; the (id, values)
        to store, or None when a problem was found."""
        add, rules = self.problems.add, self._rules
        ok = True
        key, metric, subject_type = key.strip(), metric.strip(), subject_type.strip().lower()
        subject, observed_at, source = subject.strip(), observed_at.strip(), source.strip()
        for name, text in (("metric", metric), ("source", source)):
            if len(text) not in NAME_LENGTHS:
                add(f"is longer than {MAX_KEY} characters" if text else "is required",
                    row=row, field=name)
                ok = False
        subject_id = rules.subject_id(subject_type, subject)
        if subject_id is None:
            ok = False
            if subject_type == "person":
                add(f"no person with id {subject!r}" if subject else "is required for a person",
                    row=row, field="subject")
            elif subject_type == "team":
                add(f"no team with key {subject!r}" if subject else "is required for a team",
                    row=row, field="subject")
            elif subject_type == "organisation":
                add("must be blank when subject_type is organisation", row=row, field="subject")
            else:
                add(f"{subject_type!r} is not one of {', '.join(rules.subjects)}"
                    if subject_type else "is required", row=row, field="subject_type")
        time = rules.time(observed_at)
        if time is None:
            add(f"{observed_at!r} is not an ISO 8601 time" if observed_at else "is required",
                row=row, field="observed_at")
            ok = False
        number = rules.number(value)
        if number is None:
            add(f"{value!r} is not a number" if value.strip() else "is required",
                row=row, field="value")
            ok = False
        if not ok:
            return None
        when, moment = time
        signal_id = rules.signal_id(key, source=source, metric=metric, subject_type=subject_type,
                                    subject=subject, moment=moment)
        if signal_id is None:
            add(f"is longer than {MAX_SIGNAL_ID} characters", row=row, field="id")
            return None
        return signal_id, (metric, subject_type, subject_id or None, when, number, source)

def _as_text(value: Any) -> str:
    """JSON values as the text a CSV cell would hold, so both share one check."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return repr(value)  # never a valid number or key: the check reports it
    return str(value)
