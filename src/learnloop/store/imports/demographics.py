"""The demographics import's writes, and the attributes as the fairness audit reads them.

One row per person and attribute; nothing else in learnloop reads this table.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import sync_rows

__all__ = ["demographics_by_person", "write_demographics"]


def write_demographics(session: Session, *, organisation_id: int,
                       values: Mapping[tuple[int, str], Mapping[str, str]], rows: int,
                       batch_size: int) -> Counts:
    """Upsert `values` ((person id, attribute) → value)."""
    synced = sync_rows(session, tables.Demographic, organisation_id=organisation_id,
                       rows={key: dict(value) for key, value in values.items()},
                       key_columns=("person_id", "attribute"), compared=("value",),
                       batch_size=batch_size)
    return synced.counts(rows)


def demographics_by_person(session: Session, *,
                           organisation_id: int) -> dict[str, dict[str, str]]:
    """Attribute → (person key → value), for the fairness audit alone (admin and ld)."""
    found: dict[str, dict[str, str]] = {}
    rows = session.execute(
        select(tables.Demographic.attribute, tables.Person.key, tables.Demographic.value)
        .join(tables.Person, tables.Person.id == tables.Demographic.person_id)
        .where(tables.Demographic.organisation_id == organisation_id))
    for attribute, person, value in rows:
        found.setdefault(attribute, {})[person] = value
    return found
