"""The sources import's writes: each document's metadata and, when its text changed, a version.

Every version is kept: a changed text adds version n+1 (its chunks and what they changed are
stored with it, store.content), the same text is reported unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import and_, insert, select, update
from sqlalchemy.orm import Session

from learnloop.domain.events import utcnow
from learnloop.domain.imports import Counts
from learnloop.domain.sources import SourceDocument
from learnloop.store import tables
from learnloop.store.content import save_chunks

__all__ = ["write_sources"]


def write_sources(session: Session, *, organisation_id: int,
                  documents: Sequence[tuple[SourceDocument, str]],
                  progress: Callable[[int, int], None] | None = None) -> Counts:
    """Upsert each (document, the file it came from) by key, adding a version when its text
    changed; a changed title, kind or owner alone updates the document without a version."""
    doc, version = tables.SourceDocument, tables.SourceVersion
    current = {
        found.key: found for found in session.execute(
            select(doc.id, doc.key, doc.title, doc.kind, doc.owner, doc.current_version,
                   version.content_hash)
            .outerjoin(version, and_(version.document_id == doc.id,
                                     version.version == doc.current_version))
            .where(doc.organisation_id == organisation_id))}
    counts = Counts(rows=len(documents))
    now = utcnow()
    for index, (document, origin) in enumerate(documents, start=1):
        digest = document.content_hash
        existing = current.get(document.key)
        meta = {"title": document.title, "kind": str(document.kind), "owner": document.owner}
        if existing is None:
            document_id = session.execute(insert(doc).returning(doc.id), {
                "organisation_id": organisation_id, "key": document.key, "current_version": 1,
                **meta}).scalar_one()
            number = 1
            counts.created += 1
        elif existing.content_hash != digest:
            document_id, number = existing.id, existing.current_version + 1
            session.execute(update(doc).where(doc.id == document_id)
                            .values(current_version=number, **meta))
            counts.updated += 1
        else:
            if (existing.title, existing.kind, existing.owner) != tuple(meta.values()):
                session.execute(update(doc).where(doc.id == existing.id).values(**meta))
                counts.updated += 1
            else:
                counts.unchanged += 1
            continue
        version_id = session.execute(insert(version).returning(version.id), {
            "document_id": document_id, "version": number, "content_hash": digest,
            "format": document.format, "text": document.text, "origin": origin,
            "created_at": now}).scalar_one()
        # chunked now, so the version's changes are known before any content cites it
        save_chunks(session, organisation_id=organisation_id, document_id=document_id,
                    version_id=version_id, version=number, source_key=document.key,
                    text=document.text)
        if progress is not None:
            progress(index, len(documents))
    return counts
