"""Importing a file into an organisation: the service the CLI, the API and the demo call.

All or nothing: every row is checked, any problem rolls the one transaction back and is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from learnloop.config import Settings
from learnloop.connectors.importers.importer import ImportContext, Importer
from learnloop.connectors.importers.reading import Fingerprint
from learnloop.connectors.importers.registry import importers
from learnloop.connectors.importers.text_limits import TextLimits
from learnloop.domain.events import EventKind
from learnloop.domain.imports import Counts, Problems, file_name_shown
from learnloop.errors import InputError
from learnloop.store import Session
from learnloop.store.database import serialise_imports
from learnloop.store.event_log import EventLog

__all__ = ["ImportLimits", "ImportResult", "import_file", "import_records"]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one import did; `event_id` is the `import.completed` event (None on a dry run)."""

    kind: str
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    event_id: int | None

    def summary(self) -> dict[str, object]:
        """What the import did, without the event id: a job's result, an API answer."""
        return {key: value for key, value in asdict(self).items() if key != "event_id"}


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """How an import batches its writes, from how many written rows PostgreSQL checks a people
    import's foreign keys as a set, how many problems it lists in full, how large a source
    document it reads, and how long it waits for its turn behind another import of the same kind
    (then ServiceUnavailableError)."""

    batch_size: int = 5000
    set_check_min_rows: int = 5000
    listed_problems: int = 1000
    text: TextLimits = TextLimits()
    wait_seconds: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportLimits:
        return cls(batch_size=settings.import_batch_size,
                   set_check_min_rows=settings.import_set_check_min_rows,
                   listed_problems=settings.max_reported_problems,
                   text=TextLimits(document_bytes=settings.max_source_bytes,
                                   text_chars=settings.max_source_text_chars),
                   wait_seconds=settings.wait_seconds)


def import_file(session: Session, *, organisation_id: int, kind: str, path: Path,
                dry_run: bool = False, actor: str = "cli", limits: ImportLimits = ImportLimits(),
                progress: Callable[[int, int], None] | None = None,
                display_name: str | None = None) -> ImportResult:
    """Check every row of `path` and upsert it by key, or raise InputError and write nothing.

    Runs inside the caller's transaction (a savepoint of it), which the caller commits: a
    rejected file or a dry run rolls back only its own savepoint. Records `import.completed`
    with the file's sha256, taken as the importer reads it (see `Fingerprint`).
    `display_name` is the file name problems, the result and the event mention (an upload's
    name, not its temp file), sanitised by `file_name_shown`.
    """
    path = Path(path)
    name = file_name_shown(display_name or path.absolute().name, fallback=f"{kind}-upload")
    importer = _importer(kind)
    if not path.exists():
        raise InputError(f"{name}: no such file or folder")
    if not importer.accepts(path):
        suffix = path.suffix.lstrip(".") or "(no suffix)"
        what = "a folder" if path.is_dir() else f"a .{suffix} file"
        readable = ", ".join(f".{fmt}" if fmt != "folder" else "a folder"
                             for fmt in importer.formats)
        raise InputError(f"{name}: {kind} imports read {readable}, not {what}")
    fingerprint = Fingerprint(path)

    def event(counts: Counts) -> tuple[str, dict[str, Any]]:
        return EventKind.IMPORT_COMPLETED, {"kind": kind, "file": name,
                                            "sha256": fingerprint.sha256(), **asdict(counts)}

    result = _run(session, importer, lambda run: run.run(path),
                  organisation_id=organisation_id, kind=kind, name=name, dry_run=dry_run,
                  actor=actor, limits=limits, progress=progress, event=event,
                  fingerprint=fingerprint)
    if kind == "sources" and not dry_run and result.updated:
        # living components: what cites a passage this import changed is redrafted for review
        # (imported here, not at the top: generation loads the checks and engines)
        from learnloop.governance.living import refresh_stale_components

        refresh_stale_components(session, organisation_id=organisation_id, actor=actor)
    return result


def import_records(session: Session, *, organisation_id: int, kind: str,
                   records: Sequence[Any], origin: str, event_kind: str, actor: str,
                   limits: ImportLimits = ImportLimits()) -> ImportResult:
    """Check and upsert records already parsed (a webhook's JSON items), like a file's rows.

    Problems name `origin` as the file and each record's 1-based position as its row. Records
    one event of `event_kind` with the counts, in the caller's transaction.
    """
    importer = _importer(kind)

    def event(counts: Counts) -> tuple[str, dict[str, Any]]:
        return event_kind, {"kind": kind, "origin": origin, **asdict(counts)}

    return _run(session, importer, lambda run: run.run_records(records),
                organisation_id=organisation_id, kind=kind, name=origin, dry_run=False,
                actor=actor, limits=limits, progress=None, event=event, fingerprint=None)


def _importer(kind: str) -> type[Importer]:
    available = importers()
    importer = available.get(kind)
    if importer is None:
        raise InputError(f"unknown import kind {kind!r}; one of: {', '.join(available)}")
    return importer


def _run(session: Session, importer: type[Importer], work: Callable[[Importer], Counts], *,
         organisation_id: int, kind: str, name: str, dry_run: bool, actor: str,
         limits: ImportLimits, progress: Callable[[int, int], None] | None,
         event: Callable[[Counts], tuple[str, dict[str, Any]]],
         fingerprint: Fingerprint | None) -> ImportResult:
    """Run one importer in a savepoint: rolled back on any problem or a dry run. Imports of one
    kind into one organisation take turns, so each counts against the rows the last committed."""
    problems = Problems(name, limit=limits.listed_problems)
    savepoint = session.begin_nested()
    try:
        if not dry_run:
            serialise_imports(session, organisation_id=organisation_id, kind=kind,
                              wait_seconds=limits.wait_seconds)
        context = ImportContext(session=session, organisation_id=organisation_id,
                                problems=problems, fingerprint=fingerprint,
                                batch_size=limits.batch_size,
                                set_check_min_rows=limits.set_check_min_rows, progress=progress,
                                text_limits=limits.text)
        try:
            counts = work(importer(context))
        except OSError as error:
            raise InputError(f"{name}: cannot read: {error.strerror or error}") from error
        if problems:
            raise problems.error()
        result = ImportResult(kind=kind, file=name, **asdict(counts), dry_run=dry_run,
                              event_id=None)
        if dry_run:
            savepoint.rollback()
            return result
        event_kind, payload = event(counts)
        recorded = EventLog(session, organisation_id).record(
            event_kind, actor=actor, subject_type="import", subject_id=kind, payload=payload)
        savepoint.commit()
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    return replace(result, event_id=recorded.id)
