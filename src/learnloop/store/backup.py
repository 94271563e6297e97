"""Back up and restore the embedded SQLite database with SQLite's online backup API.

Both copy a consistent snapshot page by page while the server keeps running: WAL lets writers go
on during a backup, and a restore is one write transaction the other connections simply wait for.
PostgreSQL has its own tools (pg_dump, pg_restore): see docs/operations.md.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from learnloop.errors import ConfigError, InputError
from learnloop.store.database import Database
from learnloop.store.migrate import current_revision, known_revisions, upgrade

__all__ = ["Backup", "Restore", "back_up", "restore"]

_SQLITE_HEADER = b"SQLite format 3\x00"
_POSTGRES_ADVICE = ("the database is PostgreSQL: back it up with pg_dump and restore it with "
                    "pg_restore (see docs/operations.md, \"Backups and personal data\")")


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    size: int
    revision: str | None


@dataclass(frozen=True, slots=True)
class Restore:
    source: Path
    restored_revision: str
    revision: str | None


def _require_sqlite(database: Database, what: str) -> None:
    if database.dialect != "sqlite":
        raise ConfigError(f"learnloop {what} copies the embedded SQLite database; "
                          f"{_POSTGRES_ADVICE}")


def _integrity_problem(connection: sqlite3.Connection) -> str | None:
    verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return None if verdict == ["ok"] else "; ".join(verdict[:3])


def back_up(database: Database, target: Path, *, replace: bool = False) -> Backup:
    """Copy the live database to `target` as one self-contained file, checked afterwards."""
    _require_sqlite(database, "backup")
    target = Path(target)
    if target.is_dir():
        raise InputError(f"{target}: is a folder; name the backup file")
    if target.exists() and not replace:
        raise InputError(f"{target}: already exists (replace it with --force)")
    if not target.parent.is_dir():
        raise InputError(f"{target}: no such folder {target.parent}")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    live = database.engine.raw_connection()
    try:
        with closing(sqlite3.connect(partial)) as copy:
            # one step: a single read snapshot, so concurrent writes cannot make it restart
            live.driver_connection.backup(copy)  # type: ignore[union-attr]
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            problem = _integrity_problem(copy)
    except (OSError, sqlite3.Error) as error:  # unwritable folder, full disk
        partial.unlink(missing_ok=True)
        reason = error.strerror if isinstance(error, OSError) else error
        raise InputError(f"{target}: cannot write the backup: {reason}") from error
    finally:
        live.close()
    if problem is not None:  # pragma: no cover - a copy of a sound database is sound
        partial.unlink(missing_ok=True)
        raise InputError(f"{target}: the copy failed its integrity check: {problem}")
    partial.replace(target)
    return Backup(path=target, size=target.stat().st_size, revision=current_revision(database))


def _read_only(source: Path) -> str:
    """A URI opening `source` read-only, whatever characters its path holds."""
    return f"{source.resolve().as_uri()}?mode=ro"


def _checked_revision(source: Path) -> str:
    """The schema revision of a learnloop backup, or an InputError saying why it is not one."""
    if not source.is_file():
        raise InputError(f"{source}: no such file")
    with source.open("rb") as handle:
        if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise InputError(f"{source}: not a SQLite database, so not a learnloop backup")
    with closing(sqlite3.connect(_read_only(source), uri=True)) as connection:
        try:
            problem = _integrity_problem(connection)
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            connection.execute("SELECT 1 FROM people, events LIMIT 0").fetchall()
        except sqlite3.DatabaseError as error:
            raise InputError(f"{source}: not a learnloop database ({error})") from error
    if problem is not None:
        raise InputError(f"{source}: damaged, integrity check says: {problem}")
    revisions = [row[0] for row in rows]
    if len(revisions) != 1 or revisions[0] not in known_revisions():
        raise InputError(f"{source}: at schema revision {', '.join(revisions) or 'none'}, which "
                         "this version of learnloop does not know; restore it with the version "
                         "that wrote it")
    return revisions[0]


def restore(database: Database, source: Path) -> Restore:
    """Replace the live database's content with a checked backup, then migrate it to head."""
    _require_sqlite(database, "restore")
    source = Path(source)
    live_file = make_url(database.url).database
    if live_file and source.exists() and source.resolve() == Path(live_file).resolve():
        raise InputError(f"{source}: is the live database itself, not a backup of it")
    restored_revision = _checked_revision(source)
    live = database.engine.raw_connection()
    try:
        with closing(sqlite3.connect(_read_only(source), uri=True)) as backup:
            backup.backup(live.driver_connection)  # type: ignore[arg-type]
    except sqlite3.Error as error:  # nothing was replaced: the copy is one transaction
        raise InputError(f"{source}: cannot restore it: {error}") from error
    finally:
        live.close()
    database.engine.dispose()  # pooled connections may hold pages of the old content
    return Restore(source=source, restored_revision=restored_revision, revision=upgrade(database))
