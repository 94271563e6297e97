"""Writes many rows of plain values into one table set-based: binary COPY on PostgreSQL, one
executemany on SQLite, straight on the driver's cursor with no ORM work per row; rows of numbers
alone go as columns, their COPY data built by NumPy.

The skills agent writes a million proficiencies and tens of thousands of skill-health rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

__all__ = ["day_value", "insert_columns", "insert_rows", "update_columns"]


def day_value(session: Session, day: date) -> date | str:
    """A date as the driver stores it: ISO text on SQLite (as SQLAlchemy's Date keeps it), a date
    on PostgreSQL."""
    return day.isoformat() if session.connection().dialect.name == "sqlite" else day


def insert_rows(session: Session, table: str, *, names: Sequence[str], types: Sequence[str],
                rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert `rows` (one value per name, None for NULL; dates through `day_value`) into
    `table`; `types` name each column's PostgreSQL type for binary COPY (int4, float8, date)."""
    connection = session.connection()
    cursor = connection.connection.driver_connection.cursor()
    try:
        if connection.dialect.name == "sqlite":
            cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) "
                               f"VALUES ({', '.join('?' * len(names))})", rows)
        else:
            with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
                             ) as copy:
                copy.set_types(list(types))
                for row in rows:
                    copy.write_row(row)
    finally:
        cursor.close()


_EPOCH_2000 = 10_957  # PostgreSQL counts binary dates from 2000-01-01, this many days after 1970's
_WIDTHS = {"int4": ">i4", "int8": ">i8", "float8": ">f8", "date": ">i4"}
_ROWS_PER_WRITE = 200_000
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # then flags and extension length, both zero


def update_columns(session: Session, table: str, ids: np.ndarray,
                   columns: Sequence[tuple[str, str, Any]]) -> None:
    """Set `columns` (as `insert_columns` takes them) of the rows whose id is in `ids`, row by
    row in that order: one executemany on SQLite; on PostgreSQL a binary COPY into a temporary
    table, then one UPDATE … FROM it."""
    count = len(ids)
    if not count:
        return
    names = [name for name, _, _ in columns]
    if session.connection().dialect.name == "sqlite":
        values = [_listed(kind, np.broadcast_to(np.asarray(value), (count,)))
                  for _, kind, value in columns]
        cursor = session.connection().connection.driver_connection.cursor()
        try:
            cursor.executemany(
                f"UPDATE {table} SET {', '.join(f'{name} = ?' for name in names)} "
                "WHERE id = ?", zip(*(column.tolist() for column in values), ids.tolist(),
                                    strict=True))
        finally:
            cursor.close()
        return
    staging = f"{table}_updated"
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} (id int8, " + ", ".join(
            f"{name} {kind}" for name, kind, _ in columns) + ") ON COMMIT DROP")
        insert_columns(session, staging, [("id", "int8", ids), *columns], count)
        cursor.execute(f"UPDATE {table} AS t SET " + ", ".join(
            f"{name} = u.{name}" for name in names) + f" FROM {staging} AS u WHERE t.id = u.id")
        cursor.execute(f"DROP TABLE {staging}")
    finally:
        cursor.close()


def _listed(kind: str, column: np.ndarray) -> np.ndarray:
    """SQLite's value of a column: a date (days since 1970-01-01) as ISO text."""
    if kind == "date":
        return (np.datetime64("1970-01-01") + column.astype("timedelta64[D]")).astype(str)
    return column


def insert_columns(session: Session, table: str, columns: Sequence[tuple[str, str, Any]],
                   count: int) -> None:
    """Insert `count` rows given as columns: (name, PostgreSQL type, NumPy array of `count`
    values or one value for every row), no NULLs; a date column holds days since 1970-01-01.
    On PostgreSQL the binary COPY data is built by NumPy, every row the same width, with no
    Python per row; SQLite gets one executemany."""
    if not count:
        return
    values = [np.broadcast_to(np.asarray(value), (count,)) for _, _, value in columns]
    names = [name for name, _, _ in columns]
    if session.connection().dialect.name == "sqlite":
        listed = [_listed(kind, column)
                  for (_, kind, _), column in zip(columns, values, strict=True)]
        insert_rows(session, table, names=names, types=(),
                    rows=zip(*(column.tolist() for column in listed), strict=True))
        return
    row = np.dtype([("count", ">i2")] + [field for i, (_, kind, _) in enumerate(columns)
                                          for field in ((f"length{i}", ">i4"),
                                                        (f"value{i}", _WIDTHS[kind]))])
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
                         ) as copy:
            copy.write(_SIGNATURE)
            for start in range(0, count, _ROWS_PER_WRITE):
                part = np.empty(min(count - start, _ROWS_PER_WRITE), dtype=row)
                part["count"] = len(columns)
                for i, ((_, kind, _), column) in enumerate(zip(columns, values, strict=True)):
                    part[f"length{i}"] = row[f"value{i}"].itemsize
                    chunk = column[start:start + len(part)]
                    part[f"value{i}"] = chunk - _EPOCH_2000 if kind == "date" else chunk
                copy.write(part.tobytes())
            copy.write(b"\xff\xff")
    finally:
        cursor.close()
