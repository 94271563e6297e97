"""Backups of the embedded database: taken while others write, checked, and restored only from a
learnloop database at a schema revision this version knows."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learnloop.errors import ConfigError, InputError
from learnloop.store import tables
from learnloop.store.backup import back_up, restore
from learnloop.store.event_log import EventLog
from learnloop.store.migrate import head_revision
from learnloop.workspace import Workspace


def _events(workspace: Workspace) -> int:
    with workspace.session() as session:
        return session.scalar(select(func.count()).select_from(tables.Event))


def _record(workspace: Workspace, count: int, kind: str = "test.happened") -> None:
    with workspace.session() as session:
        log = EventLog(session, workspace.organisation(session).id)
        for number in range(count):
            log.record(kind, actor="test", payload={"n": number, "padding": "x" * 500})


def test_a_backup_taken_while_another_connection_writes_is_sound(
        sqlite_workspace: Workspace, tmp_path: Path) -> None:
    _record(sqlite_workspace, 2000)
    stop, written = threading.Event(), []

    def keep_writing() -> None:
        while not stop.is_set():
            _record(sqlite_workspace, 20, kind="test.during")
            written.append(20)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while not written:  # the writer is under way before the first backup starts
            stop.wait(0.01)
        backups = [back_up(sqlite_workspace.database, tmp_path / f"backup-{n}.db")
                   for n in range(3)]
    finally:
        stop.set()
        writer.join()
    assert sum(written) > 20
    for backup in backups:
        assert backup.revision == head_revision() and backup.size > 1_000_000
        with closing(sqlite3.connect(backup.path)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            copied = copy.execute("SELECT count(*) FROM events").fetchone()[0]
        assert 2000 <= copied <= _events(sqlite_workspace)
        assert not Path(f"{backup.path}-wal").exists()


def test_a_backup_does_not_overwrite_a_file_unless_told(sqlite_workspace: Workspace,
                                                         tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    target.write_text("keep me")
    with pytest.raises(InputError, match="already exists"):
        back_up(sqlite_workspace.database, target)
    assert target.read_text() == "keep me"
    assert back_up(sqlite_workspace.database, target, replace=True).size > 0


def test_restore_brings_back_the_backed_up_content(sqlite_workspace: Workspace,
                                                   tmp_path: Path) -> None:
    _record(sqlite_workspace, 5)
    backup = back_up(sqlite_workspace.database, tmp_path / "backup #1?.db")
    _record(sqlite_workspace, 7)
    assert _events(sqlite_workspace) == 12
    restored = restore(sqlite_workspace.database, backup.path)
    assert restored.restored_revision == restored.revision == head_revision()
    assert _events(sqlite_workspace) == 5
    _record(sqlite_workspace, 1)  # the restored database takes writes, triggers and all
    assert _events(sqlite_workspace) == 6


def _sqlite_file(path: Path, *statements: str) -> Path:
    with closing(sqlite3.connect(path)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda folder: folder / "missing.db", "no such file"),
    (lambda folder: (folder / "notes.txt").write_text("hello") and folder / "notes.txt",
     "not a SQLite database"),
    (lambda folder: _sqlite_file(folder / "other.db", "CREATE TABLE t (x)"),
     "not a learnloop database"),
    (lambda folder: _sqlite_file(
        folder / "future.db", "CREATE TABLE alembic_version (version_num TEXT)",
        "INSERT INTO alembic_version VALUES ('9999')", "CREATE TABLE people (id INT)",
        "CREATE TABLE events (id INT)"),
     "schema revision 9999, which this version of learnloop does not know"),
])
def test_restore_refuses_what_is_not_a_known_learnloop_backup(
        sqlite_workspace: Workspace, tmp_path: Path, make, message: str) -> None:
    _record(sqlite_workspace, 3)
    with pytest.raises(InputError, match=message):
        restore(sqlite_workspace.database, make(tmp_path))
    assert _events(sqlite_workspace) == 3


def test_restore_refuses_the_live_database_itself(sqlite_workspace: Workspace) -> None:
    live = sqlite_workspace.settings.workspace / "learnloop.db"
    with pytest.raises(InputError, match="live database itself"):
        restore(sqlite_workspace.database, live)


def test_postgresql_points_to_pg_dump(workspace: Workspace, tmp_path: Path) -> None:
    if workspace.database.dialect != "postgresql":
        pytest.skip("about PostgreSQL")
    for attempt in (lambda: back_up(workspace.database, tmp_path / "b.db"),
                    lambda: restore(workspace.database, tmp_path / "b.db")):
        with pytest.raises(ConfigError, match="pg_dump.*docs/operations.md"):
            attempt()


def test_a_backup_names_a_file_it_can_write(sqlite_workspace: Workspace,
                                            tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        back_up(sqlite_workspace.database, tmp_path)
    with pytest.raises(InputError, match="no such folder"):
        back_up(sqlite_workspace.database, tmp_path / "missing" / "backup.db")
