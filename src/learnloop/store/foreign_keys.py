"""Foreign keys checked as a set on PostgreSQL: dropped for a large write and added back after it.

PostgreSQL's bulk-loading advice: a foreign key checks each new row with a query of its own,
while `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY` checks the whole table in one join.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["checked_as_a_set", "foreign_keys"]


def foreign_keys(cursor: Any, table: str) -> list[tuple[str, str, str]]:
    """(name, definition as PostgreSQL prints it, referenced table) of each foreign key of
    `table`, by name: what adding them back needs, ON DELETE and all."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), confrelid::regclass::text "
        "FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        (table,))
    return [tuple(found) for found in cursor.fetchall()]


@contextmanager
def checked_as_a_set(cursor: Any, table: str, *, keep: Collection[str] = ()) -> Iterator[None]:
    """Drop `table`'s foreign keys (except those to the tables in `keep`) in the current
    transaction, run the block, then add them back, each checked over the whole table at once.

    Dropping a foreign key locks its table and the table it refers to against readers until the
    transaction ends. Should a row break a constraint, adding it back raises, and the caller's
    transaction (or savepoint), the dropping included, must roll back. An error in the block
    leaves them dropped for that same rollback to restore.
    """
    dropped = [(name, definition) for name, definition, referenced in foreign_keys(cursor, table)
               if referenced not in keep]
    if not dropped:
        yield
        return
    cursor.execute(f"ALTER TABLE {table} "
                   + ", ".join(f'DROP CONSTRAINT "{name}"' for name, _definition in dropped))
    yield
    cursor.execute(f"ALTER TABLE {table} "
                   + ", ".join(f'ADD CONSTRAINT "{name}" {definition}'
                               for name, definition in dropped))
