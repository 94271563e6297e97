"""A server's SQLite write-ahead log is copied back by a thread of its own, never in a commit."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from learnloop.store.database import Database

_PAGE_ROWS = 3000  # rows of 4 kB: about 12 MB, three times SQLite's 1,000-page autocheckpoint


def _fill(database: Database) -> None:
    with database.session() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS filler (body TEXT)"))
    with database.session() as session:
        session.execute(text("INSERT INTO filler (body) VALUES (:body)"),
                        [{"body": "x" * 4000} for _ in range(_PAGE_ROWS)])


def _setting(database: Database) -> int:
    with database.session() as session:
        return session.execute(text("PRAGMA wal_autocheckpoint")).scalar_one()


def test_commits_checkpoint_as_sqlite_does_until_the_thread_runs(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        assert _setting(database) == 1000
        database.checkpoint_in_background(every=0.05)
        assert _setting(database) == 0
        database.stop_checkpoints()
        assert _setting(database) == 1000
    finally:
        database.dispose()


def test_the_thread_copies_the_log_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    database = Database(f"sqlite:///{path}")
    try:
        _setting(database)  # the file exists, in WAL mode
        database.checkpoint_in_background(every=0.05)
        before = path.stat().st_size
        _fill(database)  # no commit checkpoints now: only the thread grows the file
        deadline = time.monotonic() + 10
        while path.stat().st_size < before + 10_000_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.stat().st_size >= before + 10_000_000
    finally:
        database.dispose()


def test_without_the_thread_the_log_stays_in_the_log_file(tmp_path: Path) -> None:
    """The counterpart of the test above: with checkpoints off and no thread, the database
    file does not grow, so the growth seen there is the thread's doing."""
    path = tmp_path / "db.sqlite"
    database = Database(f"sqlite:///{path}")
    try:
        _setting(database)
        # commits do not checkpoint now; the thread sleeps through the test
        database.checkpoint_in_background(every=3600)
        before = path.stat().st_size
        _fill(database)
        time.sleep(0.3)
        assert path.stat().st_size < before + 1_000_000
    finally:
        database.dispose()


def test_under_steady_writes_the_log_starts_over(tmp_path: Path, monkeypatch) -> None:
    """Commits one after another, as a server under load makes them: a PASSIVE checkpoint alone
    never finds the whole log copied when the next commit starts, so the log grew by each
    commit; past CHECKPOINT_RESTART_PAGES the thread restarts it, and it stays small."""
    import learnloop.store.database as database_module

    monkeypatch.setattr(database_module, "CHECKPOINT_RESTART_PAGES", 200)
    path = tmp_path / "db.sqlite"
    database = Database(f"sqlite:///{path}")
    try:
        with database.session() as session:
            session.execute(text("CREATE TABLE filler (body TEXT)"))
        database.checkpoint_in_background(every=0.02)
        for _ in range(400):  # 400 commits of 25 pages: 40 MB through the log
            with database.session() as session:
                session.execute(text("INSERT INTO filler (body) VALUES (:body)"),
                                [{"body": "x" * 4000} for _ in range(25)])
        log = path.with_name(path.name + "-wal")
        assert log.stat().st_size < 16_000_000
    finally:
        database.dispose()
