"""Imports source documents from a file or a folder (with an optional sources.yaml manifest).

Every version is kept: a changed text adds version n+1, the same text is reported unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

from learnloop.connectors.importers.cells import MAX_KEY
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import read_yaml, yaml_cells
from learnloop.connectors.importers.text_extraction import FORMATS, extract_text, too_many_bytes
from learnloop.domain.imports import Counts
from learnloop.domain.sources import SourceDocument, SourceKind
from learnloop.store.imports.sources import write_sources

__all__ = ["SourcesImporter"]

MANIFESTS = ("sources.yaml", "sources.yml")
KINDS = tuple(kind.value for kind in SourceKind)

_Document = tuple[SourceDocument, str]  # the document and the name of the file it came from


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
        return write_sources(self.context.session, organisation_id=self.context.organisation_id,
                             documents=found, progress=self.context.report)

    def _from_manifest(self, manifest: Path) -> list[_Document | None]:
        documents: list[_Document | None] = []
        seen: dict[str, int] = {}
        document = read_yaml(self.context.open_text(manifest), self.problems)
        for cells in yaml_cells(document, "sources", self.problems):
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
            target = _usable(manifest.parent, file) if file else None
            if file and target is None:
                cells.problem("file", f"{file!r} is not a usable file name")
            elif target is not None and not target.is_relative_to(manifest.parent.resolve()):
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
        limits = self.context.text_limits
        try:
            on_disk = file.stat().st_size
            if on_disk > limits.document_bytes:  # refused unread
                raise too_many_bytes(on_disk, limits)
            text = extract_text(self.context.read_bytes(file), suffix=file.suffix, limits=limits)
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
        return SourceDocument(key=key, title=title[:300], kind=SourceKind(kind), owner=owner,
                              format=fmt, text=text), file.name


def _usable(folder: Path, file: str) -> Path | None:
    """`file` resolved against `folder`; None for a name no file system takes (a NUL in it,
    a part too long) rather than the OSError or ValueError the lookup would raise."""
    try:
        target = (folder / file).resolve()
        target.is_file()
    except (OSError, ValueError):
        return None
    return target
