"""Bring a database to the newest schema with Alembic; run on start and by `learnloop db upgrade`.

A second process migrating at the same moment waits on the database's own lock.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from learnloop.store.database import Database

__all__ = ["current_revision", "downgrade", "head_revision", "known_revisions", "upgrade"]

_SCRIPTS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> frozenset[str]:
    """Every schema revision this version of learnloop can migrate from."""
    return frozenset(script.revision
                     for script in ScriptDirectory.from_config(_config()).walk_revisions())


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: Database, revision: str = "head") -> str | None:
    """Apply every pending migration; returns the revision the database is now at."""
    config = _config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return current_revision(database)


def downgrade(database: Database, revision: str) -> str | None:
    """Undo migrations down to `revision` (tests check a migration's backfill this way)."""
    config = _config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    return current_revision(database)
