"""Bulk writes for importers: upsert by key in batches, telling created, updated, unchanged apart.

Keys→ids are loaded once; rows go out in sets (multi-row statements, executemany, or on
PostgreSQL binary COPY into a temporary table and one statement per set), never row by row.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import itemgetter, le
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts, Problems
from learnloop.store.deferred_indexes import build_indexes, drop_secondary_indexes
from learnloop.store.foreign_keys import checked_as_a_set

__all__ = ["KeyedStream", "RowChanges", "Synced", "replace_children", "reserve_ids", "sync_rows"]

# SQLite's page cache while streaming into a table that holds more rows than the load: the
# indexes' pages the load looks up and inserts into stay cached, not read again per row
SQLITE_CACHE_KIB = 262_144
# …and into a table no larger than the load, once its first batch is all new rows (not a
# re-import): the pages it writes leave the cache on the writer thread while rows are checked,
# rather than all at the commit, which waits for them
SQLITE_LOAD_CACHE_KIB = 32_768
_SQLITE_PARAMETERS = 32_766  # the most one SQLite statement takes (since 3.32)
_MAX_IN = 10_000  # keys per IN (…): SQLite allows 32,766 parameters, PostgreSQL 65,535
_REMEMBERED = 65_536  # distinct values a binder remembers before starting over
_UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE for a key already stored
# foreign keys a set-wise check leaves in place: dropping one locks the table it refers to
# against readers, and every request reads `organisations`
_KEPT_REFERENCES = ("organisations",)
# a written batch: (key, row) of keys an earlier batch had, and its new rows' values as columns
_Written = tuple[list[tuple[str, int]], list[list[Any]]]


@dataclass
class Synced:
    """Ids of every row by key after a sync, and which keys were created, updated or unchanged."""

    ids: dict[Hashable, int] = field(default_factory=dict)
    created: set[Hashable] = field(default_factory=set)
    updated: set[Hashable] = field(default_factory=set)
    unchanged: set[Hashable] = field(default_factory=set)

    def mark_updated(self, keys: Iterable[Hashable]) -> None:
        """Rows whose children changed (requirements, KPIs) count as updated."""
        for key in keys:
            if key in self.unchanged:
                self.unchanged.discard(key)
                self.updated.add(key)

    def counts(self, rows: int) -> Counts:
        return Counts(rows=rows, created=len(self.created), updated=len(self.updated),
                      unchanged=len(self.unchanged))


def _batches(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def sync_rows(session: Session, model: Any, *, organisation_id: int,
              rows: Mapping[Hashable, dict[str, Any]], compared: Sequence[str],
              key_columns: Sequence[str] = ("key",), batch_size: int = 5000,
              set_checked_from: int | None = None) -> Synced:
    """Upsert one organisation's rows by key; only `compared` columns are updated on existing rows.

    Meant for tables of thousands to a few hundred thousand rows (people, roles, pulse): their
    existing keys fit in memory, so one SELECT replaces a round trip per row. On PostgreSQL the
    new and changed rows go in by binary COPY into a temporary table, then one INSERT … SELECT
    and one UPDATE … FROM: the server checks keys and indexes in sets, not row by row.
    With `set_checked_from`, PostgreSQL writing at least that many rows (new and changed) drops
    the table's foreign keys (but those to `organisations`) for the write and adds them back
    after it, so each is checked in one pass over the table instead of one query per row; the
    table and those it refers to stay locked against readers until the transaction ends. Such a
    write of at least as many rows as the table held also builds the table's secondary indexes
    after its rows (`store/deferred_indexes.py`), the table being locked already.
    """
    table = model.__table__
    keys = [table.c[name] for name in key_columns]
    columns = [table.c[name] for name in compared]
    width = len(keys)
    existing: dict[Hashable, tuple[int, tuple[Any, ...]]] = {}
    query = select(table.c.id, *keys, *columns).where(table.c.organisation_id == organisation_id)
    for found in session.execute(query):
        key = found[1] if width == 1 else tuple(found[1:1 + width])
        existing[key] = (found[0], tuple(found[1 + width:]))

    synced = Synced()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, values in rows.items():
        present = existing.get(key)
        if present is None:
            synced.created.add(key)
            key_values = (key,) if width == 1 else key
            inserts.append({"organisation_id": organisation_id,
                            **dict(zip(key_columns, key_values, strict=True)), **values})
            continue
        synced.ids[key] = present[0]
        if tuple(values[name] for name in compared) == present[1]:
            synced.unchanged.add(key)
        else:
            synced.updated.add(key)
            updates.append({"_id": present[0], **{name: values[name] for name in compared}})

    if session.get_bind().dialect.name == "postgresql":
        set_checked = (set_checked_from is not None
                       and len(inserts) + len(updates) >= set_checked_from)
        synced.ids.update(_copy_and_write(session, table, inserts=inserts, updates=updates,
                                          compared=compared, key_columns=key_columns,
                                          set_checked=set_checked))
        return synced
    for batch in _batches(inserts, batch_size):
        session.execute(insert(table), list(batch))
    if updates:
        statement = (update(table).where(table.c.id == bindparam("_id"))
                     .values({name: bindparam(name) for name in compared}))
        for batch in _batches(updates, batch_size):
            session.execute(statement, list(batch))
    if synced.created:
        new_ids = session.execute(select(table.c.id, *keys).where(
            table.c.organisation_id == organisation_id, table.c.id > _max_before(existing)))
        for found in new_ids:
            synced.ids[found[1] if width == 1 else tuple(found[1:])] = found[0]
    return synced


def reserve_ids(session: Session, model: Any, *, count: int) -> list[int] | None:
    """`count` new ids of `model`'s table taken from its sequence now, so rows can refer to each
    other before they are written; None on SQLite, which has no sequence to take them from."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    if not count:
        return []
    sequence = session.execute(text("SELECT pg_get_serial_sequence(:table, 'id')"),
                               {"table": model.__table__.name}).scalar_one()
    # one array in one row: fetching a hundred thousand one-value rows costs more than taking
    # them; the sequence named once, as a regclass constant (by name, each row would look it up
    # again: 6 times slower)
    return list(session.execute(
        text("SELECT array_agg(nextval(CAST(:sequence AS regclass))) "
             "FROM generate_series(1, :n)"),
        {"sequence": sequence, "n": count}).scalar_one())


def _copy_and_write(session: Session, table: Any, *, inserts: list[dict[str, Any]],
                    updates: list[dict[str, Any]], compared: Sequence[str],
                    key_columns: Sequence[str], set_checked: bool) -> dict[Hashable, int]:
    """PostgreSQL: new rows and changed rows each staged by binary COPY, then written in one
    statement; returns the new rows' ids by key (from RETURNING, so no second look-up).
    `set_checked`: the table's foreign keys checked once after the writes, not row by row."""
    connection = session.connection()
    cursor = connection.connection.driver_connection.cursor()
    try:
        if not set_checked:
            return _write_staged(cursor, table, connection.dialect, inserts=inserts,
                                 updates=updates, compared=compared, key_columns=key_columns)
        with checked_as_a_set(cursor, table.name, keep=_KEPT_REFERENCES):
            # the table is locked by now: its secondary indexes are built after the writes
            # when these are at least as many rows as it held
            rebuilt = (drop_secondary_indexes(cursor, table.name)
                       if len(inserts) + len(updates) >= _stored_rows(cursor, table.name) else [])
            ids = _write_staged(cursor, table, connection.dialect, inserts=inserts,
                                updates=updates, compared=compared, key_columns=key_columns)
            build_indexes(cursor, rebuilt)
            return ids
    finally:
        cursor.close()


def _stored_rows(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")
    return int(cursor.fetchone()[0])


def _write_staged(cursor: Any, table: Any, dialect: Any, *, inserts: list[dict[str, Any]],
                  updates: list[dict[str, Any]], compared: Sequence[str],
                  key_columns: Sequence[str]) -> dict[Hashable, int]:
    """The writes of `_copy_and_write` on its cursor; the new rows' ids by key."""
    ids: dict[Hashable, int] = {}
    if inserts:
        names = list(inserts[0])
        # columns with a Python-side default the rows leave out (the ORM would fill them)
        defaults = {column.name: column.default.arg for column in table.c
                    if column.name not in names and column.default is not None
                    and column.default.is_scalar}
        pick, extra = itemgetter(*names), tuple(defaults.values())  # organisation, key, …
        names += list(defaults)
        rows = [pick(row) + extra for row in inserts] if extra else map(pick, inserts)
        if "id" in names:
            # ids reserved ahead (`reserve_ids`): straight into the table, nothing to return
            _copy(cursor, table, dialect, names, rows, into=table.name)
            width = len(key_columns)
            for row in inserts:
                ids[row[key_columns[0]] if width == 1
                    else tuple(row[name] for name in key_columns)] = row["id"]
        else:
            staged = _stage(cursor, table, dialect, names, rows)
            listed = ", ".join(names)
            width = len(key_columns)
            cursor.execute(f"INSERT INTO {table.name} ({listed}) SELECT {listed} FROM {staged} "
                           f"RETURNING id, {', '.join(key_columns)}")
            for found in cursor.fetchall():
                ids[found[1] if width == 1 else tuple(found[1:])] = found[0]
    if updates:
        staged = _stage(cursor, table, dialect, ["id", *compared],
                        [(row["_id"], *(row[name] for name in compared)) for row in updates])
        assignments = ", ".join(f"{name} = staged.{name}" for name in compared)
        cursor.execute(f"UPDATE {table.name} SET {assignments} FROM {staged} AS staged "
                       f"WHERE {table.name}.id = staged.id")
    return ids


def _stage(cursor: Any, table: Any, dialect: Any, names: Sequence[str],
           rows: Iterable[Sequence[Any]]) -> str:
    """A temporary table shaped like `names` of `table`, filled by binary COPY; its name."""
    staged = f"staged_{table.name}"
    listed = ", ".join(names)
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{staged}")
    cursor.execute(f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS "
                   f"SELECT {listed} FROM {table.name} WITH NO DATA")
    _copy(cursor, table, dialect, names, rows, into=staged)
    return staged


def _copy(cursor: Any, table: Any, dialect: Any, names: Sequence[str],
          rows: Iterable[Sequence[Any]], *, into: str) -> None:
    """`rows` (values of `names` of `table`, bound by their SQLAlchemy types) by binary COPY
    into `into`."""
    listed = ", ".join(names)
    cursor.execute(f"SELECT {listed} FROM {into} LIMIT 0")
    types = [column.type_code for column in cursor.description]
    binders = [(index, bind) for index, name in enumerate(names)
               if (bind := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
               is not None]
    with cursor.copy(f"COPY {into} ({listed}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in rows:
            if binders:
                row = list(row)
                for index, bind in binders:
                    row[index] = bind(row[index])
            copy.write_row(row)


def _max_before(existing: Mapping[Hashable, tuple[int, Any]]) -> int:
    return max((found[0] for found in existing.values()), default=0)


def replace_children(session: Session, model: Any, *, parent_column: str,
                     wanted: Mapping[int, set[tuple[Any, ...]]], columns: Sequence[str],
                     batch_size: int = 5000) -> set[int]:
    """Make each parent's children exactly `wanted` (tuples of `columns`); return those changed."""
    if not wanted:
        return set()
    table = model.__table__
    parent = table.c[parent_column]
    current: dict[int, set[tuple[Any, ...]]] = {parent_id: set() for parent_id in wanted}
    parent_ids = list(wanted)
    for batch in _batches(parent_ids, batch_size):
        query = select(parent, *[table.c[name] for name in columns]).where(parent.in_(batch))
        for found in session.execute(query):
            current[found[0]].add(tuple(found[1:]))
    changed = [parent_id for parent_id in parent_ids if current[parent_id] != wanted[parent_id]]
    for batch in _batches(changed, batch_size):
        session.execute(delete(table).where(parent.in_(batch)))
    rows = [{parent_column: parent_id, **dict(zip(columns, child, strict=True))}
            for parent_id in changed for child in sorted(wanted[parent_id], key=repr)]
    for batch in _batches(rows, batch_size):
        session.execute(insert(table), list(batch))
    return set(changed)


class RowChanges(Protocol):
    """Told what a KeyedStream writes, in its transaction: what a summary of the table needs."""

    def added(self, columns: Sequence[Sequence[Any]]) -> None:
        """New rows just written, as columns of their values as bound (COLUMNS order); called
        on the caller's thread (with a writer thread, while it writes the next batch)."""

    def replacing(self, row_ids: Sequence[int]) -> None:
        """Stored rows (by id) about to be overwritten with new values; called before."""

    def written(self) -> None:
        """Every row is written; called on the caller's thread."""


class KeyedStream:
    """Streams rows keyed by `key` into a large table (signals, evidence) in bounded memory.

    Per batch, sorted by key so the unique index is walked in order: INSERT … ON CONFLICT DO
    NOTHING (SQLite: a few statements of ~4,000 rows each; PostgreSQL: binary COPY straight into
    the table in a savepoint until a batch meets a stored key, then binary COPY into a temporary
    table and one INSERT … SELECT). When every row went in (a first import) that is all.
    Otherwise one SELECT of the batch's keys sorts the rest: rows older than the import are
    unchanged or updated (SQLite: compared here, one executemany UPDATE; PostgreSQL: compared with
    the staged batch in SQL, one UPDATE … FROM it); rows written earlier by this import mean the
    key is repeated in the file. Old rows touched twice are caught with one bit per old id
    (5 million rows: 600 kB). Values are bound by the columns' own SQLAlchemy types, so what is
    stored is what the ORM would store.

    With `background=True` batches are written by one writer thread while the caller checks the
    next batch: PostgreSQL's driver releases the GIL while the server works, and SQLite's while
    it inserts a statement's thousands of rows (only binding the values holds it). On SQLite
    only a load at least as large as the table is written so, and only until a batch meets
    stored keys: comparing stored rows in Python holds the GIL, and the rest of the write goes
    on the caller's thread. Use it as a context manager so the writer has stopped before the
    transaction ends, whichever way it ends.

    `changes` is told of new rows as they are written, of stored rows before they are
    overwritten and of the end of the writes (`RowChanges`): the signals keep their team-week
    summary that way (`store/team_weeks.py`).

    With `build_indexes_from` on PostgreSQL, a write of `expected_rows` at least that many and at
    least as many as the table holds, whose first batch holds no stored key (not a re-import),
    drops the table's secondary indexes before that batch and builds them after the last row
    (`store/deferred_indexes.py`): the table is then locked against readers and other writers
    until the transaction ends. SQLite keeps its indexes: it updates them on the writer thread
    while the caller checks rows, where a build after the last row would add to the wait.
    """

    def __init__(self, session: Session, model: Any, *, organisation_id: int,
                 columns: Sequence[str], problems: Problems, batch_size: int,
                 noun: str = "id", background: bool = False,
                 changes: RowChanges | None = None, expected_rows: int = 0,
                 build_indexes_from: int | None = None) -> None:
        table = model.__table__
        connection = session.connection()
        dialect = connection.dialect
        self._connection = connection.connection.driver_connection
        self._cursor = self._connection.cursor()
        self._sqlite = dialect.name == "sqlite"
        self._table = table
        self._organisation_id = organisation_id
        self._columns = list(columns)
        self._problems = problems
        self._batch_size = batch_size
        self._noun = noun
        self._changes = changes
        self._pending: dict[str, tuple[int, tuple[Any, ...]]] = {}
        self._binders = [(index, _Remembered(bind)) for index, name in enumerate(self._columns)
                         if (bind := table.c[name].type.dialect_impl(dialect)
                             .bind_processor(dialect)) is not None]
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(self._columns)
        conflict = "ON CONFLICT (organisation_id, key) DO NOTHING"
        if self._sqlite:
            self._cursor.execute("PRAGMA cache_size")
            self._cache_size = self._cursor.fetchone()[0]
            # index pages of a large table must stay cached, or each insert reads them again
            self._cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            self._insert_sql = (f"INSERT INTO {table.name} (organisation_id, key, {names}) "
                                f"VALUES {{rows}} {conflict}")
            self._row_marks = f"({', '.join([mark] * (len(self._columns) + 2))})"
            self._statements: dict[int, str] = {}
        else:
            self._incoming = f"incoming_{table.name}"
            # a second stream in the same transaction finds the first one's table still there
            self._cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{self._incoming}")
            self._cursor.execute(f"CREATE TEMPORARY TABLE {self._incoming} ON COMMIT DROP AS "
                                 f"SELECT key, {names} FROM {table.name} WITH NO DATA")
            self._cursor.execute(f"SELECT key, {names} FROM {self._incoming} LIMIT 0")
            self._copy_types = [column.type_code for column in self._cursor.description]
            # binary: the driver formats a row in a fraction of the time text takes
            self._copy_sql = f"COPY {self._incoming} (key, {names}) FROM STDIN (FORMAT BINARY)"
            self._insert_sql = (f"INSERT INTO {table.name} (organisation_id, key, {names}) "
                                f"SELECT {mark}, key, {names} FROM {self._incoming} {conflict}")
            self._cursor.execute(f"SELECT organisation_id, key, {names} FROM {table.name} LIMIT 0")
            self._table_types = [column.type_code for column in self._cursor.description]
            self._copy_into_sql = (f"COPY {table.name} (organisation_id, key, {names}) "
                                   f"FROM STDIN (FORMAT BINARY)")
            # LATERAL … LIMIT 1: one probe of the unique index per staged key, whatever the
            # planner believes of a table this very import is filling (its statistics lag)
            stored_row = (f"CROSS JOIN LATERAL (SELECT * FROM {table.name} AS stored "
                          f"WHERE stored.organisation_id = {mark} AND stored.key = staged.key "
                          f"LIMIT 1) AS stored")
            self._present_sql = (f"SELECT EXISTS (SELECT 1 FROM {self._incoming} AS staged "
                                 f"{stored_row})")
        if self._sqlite:
            self._select_sql = (f"SELECT id, key, {names} FROM {table.name} "
                                f"WHERE organisation_id = {mark} AND key IN ({{marks}})")
            self._update_sql = (f"UPDATE {table.name} SET "
                                f"{', '.join(f'{name} = {mark}' for name in self._columns)} "
                                f"WHERE id = {mark}")
        else:
            stored = ", ".join(f"stored.{name}" for name in self._columns)
            staged = ", ".join(f"staged.{name}" for name in self._columns)
            self._match_sql = (
                f"SELECT stored.id, stored.key, ({stored}) IS NOT DISTINCT FROM ({staged}) "
                f"FROM {self._incoming} AS staged {stored_row}")
            self._update_sql = (
                f"UPDATE {table.name} AS stored SET "
                f"{', '.join(f'{name} = staged.{name}' for name in self._columns)} "
                f"FROM {self._incoming} AS staged "
                f"WHERE stored.id = ANY({mark}) AND staged.key = stored.key")
        self._mark = mark
        self._direct = not self._sqlite
        self._first_id = self._max_id()
        # SQLite: a load at least as large as the table, until a batch meets stored keys (a
        # re-import), writes on the writer thread, and after an all-new first batch with a
        # smaller page cache (see SQLITE_LOAD_CACHE_KIB)
        self._loading = self._sqlite and expected_rows >= self._first_id
        self._met_stored = False
        self._touched = bytearray(self._first_id // 8 + 1)
        # a load at least as large as the table (its largest id bounds its rows) builds the
        # secondary indexes after it, not row by row during it
        self._dropped_indexes: list[str] = []
        self._drop_indexes = (not self._sqlite and build_indexes_from is not None
                              and expected_rows >= max(build_indexes_from, self._first_id))
        threaded = background and (not self._sqlite or self._loading)
        self._writer = ThreadPoolExecutor(1, "learnloop-writer") if threaded else None
        self._writing: Future[_Written] | None = None
        self.counts = Counts()

    def __enter__(self) -> KeyedStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(quiet=kind is not None)

    def _max_id(self) -> int:
        self._cursor.execute(f"SELECT max(id) FROM {self._table.name}")
        return int(self._cursor.fetchone()[0] or 0)

    def add(self, row: int, key: str, values: tuple[Any, ...]) -> None:
        self.counts.rows += 1
        earlier = self._pending.get(key)
        if earlier is not None:
            self._problems.add(f"{self._noun} {key!r} appears more than once in this file "
                               f"(also row {earlier[0]})", row=row, field="id")
            return
        self._pending[key] = (row, values)
        if len(self._pending) >= self._batch_size:
            self.flush()

    def add_batch(self, rows: Sequence[int], keys: Sequence[str],
                  columns: Sequence[Sequence[Any]]) -> None:
        """Rows at `rows` with ids `keys` and values as whole `columns` (in COLUMNS order): as
        `add` of each row, written as one batch of its own when no row is pending and no key
        repeats within it (else row by row, so repeats are reported as `add` reports them)."""
        if self._pending or len(set(keys)) != len(keys):
            for row, key, values in zip(rows, keys, zip(*columns, strict=True), strict=True):
                self.add(row, key, values)
            return
        if not keys:
            return
        self.counts.rows += len(keys)
        width = len(self._columns) + 2
        flat: list[Any] = [self._organisation_id] * (len(keys) * width)
        if all(map(le, keys, islice(keys, 1, None))):
            # in key order already (an export sorted by subject): each column as it is
            flat[1::width] = keys
            for index, column in enumerate(columns):
                flat[2 + index::width] = column
        else:
            order = sorted(range(len(keys)), key=keys.__getitem__)
            flat[1::width] = map(keys.__getitem__, order)
            for index, column in enumerate(columns):
                flat[2 + index::width] = map(column.__getitem__, order)
        self._send(dict(zip(keys, rows, strict=True)), self._bind(flat))

    def flush(self) -> None:
        """Write the pending rows; in the background, once the previous batch is written."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        self._send({key: entry[0] for key, entry in pending.items()}, self._flatten(pending))

    def _send(self, row_of: dict[str, int], flat: list[Any]) -> None:
        """Write one batch (`flat`: sorted and bound, see `_flatten`; `row_of`: key → row)."""
        if self._met_stored and self._writer is not None:
            # SQLite comparing stored rows holds the GIL: a writer thread would only fight the
            # caller's checks for it
            self._wait()
            self._writer.shutdown(wait=True)
            self._writer = None
        if self._writer is None:
            self._report(self._write(row_of, flat))
            return
        # sorted and bound by now, so the writer holds the GIL only to hand rows to the driver
        written = self._take()  # one batch in flight at most: memory stays bounded
        self._writing = self._writer.submit(self._write, row_of, flat)
        if written is not None:
            self._report(written)  # while the writer writes the next batch

    def _take(self) -> _Written | None:
        """The outcome of the batch in flight, once it is written."""
        if self._writing is None:
            return None
        writing, self._writing = self._writing, None
        return writing.result()

    def _wait(self) -> None:
        written = self._take()
        if written is not None:
            self._report(written)

    def _report(self, written: _Written) -> None:
        """On the caller's thread: a batch's repeated keys reported, its new rows told."""
        repeated, created = written
        for key, row in repeated:
            self._problems.add(f"{self._noun} {key!r} appears more than once in this file",
                               row=row, field="id")
        if created and self._changes is not None:
            self._changes.added(created)

    def _flatten(self, pending: dict[str, tuple[int, tuple[Any, ...]]]) -> list[Any]:
        """org, key, values… per row, in key order; each bound column converted in one pass."""
        org = self._organisation_id
        return self._bind(list(chain.from_iterable(
            (org, key, *pending[key][1]) for key in sorted(pending))))

    def _bind(self, flat: list[Any]) -> list[Any]:
        """Each bound column of `flat` converted in one pass, in place."""
        width = len(self._columns) + 2
        for index, memo in self._binders:
            flat[2 + index::width] = map(memo.__getitem__, flat[2 + index::width])
        return flat

    def _write(self, row_of: dict[str, int], flat: list[Any]) -> _Written:
        """Write one batch; returns (key, row) of rows whose key an earlier batch already had,
        and the new rows' values as columns (none when there is no `changes` to tell)."""
        width = len(self._columns) + 2
        if self._direct and self._copied_straight_in(flat):
            self.counts.created += len(row_of)
            return [], self._columns_of(flat)
        # only now: every row copied straight in needs no telling apart (a query per batch)
        before = self._max_id()
        inserted = self._insert_sqlite(flat) if self._sqlite else self._insert_postgres(flat)
        self.counts.created += inserted
        if self._loading:  # after the first batch, which was written with the large cache
            self._loading = False
            if inserted == len(row_of):
                self._cursor.execute(f"PRAGMA cache_size = -{SQLITE_LOAD_CACHE_KIB}")
        if self._sqlite and inserted < len(row_of):
            self._met_stored = True
        if inserted == len(row_of):
            return [], self._columns_of(flat)
        wanted = {flat[start + 1]: tuple(flat[start + 2:start + width])
                  for start in range(0, len(flat), width)}
        repeated: list[tuple[str, int]] = []
        changed: list[tuple[int, str]] = []
        created: list[tuple[Any, ...]] = []
        for row_id, key, same in self._matches(list(wanted), wanted):
            if row_id > before:
                created.append(wanted[key])  # written just now
                continue
            if row_id > self._first_id or self._seen(row_id):
                repeated.append((key, row_of[key]))
            elif same:
                self.counts.unchanged += 1
            else:
                self.counts.updated += 1
                changed.append((row_id, key))
        if changed and self._changes is not None:
            self._changes.replacing([row_id for row_id, _key in changed])
        if changed and self._sqlite:
            self._cursor.executemany(self._update_sql,
                                     [(*wanted[key], row_id) for row_id, key in changed])
        elif changed:  # from the staged batch, in one statement
            self._cursor.execute(self._update_sql, ([row_id for row_id, _key in changed],))
        if not created or self._changes is None:
            return repeated, []
        return repeated, [list(column) for column in zip(*created, strict=True)]

    def _columns_of(self, flat: list[Any]) -> list[list[Any]]:
        """The values of `flat`'s rows as columns, for `changes`."""
        if self._changes is None:
            return []
        width = len(self._columns) + 2
        return [flat[2 + index::width] for index in range(width - 2)]

    def _matches(self, keys: list[str], wanted: dict[str, tuple[Any, ...]]
                 ) -> Iterable[tuple[int, str, bool]]:
        """(id, key, stored values equal the batch's) of the batch's keys already in the table.

        PostgreSQL compares in SQL against the staged batch; SQLite reads the rows back.
        """
        cursor, org = self._cursor, self._organisation_id
        if not self._sqlite:
            cursor.execute(self._match_sql, (org,))
            yield from cursor.fetchall()
            return
        for start in range(0, len(keys), _MAX_IN):
            chunk = keys[start:start + _MAX_IN]
            cursor.execute(self._select_sql.format(
                marks=", ".join([self._mark] * len(chunk))), (org, *chunk))
            for existing in cursor.fetchall():
                yield existing[0], existing[1], tuple(existing[2:]) == wanted[existing[1]]

    def _insert_sqlite(self, flat: list[Any]) -> int:
        # many rows per statement: the writer takes the GIL back once per statement, not per row
        width = len(self._columns) + 2
        step = _SQLITE_PARAMETERS // width * width
        inserted = 0
        for start in range(0, len(flat), step):
            chunk = flat[start:start + step]
            rows = len(chunk) // width
            statement = self._statements.get(rows)
            if statement is None:
                statement = self._statements[rows] = self._insert_sql.format(
                    rows=", ".join([self._row_marks] * rows))
            self._cursor.execute(statement, chunk)
            inserted += self._cursor.rowcount
        return inserted

    def _copied_straight_in(self, flat: list[Any]) -> bool:
        """PostgreSQL: the batch by COPY straight into the table, or False (and never again)."""
        # until a key is found stored (a re-import, or a key repeated across batches), the
        # batch goes by COPY straight into the table; the unique index refuses a stored key,
        # and the savepoint takes the batch back so it goes the staged way instead
        # the first batch copied straight in is what drops the indexes a large load builds
        # after it: a re-import (its first key already stored) takes the drop back with the
        # batch, and keeps the indexes it would otherwise rebuild for nothing
        cursor = self._cursor
        cursor.execute("SAVEPOINT learnloop_batch")
        dropping, self._drop_indexes = self._drop_indexes, False
        try:
            if dropping:
                self._dropped_indexes = drop_secondary_indexes(cursor, self._table.name)
            self._copy_into(flat)
        except Exception as error:
            if getattr(error, "sqlstate", None) != _UNIQUE_VIOLATION:
                raise
            cursor.execute("ROLLBACK TO SAVEPOINT learnloop_batch")
            if dropping:
                self._dropped_indexes = []  # back as they were, with this batch
            self._direct = False
            return False
        cursor.execute("RELEASE SAVEPOINT learnloop_batch")
        return True

    def _insert_postgres(self, flat: list[Any]) -> int:
        cursor, width = self._cursor, len(self._columns) + 2
        cursor.execute(f"TRUNCATE {self._incoming}")
        with cursor.copy(self._copy_sql) as copy:
            copy.set_types(self._copy_types)
            _write_rows(copy, flat, width, skip=1)
        cursor.execute(self._present_sql, (self._organisation_id,))
        if cursor.fetchone()[0]:
            cursor.execute(self._insert_sql, (self._organisation_id,))
            return cursor.rowcount
        # no key is stored yet (a first import): COPY straight in, which fills whole pages at a
        # time, where INSERT … ON CONFLICT writes and logs row by row; the batch is sent twice,
        # which costs the client far less than that costs the server
        self._copy_into(flat)
        return len(flat) // width

    def _copy_into(self, flat: list[Any]) -> None:
        with self._cursor.copy(self._copy_into_sql) as copy:
            copy.set_types(self._table_types)
            _write_rows(copy, flat, len(self._columns) + 2)

    def _seen(self, row_id: int) -> bool:
        byte, bit = divmod(row_id, 8)
        seen = bool(self._touched[byte] & (1 << bit))
        self._touched[byte] |= 1 << bit
        return seen

    def finish(self) -> Counts:
        """Write what is pending, wait for the writer and return the counts."""
        self.flush()
        self.close()
        if self._dropped_indexes:
            with closing(self._connection.cursor()) as cursor:
                build_indexes(cursor, self._dropped_indexes)
        if self._changes is not None:
            self._changes.written()
        return self.counts

    def close(self, *, quiet: bool = False) -> None:
        """Stop the writer (after its batch) and give the connection back as it was; idempotent.

        `quiet` when already failing: the writer's own error must not hide the first one.
        """
        if self._cursor is None:
            return
        try:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
                if quiet and self._writing is not None:
                    self._writing.exception()
                    self._writing = None
                self._wait()
        finally:
            cursor, self._cursor = self._cursor, None
            if self._sqlite:
                cursor.execute(f"PRAGMA cache_size = {self._cache_size}")
            cursor.close()


def _write_rows(copy: Any, flat: list[Any], width: int, *, skip: int = 0) -> None:
    """Each row of `flat` (`width` values a row, the first `skip` of them left out) to `copy`:
    the rows made by `zip` and handed over by `map`, with no Python loop per row."""
    deque(map(copy.write_row, zip(*(flat[at::width] for at in range(skip, width)),
                                  strict=True)), maxlen=0)


class _Remembered(dict):
    """A column's bind processor with its answers kept, read in C by `map(memo.__getitem__, …)`:
    a file repeats the same few times or days many times over."""

    def __init__(self, bind: Callable[[Any], Any]) -> None:
        super().__init__()
        self._bind = bind

    def __missing__(self, value: Any) -> Any:
        if len(self) >= _REMEMBERED:
            self.clear()
        bound = self[value] = self._bind(value)
        return bound
