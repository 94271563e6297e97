"""Engines and sessions: one `Database` per process, opened from the settings' URL.

SQLite gets WAL, foreign keys and a busy timeout so the API, CLI and worker can share a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from learnloop.config import mask_url
from learnloop.errors import ConfigError

__all__ = ["Database"]


def _tune_sqlite(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI callback
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _begin_before_savepoint(connection, _name) -> None:  # noqa: ANN001 - engine event
    """Open a real SQLite transaction before a savepoint.

    Python's sqlite3 module starts a transaction only before the first write, so a savepoint
    opened first would be the outermost one, and releasing it would commit the caller's work.
    IMMEDIATE: what follows a savepoint writes, so wait for the write lock now (busy timeout)
    rather than fail to upgrade a read snapshot later.
    """
    driver = connection.connection.driver_connection
    if not driver.in_transaction:
        driver.execute("BEGIN IMMEDIATE")


class Database:
    """An engine and its session factory; `session()` is one transaction."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as error:
            raise ConfigError(f"LEARNLOOP_DATABASE_URL is not a database URL: {url!r}") from error
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, object] = {"echo": echo, "future": True}
        if self.dialect == "postgresql":
            kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
        self.engine: Engine = create_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _tune_sqlite)
            event.listen(self.engine, "savepoint", _begin_before_savepoint)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def reachable(cls, url: str) -> Database:
        """The database at `url`, once it has answered; a ConfigError naming the URL (password
        masked) when its driver is missing or it cannot be reached, so no command starts
        half-way."""
        try:
            database = cls(url)
        except (ImportError, NoSuchModuleError) as error:
            raise ConfigError(f"no driver installed for LEARNLOOP_DATABASE_URL {mask_url(url)}: "
                              f"{error}") from error
        except OSError as error:  # the folder of a SQLite file could not be created
            raise ConfigError(f"cannot open the database at {mask_url(url)}: "
                              f"{error.strerror or error}: {error.filename}") from error
        try:
            with database.engine.connect():
                pass
        except OperationalError as error:
            database.dispose()
            reason = str(error.orig or error).strip().splitlines()[0]
            raise ConfigError(f"cannot reach the database at {mask_url(url)}: {reason}") from error
        return database

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
