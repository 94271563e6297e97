"""Content storage: each source version's chunks and what it changed, components and packs.

Chunks are written when a version is imported (and, for versions imported before chunking
existed, the first time something reads them); a version's changes are kept per chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from learnloop.domain.content.chunks import Chunk, ChunkDiff, chunk_source, diff_chunks
from learnloop.domain.content.packs import Component, Pack, SourceChunks
from learnloop.domain.events import utcnow
from learnloop.errors import NotFoundError
from learnloop.store import tables

__all__ = [
    "chunk_changes",
    "component",
    "component_need",
    "components_by_id",
    "component_requester",
    "current_sources",
    "component_versions",
    "library",
    "pack",
    "packed_needs",
    "packs",
    "save_chunks",
    "save_component",
    "save_pack",
    "set_pack_modality",
    "source_chunks",
    "stale_citations",
]


def save_chunks(session: Session, *, organisation_id: int, document_id: int, version_id: int,
                version: int, source_key: str, text: str) -> ChunkDiff | None:
    """Store a version's chunks and, from version 2 on, its changes against the version
    before (added, removed, edited); returns the diff, None for a first version."""
    chunks = chunk_source(text, source_key=source_key, version=version)
    session.execute(insert(tables.SourceChunk), [
        {"organisation_id": organisation_id, "document_id": document_id,
         "version_id": version_id, "version": version, "chunk_key": chunk.id,
         "heading": chunk.heading[:500], "position": chunk.position, "block": chunk.block,
         "text": chunk.text} for chunk in chunks])
    if version <= 1:
        return None
    previous = _stored_chunks(session, document_id=document_id, version=version - 1,
                              source_key=source_key)
    if previous is None:
        return None
    diff = diff_chunks(previous, chunks)
    rows = ([{"change": "added", "chunk_key": chunk.id, "previous_chunk_key": None}
             for chunk in diff.added]
            + [{"change": "removed", "chunk_key": None, "previous_chunk_key": chunk.id}
               for chunk in diff.removed]
            + [{"change": "edited", "chunk_key": edit.after.id,
                "previous_chunk_key": edit.before.id} for edit in diff.edited])
    if rows:
        session.execute(insert(tables.SourceChunkChange), [
            {"organisation_id": organisation_id, "document_id": document_id, "version": version,
             **row} for row in rows])
    return diff


def source_chunks(session: Session, *, organisation_id: int, source: str,
                  version: int | None = None) -> SourceChunks:
    """A source (by key, or by numeric id) at a version (default: current) with its chunks."""
    document = _document(session, organisation_id=organisation_id, source=source)
    number = version or document.current_version
    stored = session.execute(select(
        tables.SourceVersion.id, tables.SourceVersion.text, tables.SourceVersion.origin).where(
        tables.SourceVersion.document_id == document.id,
        tables.SourceVersion.version == number)).one_or_none()
    if stored is None:
        raise NotFoundError(f"source {document.key!r} has no version {number}")
    chunks = _stored_chunks(session, document_id=document.id, version=number,
                            source_key=document.key)
    if chunks is None:
        save_chunks(session, organisation_id=organisation_id, document_id=document.id,
                    version_id=stored.id, version=number, source_key=document.key,
                    text=stored.text)
        chunks = _stored_chunks(session, document_id=document.id, version=number,
                                source_key=document.key) or ()
    return SourceChunks(document_id=document.id, key=document.key, title=document.title,
                        version=number, chunks=tuple(chunks), origin=stored.origin)


def chunk_changes(session: Session, *, organisation_id: int, source: str,
                  version: int) -> list[dict[str, Any]]:
    """What `version` of a source changed: one {change, chunk_id, previous_chunk_id} a chunk."""
    document = _document(session, organisation_id=organisation_id, source=source)
    change = tables.SourceChunkChange
    return [{"change": row.change, "chunk_id": row.chunk_key,
             "previous_chunk_id": row.previous_chunk_key}
            for row in session.execute(select(change).where(
                change.document_id == document.id, change.version == version)
                .order_by(change.id)).scalars()]


def save_component(session: Session, *, organisation_id: int, document_id: int,
                   source_key: str, source_version: int, kind: str, title: str,
                   body: dict[str, Any], engine: str, model: str, prompt_version: str,
                   chunk_ids: Sequence[str], input_tokens: int, output_tokens: int,
                   cost_usd: float, cached: bool, checks: dict[str, Any] | None) -> int:
    """The source's component of this kind (key `<source>.<kind>`): the newest version again
    when it is the same (same body, source version, engine, model, prompt and checks: packs
    share it), else a new version."""
    key = f"{source_key}.{kind}"
    component = tables.ContentComponent
    latest = session.scalar(select(component).where(
        component.organisation_id == organisation_id, component.key == key)
        .order_by(component.version.desc()).limit(1))
    if latest is not None and (latest.body, latest.source_version, latest.engine, latest.model,
                               latest.prompt_version, latest.checks) == (
            body, source_version, engine, model, prompt_version, checks):
        return latest.id
    return session.execute(insert(component).returning(component.id), {
        "organisation_id": organisation_id, "key": key,
        "version": (latest.version if latest is not None else 0) + 1, "kind": kind,
        "title": title[:300], "document_id": document_id, "source_version": source_version,
        "body": body, "engine": engine, "model": model, "prompt_version": prompt_version,
        "chunk_keys": list(chunk_ids), "input_tokens": input_tokens,
        "output_tokens": output_tokens, "cost_usd": cost_usd, "cached": cached,
        "checks": checks, "created_at": utcnow()}).scalar_one()


def save_pack(session: Session, *, organisation_id: int, title: str, document_id: int,
              source_version: int, need_id: int | None, need_key: str | None, engine: str,
              model: str, modality: dict[str, Any], component_ids: Sequence[int],
              input_tokens: int, output_tokens: int, cost_usd: float, created_by: str) -> int:
    """A pack of the given components, with what writing it cost (a reused component costs
    this pack nothing)."""
    pack_id = session.execute(insert(tables.ContentPack).returning(tables.ContentPack.id), {
        "organisation_id": organisation_id, "title": title[:300], "document_id": document_id,
        "source_version": source_version, "need_id": need_id, "need_key": need_key,
        "engine": engine, "model": model, "modality": modality, "input_tokens": input_tokens,
        "output_tokens": output_tokens, "cost_usd": cost_usd, "created_by": created_by,
        "created_at": utcnow()}).scalar_one()
    session.execute(insert(tables.ContentPackComponent), [
        {"pack_id": pack_id, "component_id": component_id, "position": position}
        for position, component_id in enumerate(component_ids)])
    return pack_id


def set_pack_modality(session: Session, *, organisation_id: int, pack_id: int,
                      modality: dict[str, Any]) -> None:
    row = _pack_row(session, organisation_id=organisation_id, pack_id=pack_id)
    row.modality = modality


def pack(session: Session, *, organisation_id: int, pack_id: int) -> Pack:
    """One pack with its components in order; NotFoundError when the organisation has none."""
    row = _pack_row(session, organisation_id=organisation_id, pack_id=pack_id)
    document = session.get(tables.SourceDocument, row.document_id)
    link, component = tables.ContentPackComponent, tables.ContentComponent
    members = session.execute(select(component).join(link, link.component_id == component.id)
                              .where(link.pack_id == pack_id).order_by(link.position)).scalars()
    return _pack(row, document=document,
                 components=tuple(_component(item, source_key=document.key)
                                  for item in members))


def packs(session: Session, *, organisation_id: int, limit: int = 200) -> list[Pack]:
    """The organisation's packs, newest first, without their components."""
    pack_table, document = tables.ContentPack, tables.SourceDocument
    return [_pack(row, document=doc, components=())
            for row, doc in session.execute(
                select(pack_table, document).join(document, document.id == pack_table.document_id)
                .where(pack_table.organisation_id == organisation_id)
                .order_by(pack_table.id.desc()).limit(limit)).all()]


def library(session: Session, *, organisation_id: int, kind: str | None = None,
            limit: int = 500) -> list[Component]:
    """The newest version of every component, by source then kind: the content library."""
    component, document = tables.ContentComponent, tables.SourceDocument
    newest = (select(component.key, func.max(component.version).label("version"))
              .where(component.organisation_id == organisation_id)
              .group_by(component.key).subquery())
    query = (select(component, document.key)
             .join(newest, (newest.c.key == component.key)
                   & (newest.c.version == component.version))
             .join(document, document.id == component.document_id)
             .where(component.organisation_id == organisation_id)
             .order_by(document.key, component.kind).limit(limit))
    if kind is not None:
        query = query.where(component.kind == kind)
    return [_component(row, source_key=key) for row, key in session.execute(query).all()]


def component_versions(session: Session, *, organisation_id: int, key: str) -> list[Component]:
    component, document = tables.ContentComponent, tables.SourceDocument
    return [_component(row, source_key=source_key) for row, source_key in session.execute(
        select(component, document.key).join(document, document.id == component.document_id)
        .where(component.organisation_id == organisation_id, component.key == key)
        .order_by(component.version)).all()]


def component(session: Session, *, organisation_id: int,
              component_id: int) -> Component | None:
    """One component version by id, None when the organisation has none."""
    table, document = tables.ContentComponent, tables.SourceDocument
    found = session.execute(select(table, document.key)
                            .join(document, document.id == table.document_id)
                            .where(table.id == component_id,
                                   table.organisation_id == organisation_id)).one_or_none()
    return _component(found[0], source_key=found[1]) if found is not None else None


def components_by_id(session: Session, *, organisation_id: int,
                     component_ids: Sequence[int]) -> list[Component]:
    table, document = tables.ContentComponent, tables.SourceDocument
    if not component_ids:
        return []
    return [_component(row, source_key=key) for row, key in session.execute(
        select(table, document.key).join(document, document.id == table.document_id)
        .where(table.organisation_id == organisation_id,
               table.id.in_(list(component_ids)))).all()]


def component_requester(session: Session, *, organisation_id: int,
                        component_id: int) -> str | None:
    """Who asked for the first pack that holds the component (its author for review)."""
    pack_table, link = tables.ContentPack, tables.ContentPackComponent
    return session.scalar(select(pack_table.created_by)
                          .join(link, link.pack_id == pack_table.id)
                          .where(link.component_id == component_id,
                                 pack_table.organisation_id == organisation_id)
                          .order_by(pack_table.id).limit(1))


def component_need(session: Session, *, organisation_id: int,
                   component_id: int) -> int | None:
    """The need of the newest pack that holds the component (None: made for no need)."""
    pack_table, link = tables.ContentPack, tables.ContentPackComponent
    return session.scalar(select(pack_table.need_id)
                          .join(link, link.pack_id == pack_table.id)
                          .where(link.component_id == component_id,
                                 pack_table.organisation_id == organisation_id)
                          .order_by(pack_table.id.desc()).limit(1))


def current_sources(session: Session, *,
                    organisation_id: int) -> dict[str, tuple[int, str, str]]:
    """Each source's key → (current version, title, text), what needs are matched to."""
    doc, version = tables.SourceDocument, tables.SourceVersion
    return {row.key: (row.current_version, row.title, row.text) for row in session.execute(
        select(doc.key, doc.title, doc.current_version, version.text)
        .join(version, (version.document_id == doc.id)
              & (version.version == doc.current_version))
        .where(doc.organisation_id == organisation_id))}


def packed_needs(session: Session, *, organisation_id: int) -> set[tuple[int, str, int]]:
    """(need id, source key, source version) of every pack made for a need."""
    pack_table, doc = tables.ContentPack, tables.SourceDocument
    return {(row.need_id, row.key, row.source_version) for row in session.execute(
        select(pack_table.need_id, doc.key, pack_table.source_version)
        .join(doc, doc.id == pack_table.document_id)
        .where(pack_table.organisation_id == organisation_id,
               pack_table.need_id.is_not(None)))}


def stale_citations(session: Session, *, organisation_id: int) -> dict[int, tuple[str, ...]]:
    """Component id → the chunk ids it cites that its source's current version no longer has
    (edited or removed since): what to review before the component is used again."""
    component, document, chunk = (tables.ContentComponent, tables.SourceDocument,
                                  tables.SourceChunk)
    older = session.execute(
        select(component.id, component.chunk_keys, component.document_id,
               document.current_version)
        .join(document, document.id == component.document_id)
        .where(component.organisation_id == organisation_id,
               component.source_version < document.current_version)).all()
    if not older:
        return {}
    current = {
        (row.document_id, row.chunk_key) for row in session.execute(
            select(chunk.document_id, chunk.chunk_key)
            .join(document, (document.id == chunk.document_id)
                  & (chunk.version == document.current_version))
            .where(chunk.document_id.in_({row.document_id for row in older})))}
    stale = {row.id: tuple(key for key in row.chunk_keys
                           if (row.document_id, key) not in current) for row in older}
    return {component_id: keys for component_id, keys in stale.items() if keys}


def _document(session: Session, *, organisation_id: int, source: str) -> tables.SourceDocument:
    if "\x00" in source:  # no key holds one, and PostgreSQL refuses it in a query
        raise NotFoundError(f"no source {source!r}")
    document = tables.SourceDocument
    found = session.scalar(select(document).where(
        document.organisation_id == organisation_id, document.key == source))
    if found is None and source.isdigit():
        found = session.scalar(select(document).where(
            document.organisation_id == organisation_id, document.id == int(source)))
    if found is None:
        raise NotFoundError(f"no source {source!r}: import it with `learnloop import sources`")
    return found


def _stored_chunks(session: Session, *, document_id: int, version: int,
                   source_key: str) -> tuple[Chunk, ...] | None:
    chunk = tables.SourceChunk
    rows = session.execute(select(chunk).where(
        chunk.document_id == document_id, chunk.version == version)
        .order_by(chunk.position)).scalars().all()
    if not rows:
        return None
    return tuple(Chunk(id=row.chunk_key, source_key=source_key, version=row.version,
                       heading=row.heading, position=row.position, text=row.text,
                       block=row.block) for row in rows)


def _pack_row(session: Session, *, organisation_id: int, pack_id: int) -> tables.ContentPack:
    row = session.get(tables.ContentPack, pack_id)
    if row is None or row.organisation_id != organisation_id:
        raise NotFoundError(f"no content pack {pack_id}")
    return row


def _component(row: tables.ContentComponent, *, source_key: str) -> Component:
    return Component(
        id=row.id, key=row.key, version=row.version, kind=row.kind, title=row.title,
        body=row.body, source_key=source_key, source_version=row.source_version,
        engine=row.engine, model=row.model, prompt_version=row.prompt_version,
        chunk_ids=tuple(row.chunk_keys), input_tokens=row.input_tokens,
        output_tokens=row.output_tokens, cost_usd=row.cost_usd, cached=row.cached,
        checks=row.checks, created_at=row.created_at)


def _pack(row: tables.ContentPack, *, document: tables.SourceDocument,
          components: tuple[Component, ...]) -> Pack:
    return Pack(
        id=row.id, title=row.title, source_key=document.key, source_title=document.title,
        source_version=row.source_version, need_id=row.need_id, need_key=row.need_key,
        engine=row.engine, model=row.model, modality=row.modality,
        input_tokens=row.input_tokens, output_tokens=row.output_tokens, cost_usd=row.cost_usd,
        created_by=row.created_by, created_at=row.created_at, components=components)
