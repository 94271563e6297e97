"""The ESCO import's writes: taxonomy skills and groups by URI, then each one's broader concepts.

A concept whose broader concepts changed counts as updated even when its own fields did not.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import replace_children, sync_rows

__all__ = ["TAXONOMY_FIELDS", "write_taxonomy"]

TAXONOMY_FIELDS = ("label", "kind", "alt_labels", "description")


def write_taxonomy(session: Session, *, organisation_id: int,
                   concepts: Mapping[str, Mapping[str, Any]],
                   broader: Mapping[str, Set[str]] | None, rows: int,
                   batch_size: int) -> Counts:
    """Upsert `concepts` (URI → TAXONOMY_FIELDS) and make each concept's broader concepts exactly
    `broader[uri]` (URIs of `concepts`); None (a file without hierarchy) leaves the tree as is."""
    synced = sync_rows(session, tables.TaxonomySkill, organisation_id=organisation_id,
                       rows=concepts, batch_size=batch_size, compared=TAXONOMY_FIELDS)
    if broader is None:
        return synced.counts(rows)
    changed = replace_children(
        session, tables.TaxonomyBroader, parent_column="narrower_id", batch_size=batch_size,
        wanted={synced.ids[uri]: {(synced.ids[up],) for up in broader.get(uri, ())}
                for uri in concepts},
        columns=("broader_id",))
    synced.mark_updated(uri for uri in concepts if synced.ids[uri] in changed)
    return synced.counts(rows)
