"""Writes many rows of plain values into one table set-based: binary COPY on PostgreSQL, one
executemany on SQLite, straight on the driver's cursor with no ORM work per row.

The skills agent writes a million proficiencies and tens of thousands of skill-health rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

__all__ = ["day_value", "insert_rows"]


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
