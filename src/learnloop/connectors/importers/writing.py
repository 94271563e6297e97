"""Bulk writes for importers: upsert by key in batches, telling created, updated, unchanged apart.

Keys→ids are loaded once; inserts and updates go out as executemany batches, never row by row.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from learnloop.connectors.importers.base import Counts, Problems

__all__ = ["KeyedStream", "Synced", "replace_children", "sync_rows"]


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
              key_columns: Sequence[str] = ("key",), batch_size: int = 5000) -> Synced:
    """Upsert one organisation's rows by key; only `compared` columns are updated on existing rows.

    Meant for tables of thousands to a few hundred thousand rows (people, roles, pulse): their
    existing keys fit in memory, so one SELECT replaces a round trip per row.
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


class KeyedStream:
    """Streams rows keyed by `key` into a large table (signals, evidence) in bounded memory.

    Per batch: one multi-row INSERT … ON CONFLICT DO NOTHING; when every row went in (a first
    import) that is all. Otherwise one SELECT of the batch's keys sorts the rest: rows older than
    the import are unchanged or updated (one executemany UPDATE); rows written earlier by this
    import mean the key is repeated in the file. Old rows touched twice are caught with one bit
    per old id (5 million rows: 600 kB). This runs on the driver's cursor with values bound by
    the columns' own SQLAlchemy types, so what is stored is what the ORM would store.
    """

    def __init__(self, session: Session, model: Any, *, organisation_id: int,
                 columns: Sequence[str], problems: Problems, batch_size: int,
                 noun: str = "id") -> None:
        table = model.__table__
        connection = session.connection()
        dialect = connection.dialect
        self._cursor = connection.connection.driver_connection.cursor()
        if dialect.name == "sqlite":
            # index pages of a large table must stay cached, or each insert reads them again
            self._cursor.execute("PRAGMA cache_size = -131072")
        self._table = table
        self._organisation_id = organisation_id
        self._columns = list(columns)
        self._problems = problems
        self._batch_size = batch_size
        self._noun = noun
        self._pending: dict[str, tuple[int, tuple[Any, ...]]] = {}
        self._binders = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                         for name in self._columns]
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        names = ", ".join(self._columns)
        self._insert_sql = (
            f"INSERT INTO {table.name} (organisation_id, key, {names}) "
            f"VALUES ({', '.join([mark] * (len(self._columns) + 2))}) "
            "ON CONFLICT (organisation_id, key) DO NOTHING")
        self._update_sql = (f"UPDATE {table.name} SET "
                            f"{', '.join(f'{name} = {mark}' for name in self._columns)} "
                            f"WHERE id = {mark}")
        self._select_sql = (f"SELECT id, key, {names} FROM {table.name} "
                            f"WHERE organisation_id = {mark} AND key IN ({{marks}})")
        self._mark = mark
        self._first_id = self._max_id()
        self._touched = bytearray(self._first_id // 8 + 1)
        self.counts = Counts()

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

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        org, binders = self._organisation_id, self._binders
        bound: dict[str, tuple[int, tuple[Any, ...]]] = {
            key: (row, tuple(value if bind is None else bind(value)
                             for value, bind in zip(values, binders, strict=True)))
            for key, (row, values) in pending.items()}
        before = self._max_id()
        cursor = self._cursor
        cursor.executemany(self._insert_sql,
                           [(org, key, *values) for key, (_row, values) in bound.items()])
        inserted = cursor.rowcount
        self.counts.created += inserted
        if inserted == len(bound):
            return
        cursor.execute(self._select_sql.format(marks=", ".join([self._mark] * len(bound))),
                       (org, *bound))
        updates: list[tuple[Any, ...]] = []
        for existing in cursor.fetchall():
            row_id, key, stored = existing[0], existing[1], tuple(existing[2:])
            row, values = bound[key]
            if row_id > before:
                continue  # written just now
            if row_id > self._first_id or self._seen(row_id):
                self._problems.add(f"{self._noun} {key!r} appears more than once in this file",
                                   row=row, field="id")
            elif stored == values:
                self.counts.unchanged += 1
            else:
                self.counts.updated += 1
                updates.append((*values, row_id))
        if updates:
            cursor.executemany(self._update_sql, updates)

    def _seen(self, row_id: int) -> bool:
        byte, bit = divmod(row_id, 8)
        seen = bool(self._touched[byte] & (1 << bit))
        self._touched[byte] |= 1 << bit
        return seen

    def finish(self) -> Counts:
        self.flush()
        self._cursor.close()
        return self.counts
