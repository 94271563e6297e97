"""A workspace is settings plus an open, migrated database: what the CLI, API and worker share.

Opened explicitly (never at import time), so tests and commands choose their own settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from learnloop.config import Settings, load_settings
from learnloop.errors import ConfigError
from learnloop.store import Session
from learnloop.store.database import RESERVED_CONNECTIONS, Database
from learnloop.store.migrate import upgrade
from learnloop.store.organisations import ensure_organisation
from learnloop.store.tables import Organisation

__all__ = ["Workspace"]

_Result = TypeVar("_Result")


@dataclass
class Workspace:
    settings: Settings
    database: Database

    @classmethod
    def open(cls, settings: Settings | None = None, *, migrate: bool = True) -> Workspace:
        """Create the workspace folder, reach the database and migrate it; a ConfigError says
        what is wrong with the settings when any of it cannot be done."""
        settings = settings or load_settings()
        try:
            settings.ensure_workspace()
        except OSError as error:
            raise ConfigError(f"cannot create the workspace folder {settings.workspace}: "
                              f"{error.strerror or error}") from error
        database = Database.reachable(
            settings.effective_database_url, wait_seconds=settings.wait_seconds,
            # every request the server admits at once holds one connection, plus a few spare
            connections=settings.concurrent_writes + settings.concurrent_reads
            + RESERVED_CONNECTIONS)
        if migrate:
            upgrade(database)
        return cls(settings=settings, database=database)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, opened by an outer layer (a route, a command, a job): it commits
        when the block ends and rolls back on any error; services only work inside it."""
        with self.database.session() as session:
            yield session

    def write_grouped(self, work: Callable[[Session], _Result]) -> _Result:
        """`work(session)` in a transaction committed before this returns (on SQLite, shared
        with the works other threads hand in at the same time: Database.write_grouped)."""
        return self.database.write_grouped(work)

    def organisation(self, session: Session, key: str | None = None) -> Organisation:
        """The organisation worked on (default LEARNLOOP_ORGANISATION), created on first use."""
        return ensure_organisation(session, key or self.settings.organisation)

    def close(self) -> None:
        self.database.dispose()
