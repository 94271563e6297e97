"""Reads a query of numbers only as one float64 array, the fastest way each database allows:
PostgreSQL sends it by binary COPY, parsed by NumPy a block at a time with no Python object per
value; SQLite's rows come straight from the driver's cursor, each batch converted in C.

libpq hands COPY data over one row per call, so the loop over rows is the cost at millions of
rows: it runs on the libpq wrapper itself (about a third of the time psycopg's `Copy` iterator
takes, which drives a generator per row).

The skills and needs agents read millions of such rows (evidence, proficiencies).
"""

from __future__ import annotations

import selectors
from collections.abc import Iterator

import numpy as np
from psycopg import ClientCursor, Connection, pq
from psycopg.errors import error_from_result
from sqlalchemy import BigInteger, Float, Select, cast, select
from sqlalchemy.orm import Session

from learnloop.store.reading import raw_batches

__all__ = ["number_block"]

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = len(_SIGNATURE) + 8  # flags and header-extension length, both int32 (zero)
_GATHER = 8 << 20
_BURST = range(4096)  # rows read between two looks at how much has gathered


def number_block(session: Session, query: Select, *, integers: bool = False) -> np.ndarray:
    """The rows of `query` (numbers only, no NULLs) as an array of one row per row, one column
    per selected column, in no particular order; `integers`: every column is an integer, read
    as int64 (exact past 2^53, where a float is not)."""
    width = len(query.selected_columns)
    if session.get_bind().dialect.name != "postgresql":
        kind = np.int64 if integers else np.float64
        blocks = [np.array(batch, dtype=kind) for batch in raw_batches(session, query)]
        block = np.concatenate(blocks) if blocks else np.empty((0, width), dtype=kind)
        if not integers and np.isnan(block).any():  # SQLite keeps no NaN: this was a NULL
            raise ValueError("a NULL in a number block")
        return block
    return _copied(session, query, width, integers=integers)


def _copied(session: Session, query: Select, width: int, *, integers: bool) -> np.ndarray:
    # every column as float8 (or int8): each row is then the same 2 + width × 12 bytes (a field
    # count, then a length and 8 bytes per field), so whole blocks parse as one structured array
    # (a subquery's order is not kept: callers that need one sort the block)
    floats = select(*(cast(column, BigInteger if integers else Float(53))
                      for column in query.subquery().c))
    # IN lists expanded into the text, as COPY takes no expanding parameters
    compiled = floats.compile(dialect=session.get_bind().dialect,
                              compile_kwargs={"render_postcompile": True})
    row = np.dtype([("count", ">i2")] + [item for i in range(width) for item in (
        (f"length{i}", ">i4"), (f"value{i}", ">i8" if integers else ">f8"))])
    driver = session.connection().connection.driver_connection
    blocks: list[np.ndarray] = []
    data = bytearray()
    statement = ClientCursor(driver).mogrify(
        f"COPY ({compiled.string}) TO STDOUT (FORMAT BINARY)", compiled.params)
    for gathered in _copy_out(driver, statement, data):
        _parse(gathered, row, width, blocks)
    _parse(data, row, width, blocks)
    if bytes(data) != b"\xff\xff":  # what is left must be the trailer alone
        raise ValueError(f"binary COPY ended with {len(data)} unparsed bytes: a NULL or a "
                         "column that is not a number")
    return np.concatenate(blocks) if blocks else np.empty(
        (0, width), dtype=np.int64 if integers else np.float64)


def _parse(data: bytearray, row: np.dtype, width: int, blocks: list[np.ndarray]) -> None:
    """Parse the whole rows at the front of `data` into `blocks` and drop them from it (the
    file header first, when it is still there)."""
    if not blocks and data.startswith(_SIGNATURE[:len(data)]):
        if len(data) < _HEADER:
            return
        del data[:_HEADER]
        blocks.append(np.empty((0, width), dtype=row["value0"].newbyteorder("=")))  # header gone
    count = len(data) // row.itemsize
    if count:
        # read in place (no copy of the bytes); the view is gone before `data` shrinks
        blocks.append(_values(np.frombuffer(data, dtype=row, count=count), width))
        del data[:count * row.itemsize]


def _values(rows: np.ndarray, width: int) -> np.ndarray:
    if len(rows) and not ((rows["count"] == width).all() and all(
            (rows[f"length{i}"] == 8).all() for i in range(width))):
        raise ValueError("binary COPY rows are not all numbers: a NULL in a number block")
    out = np.empty((len(rows), width), dtype=rows.dtype["value0"].newbyteorder("="))
    for i in range(width):
        out[:, i] = rows[f"value{i}"]
    return out



def _copy_out(driver: Connection, statement: str, data: bytearray) -> Iterator[bytearray]:
    """Run `statement` (a COPY ... TO STDOUT) in the connection's transaction, appending its
    data to `data`, which is handed back each time a few MB have gathered (take the whole rows
    off its front). The connection is left ready for the next statement, even on an error."""
    if driver.pgconn.transaction_status == pq.TransactionStatus.IDLE and not driver.autocommit:
        driver.execute("SELECT 1")  # psycopg opens the transaction, as for any statement
    with driver.lock, selectors.DefaultSelector() as waiting:
        pgconn = driver.pgconn
        waiting.register(pgconn.socket, selectors.EVENT_READ)
        pgconn.send_query(statement.encode(driver.info.encoding))
        while pgconn.flush():  # a nonblocking connection may take the statement in parts
            waiting.modify(pgconn.socket, selectors.EVENT_READ | selectors.EVENT_WRITE)
            waiting.select()
        waiting.modify(pgconn.socket, selectors.EVENT_READ)
        started = _result(pgconn, waiting)
        if started.status != pq.ExecStatus.COPY_OUT:
            _finish(pgconn, waiting)
            raise error_from_result(started, encoding=driver.info.encoding)
        get, done = pgconn.get_copy_data, False
        try:
            while not done:
                for _ in _BURST:  # rows already received, with no check per row
                    size, chunk = get(1)
                    if size <= 0:
                        break
                    data += chunk
                if len(data) >= _GATHER:
                    yield data
                if size == 0:
                    waiting.select()
                    pgconn.consume_input()
                done = size < 0
        finally:
            while not done and get(0)[0] >= 0:  # an error here: drain the rest
                pass
            ended = _finish(pgconn, waiting)
        if ended is not None and ended.status != pq.ExecStatus.COMMAND_OK:
            raise error_from_result(ended, encoding=driver.info.encoding)


def _result(pgconn: pq.abc.PGconn, waiting: selectors.BaseSelector) -> pq.abc.PGresult:
    pgconn.consume_input()
    while pgconn.is_busy():
        waiting.select()
        pgconn.consume_input()
    found = pgconn.get_result()
    if found is None:
        raise ValueError("PostgreSQL returned no result for a COPY")
    return found


def _finish(pgconn: pq.abc.PGconn, waiting: selectors.BaseSelector) -> pq.abc.PGresult | None:
    """Read every result left of the statement; the first one, if any."""
    first = None
    while True:
        while pgconn.is_busy():
            waiting.select()
            pgconn.consume_input()
        found = pgconn.get_result()
        if found is None:
            return first
        first = first or found
