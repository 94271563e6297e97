"""A workspace is settings plus an open, migrated database: what the CLI, API and worker share.

Opened explicitly (never at import time), so tests and commands choose their own settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from learnloop.config import Settings, load_settings
from learnloop.store.database import Database
from learnloop.store.migrate import upgrade
from learnloop.store.organisations import ensure_organisation
from learnloop.store.tables import Organisation

__all__ = ["Workspace"]


@dataclass
class Workspace:
    settings: Settings
    database: Database

    @classmethod
    def open(cls, settings: Settings | None = None, *, migrate: bool = True) -> Workspace:
        settings = settings or load_settings()
        settings.ensure_workspace()
        database = Database(settings.effective_database_url)
        if migrate:
            upgrade(database)
        return cls(settings=settings, database=database)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.database.session() as session:
            yield session

    def organisation(self, session: Session, key: str | None = None) -> Organisation:
        """The organisation worked on (default LEARNLOOP_ORGANISATION), created on first use."""
        return ensure_organisation(session, key or self.settings.organisation)

    def close(self) -> None:
        self.database.dispose()
