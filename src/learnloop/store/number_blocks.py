"""Reads a query of numbers only as one float64 array, the fastest way each database allows:
PostgreSQL sends it by binary COPY, parsed by NumPy a block at a time with no Python object per
value; SQLite's rows come straight from the driver's cursor, each batch converted in C.

The skills and needs agents read millions of such rows (evidence, proficiencies).
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Float, Select, cast, select
from sqlalchemy.orm import Session

from learnloop.store.reading import raw_batches

__all__ = ["number_block"]

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = len(_SIGNATURE) + 8  # flags and header-extension length, both int32 (zero)
_GATHER = 8 << 20


def number_block(session: Session, query: Select) -> np.ndarray:
    """The rows of `query` (numbers only, no NULLs) as an array of one row per row, one column
    per selected column, in no particular order."""
    width = len(query.selected_columns)
    if session.get_bind().dialect.name != "postgresql":
        blocks = [np.array(batch, dtype=np.float64) for batch in raw_batches(session, query)]
        block = np.concatenate(blocks) if blocks else np.empty((0, width))
        if np.isnan(block).any():  # SQLite keeps no NaN: this was a NULL
            raise ValueError("a NULL in a number block")
        return block
    return _copied(session, query, width)


def _copied(session: Session, query: Select, width: int) -> np.ndarray:
    # every column as float8: each row is then the same 2 + width × 12 bytes (a field count,
    # then a length and 8 bytes per field), so whole blocks parse as one structured array
    # (a subquery's order is not kept: callers that need one sort the block)
    floats = select(*(cast(column, Float(53)) for column in query.subquery().c))
    # IN lists expanded into the text, as COPY takes no expanding parameters
    compiled = floats.compile(dialect=session.get_bind().dialect,
                              compile_kwargs={"render_postcompile": True})
    row = np.dtype([("count", ">i2")] + [item for i in range(width) for item in (
        (f"length{i}", ">i4"), (f"value{i}", ">f8"))])
    cursor = session.connection().connection.driver_connection.cursor()
    blocks: list[np.ndarray] = []
    data = bytearray()
    try:
        with cursor.copy(f"COPY ({compiled.string}) TO STDOUT (FORMAT BINARY)",
                         compiled.params) as copy:
            # libpq hands COPY data over a row at a time: gather a few MB, then parse them
            for chunk in copy:
                data += chunk
                if len(data) >= _GATHER:
                    _parse(data, row, width, blocks)
            _parse(data, row, width, blocks)
    finally:
        cursor.close()
    if bytes(data) != b"\xff\xff":  # what is left must be the trailer alone
        raise ValueError(f"binary COPY ended with {len(data)} unparsed bytes: a NULL or a "
                         "column that is not a number")
    return np.concatenate(blocks) if blocks else np.empty((0, width))


def _parse(data: bytearray, row: np.dtype, width: int, blocks: list[np.ndarray]) -> None:
    """Parse the whole rows at the front of `data` into `blocks` and drop them from it (the
    file header first, when it is still there)."""
    if not blocks and data.startswith(_SIGNATURE[:len(data)]):
        if len(data) < _HEADER:
            return
        del data[:_HEADER]
        blocks.append(np.empty((0, width)))  # the header is gone
    whole = len(data) // row.itemsize * row.itemsize
    if whole:
        blocks.append(_values(np.frombuffer(bytes(data[:whole]), dtype=row), width))
        del data[:whole]


def _values(rows: np.ndarray, width: int) -> np.ndarray:
    if len(rows) and not ((rows["count"] == width).all() and all(
            (rows[f"length{i}"] == 8).all() for i in range(width))):
        raise ValueError("binary COPY rows are not all numbers: a NULL in a number block")
    out = np.empty((len(rows), width))
    for i in range(width):
        out[:, i] = rows[f"value{i}"]
    return out

