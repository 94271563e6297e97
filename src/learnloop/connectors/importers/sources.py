"""Imports source documents from a file or a folder (with an optional sources.yaml manifest).

Every version is kept: a changed text adds version n+1, the same text is reported unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, insert, select, update

from learnloop.connectors.importers.base import (
    MAX_KEY,
    Counts,
    Importer,
    read_yaml,
    yaml_cells,
)
from learnloop.connectors.importers.text_extraction import FORMATS, extract_text
from learnloop.domain.events import utcnow
from learnloop.domain.sources import SourceKind, content_hash
from learnloop.store import tables

__all__ = ["SourcesImporter"]

MANIFESTS = ("sources.yaml", "sources.yml")
KINDS = tuple(kind.value for kind in SourceKind)


@dataclass(frozen=True)
class _Document:
    key: str
    title: str
    kind: str
    owner: str | None
    format: str
    text: str
    origin: str


class SourcesImporter(Importer):
    kind = "sources"
    description = "Source documents: Markdown, text, HTML, PDF, DOCX (a file or a folder)."
    formats = ("folder", "yaml", "yml", *FORMATS)

    def run(self, path: Path) -> Counts:
        manifest = next((path / name for name in MANIFESTS if (path / name).is_file()), None) \
            if path.is_dir() else (path if path.suffix.lower() in (".yaml", ".yml") else None)
        if manifest is not None:
            documents = self._from_manifest(manifest)
        elif path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower().lstrip(".") in FORMATS)
            if not files:
                self.problems.add(f"no {', '.join(sorted(set(FORMATS.values())))} files here")
            documents = [self._document(file, key=file.stem, where=file.name) for file in files]
        else:
            documents = [self._document(path, key=path.stem, where=None)]
        found = [document for document in documents if document is not None]
        if self.problems:
            return Counts(rows=len(documents))
        return self._write(found)

    def _from_manifest(self, manifest: Path) -> list[_Document | None]:
        documents: list[_Document | None] = []
        seen: dict[str, int] = {}
        for cells in yaml_cells(read_yaml(manifest, self.problems), "sources", self.problems):
            row, where = cells.row, cells.prefix
            cells.only(("id", "file", "title", "kind", "owner"))
            key = cells.key("id")
            file = cells.text("file", required=True, max_length=500)
            title = cells.text("title")
            kind = cells.choice("kind", KINDS, default="other")
            owner = cells.text("owner", max_length=200)
            if key in seen:
                cells.problem("id", f"source {key!r} appears more than once (also row {seen[key]})")
            elif key is not None:
                seen[key] = row
            target = (manifest.parent / file).resolve() if file else None
            if target is not None and not target.is_relative_to(manifest.parent.resolve()):
                cells.problem("file", f"{file!r} is outside the folder of sources.yaml")
            elif target is not None and not target.is_file():
                cells.problem("file", f"no file {file!r} next to {manifest.name}")
            if not cells.ok or key is None or target is None:
                documents.append(None)
                continue
            documents.append(self._document(target, key=key, where=f"{where}.file", row=row,
                                            title=title, kind=kind or "other", owner=owner))
        return documents

    def _document(self, file: Path, *, key: str, where: str | None, row: int | None = None,
                  title: str | None = None, kind: str = "other",
                  owner: str | None = None) -> _Document | None:
        fmt = FORMATS.get(file.suffix.lower().lstrip("."))
        if fmt is None:
            self.problems.add(f"{file.name}: unsupported file type; use "
                              f"{', '.join(sorted(FORMATS))}", row=row, field=where)
            return None
        if len(key) > MAX_KEY:
            self.problems.add(f"id {key[:40]!r}… is longer than {MAX_KEY} characters", row=row,
                              field=where)
            return None
        try:
            text = extract_text(file)
        except ValueError as error:
            self.problems.add(f"{file.name}: {error}", row=row, field=where)
            return None
        if not text:
            self.problems.add(f"{file.name}: no text could be extracted"
                              f"{' (a scanned PDF has no text layer)' if fmt == 'pdf' else ''}",
                              row=row, field=where)
            return None
        heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE) if fmt == "md" else None
        title = title or (heading.group(1).strip() if heading else key)
        return _Document(key=key, title=title[:300],
                         kind=kind, owner=owner, format=fmt, text=text, origin=file.name)

    def _write(self, documents: list[_Document]) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        doc, version = tables.SourceDocument, tables.SourceVersion
        current = {
            found.key: found for found in session.execute(
                select(doc.id, doc.key, doc.title, doc.kind, doc.owner, doc.current_version,
                       version.content_hash)
                .outerjoin(version, and_(version.document_id == doc.id,
                                         version.version == doc.current_version))
                .where(doc.organisation_id == org))}
        counts = Counts(rows=len(documents))
        now = utcnow()
        for index, document in enumerate(documents, start=1):
            digest = content_hash(document.text)
            existing = current.get(document.key)
            meta = {"title": document.title, "kind": document.kind, "owner": document.owner}
            if existing is None:
                document_id = session.execute(insert(doc).returning(doc.id), {
                    "organisation_id": org, "key": document.key, "current_version": 1, **meta,
                }).scalar_one()
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
            session.execute(insert(version), {
                "document_id": document_id, "version": number, "content_hash": digest,
                "format": document.format, "text": document.text, "origin": document.origin,
                "created_at": now})
            self.context.report(index, len(documents))
        return counts
