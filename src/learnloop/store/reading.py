"""What the read repositories share: key look-ups in chunks the database accepts as IN lists, and
raw rows straight from the driver's cursor with times and dates converted once per distinct value.

Agents read millions of values (100,000 people × 52 weeks); SQLAlchemy's per-row result
processing would cost more than the query itself, so bulk reads skip it and convert here.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

__all__ = [
    "IN_CHUNK", "chunks", "dates", "keys_by_id", "no_cycle_collection", "raw_batches",
    "utc_times",
]

# well under SQLite's 32,766 bound variables, and small enough for PostgreSQL's planner
IN_CHUNK = 5000
_FETCH = 50_000

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def keys_by_id(session: Session, table: Any, *, organisation_id: int,
               keys: Collection[str] | None = None) -> dict[int, str]:
    """id → key of the organisation's rows of `table`; only `keys` when given."""
    query = select(table.id, table.key).where(table.organisation_id == organisation_id)
    if keys is None:
        return dict(session.execute(query).all())
    found: dict[int, str] = {}
    for chunk in chunks(sorted(set(keys))):
        found.update(session.execute(query.where(table.key.in_(chunk))).all())
    return found


def raw_batches(session: Session, query: Select) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of `query` in batches, as the driver returns them: parameters are bound by
    SQLAlchemy as usual, but results skip its type processing (convert times with `utc_times`,
    dates with `dates`)."""
    result = session.connection().execute(query)
    try:
        while batch := result.cursor.fetchmany(_FETCH):
            yield batch
    finally:
        result.close()


def _utc(raw: Any) -> datetime:
    # SQLite keeps naive UTC text; PostgreSQL returns aware datetimes in the session's zone
    moment = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _date(raw: Any) -> date:
    return date.fromisoformat(raw) if isinstance(raw, str) else raw


def utc_times(raws: Sequence[Any], seen: dict[Any, datetime]) -> Iterator[datetime]:
    """Driver times as aware UTC datetimes, converting each distinct value once (kept in
    `seen` across batches): a weekly series repeats the same few times."""
    for raw in set(raws).difference(seen):
        seen[raw] = _utc(raw)
    return map(seen.__getitem__, raws)


def dates(raws: Sequence[Any], seen: dict[Any, date]) -> Iterator[date]:
    """Driver dates as dates, each distinct value converted once (kept in `seen`)."""
    for raw in set(raws).difference(seen):
        seen[raw] = _date(raw)
    return map(seen.__getitem__, raws)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pauses Python's cycle collector: building millions of rows and values would set it off
    again and again (a third of a large read's time), though none of them can form a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
