"""Shared fixtures: a workspace on SQLite always, and on PostgreSQL whenever one answers.

Set LEARNLOOP_TEST_POSTGRES_URL to point the PostgreSQL runs at another server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from database_support import POSTGRES_URL, empty_postgres
from learnloop.config import Settings
from learnloop.workspace import Workspace


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's LEARNLOOP_* variables or writes outside its tmp folder."""
    for name in list(os.environ):
        if name.startswith("LEARNLOOP_") and name != "LEARNLOOP_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("LEARNLOOP_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A fresh database on the test server for this run, dropped after; None if none answers."""
    admin_url = make_url(POSTGRES_URL)
    try:
        admin = create_engine(
            admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
        )
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
        pytest.postgres_unavailable = f"no PostgreSQL at {POSTGRES_URL}: {type(error).__name__}"  # type: ignore[attr-defined]
        yield None
        return
    name = f"learnloop_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs once per database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'learnloop.db'}"
    url = request.getfixturevalue("postgres_url")
    if url is None:
        pytest.skip(getattr(pytest, "postgres_unavailable", "PostgreSQL is not reachable"))
    empty_postgres(url)
    return url


def make_settings(tmp_path: Path, database_url: str | None = None, **overrides: object) -> Settings:
    return Settings(home=tmp_path / "home", database_url=database_url, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def workspace(tmp_path: Path, database_url: str) -> Iterator[Workspace]:
    """A migrated workspace, on SQLite and then on PostgreSQL."""
    opened = Workspace.open(make_settings(tmp_path, database_url))
    yield opened
    opened.close()


@pytest.fixture
def sqlite_workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A migrated workspace on SQLite only, for tests that are not about storage."""
    opened = Workspace.open(make_settings(tmp_path))
    yield opened
    opened.close()
