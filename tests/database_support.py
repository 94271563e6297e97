"""Tests share one PostgreSQL database per run; a test (or a module) that needs it empty says so."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from learnloop.store.tables import Base

POSTGRES_URL = os.environ.get(
    "LEARNLOOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def fresh_postgres() -> tuple[str, str] | tuple[None, str]:
    """A new, empty database on the test server: (its URL, its name), or (None, why not)."""
    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            name = f"learnloop_test_{uuid.uuid4().hex[:12]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return None, f"no PostgreSQL at {POSTGRES_URL}: {type(error).__name__}"
    return admin_url.set(database=name).render_as_string(hide_password=False), name


def drop_postgres(name: str) -> None:
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def empty_postgres(url: str) -> None:
    """Every learnloop table of the test database emptied, its ids starting again at 1."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            present = set(
                connection.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                ).scalars()
            )
            names = [table.name for table in Base.metadata.sorted_tables if table.name in present]
            if names:
                # TRUNCATE does not fire the event log's row triggers, so tests can start clean
                connection.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


def database_url_of(request) -> str | None:  # noqa: ANN001 - a pytest FixtureRequest
    """For a fixture parametrised over "sqlite" and "postgresql": None (SQLite, the workspace's
    own file), or the run's PostgreSQL test database, emptied; skips when none answers."""
    if request.param != "postgresql":
        return None
    url = request.getfixturevalue("postgres_url")
    if url is None:
        pytest.skip(getattr(pytest, "postgres_unavailable", "PostgreSQL is not reachable"))
    empty_postgres(url)
    return url


def set_check_postgres_workspace(tmp_path, postgres_url: str | None):  # noqa: ANN001, ANN201
    """A migrated, emptied PostgreSQL workspace whose imports count as large (set checks,
    deferred indexes) from 3 rows on; skips when PostgreSQL does not answer."""
    if postgres_url is None:
        pytest.skip(getattr(pytest, "postgres_unavailable", "PostgreSQL is not reachable"))
    from conftest import make_settings
    from learnloop.workspace import Workspace

    empty_postgres(postgres_url)
    return Workspace.open(make_settings(tmp_path, postgres_url, import_set_check_min_rows=3))
