"""Key look-ups the read repositories share: an organisation's ids and keys of people, teams or
skills, optionally narrowed to some keys, in chunks the database accepts as IN lists.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

__all__ = ["IN_CHUNK", "chunks", "keys_by_id"]

# well under SQLite's 32,766 bound variables, and small enough for PostgreSQL's planner
IN_CHUNK = 5000

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
