"""SQLite reads of millions of numbers without a Python object per row: each column comes back
as one comma-joined text (`group_concat`, run in C) that NumPy parses in C.

The driver builds a tuple per row (about 1 µs each at millions of rows); a joined integer costs
about a tenth of that. Callers pack several small integers into one (a person and a skill id,
a kind and a day) to read fewer columns. All aggregates of one query step over the same rows in
the same order, so the columns stay aligned; a subquery's ORDER BY sets that order.
"""

from __future__ import annotations

import warnings

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from learnloop.store.reading import raw_batches

__all__ = ["MissingValue", "joined_integers", "joined_reals"]


class MissingValue(ValueError):
    """A column of a joined read had a NULL (or a value that is not of its kind)."""


def joined_integers(session: Session, query: Select) -> np.ndarray:
    """The integer columns of `query` as an int64 array, one row per row, in the query's order;
    a NULL anywhere raises `MissingValue` (a caller may make a value NULL on purpose, to learn
    that some row cannot be read this way)."""
    rows = query.subquery()
    try:
        found = session.connection().execute(select(
            func.count(), *(func.group_concat(column) for column in rows.c)
        ).select_from(rows)).one()
    except DataError:  # a text past SQLite's longest (a billion bytes): row by row instead
        return _fetched(session, query, len(rows.c))
    count = int(found[0])
    out = np.empty((count, len(rows.c)), dtype=np.int64)
    for i, text in enumerate(found[1:]):
        out[:, i] = _parsed(text, count, np.int64)
    return out


def _fetched(session: Session, query: Select, width: int) -> np.ndarray:
    batches = [np.array(batch, dtype=object) for batch in raw_batches(session, query)]
    block = np.concatenate(batches) if batches else np.empty((0, width), dtype=object)
    if any(value is None for value in block.flat):
        raise MissingValue("a NULL in a joined read")
    return block.astype(np.int64)


def joined_reals(session: Session, query: Select) -> np.ndarray:
    """The one real column of `query` as float64, in the query's order: written with 17
    significant digits (SQLite's own text for a real keeps 15, which may not read back as the
    same number)."""
    rows = query.subquery()
    column = rows.c[0]
    count, text = session.connection().execute(select(
        func.count(), func.group_concat(func.printf("%!.17g", column))).select_from(rows)).one()
    return _parsed(text, int(count), np.float64)


def _parsed(text: str | None, count: int, dtype: type) -> np.ndarray:
    if not text:
        values = np.empty(0, dtype=dtype)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)  # NumPy's word for a bad value
            try:
                values = np.fromstring(text, dtype=dtype, sep=",")
            except (DeprecationWarning, ValueError) as error:
                raise MissingValue(f"a joined column holds a value that is not a "
                                   f"{np.dtype(dtype).name}: {error}") from None
    if len(values) != count:  # group_concat leaves NULLs out
        raise MissingValue(f"a joined column has {len(values)} values for {count} rows: a NULL")
    return values
