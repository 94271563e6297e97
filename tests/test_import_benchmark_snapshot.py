"""benchmarks/import_throughput.py: each round of signal writes starts from the database as the
people import left it (`Snapshot`), on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import sys
from pathlib import Path

import pytest

_FOLDER = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def benchmark():  # noqa: ANN201 - the module loaded from its file
    sys.path.insert(0, str(_FOLDER))  # it imports machine_load beside it
    try:
        spec = importlib.util.spec_from_file_location("import_throughput",
                                                      _FOLDER / "import_throughput.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(_FOLDER))


def test_a_sqlite_database_is_put_back_as_it_was_snapshotted(benchmark, tmp_path: Path) -> None:
    database = tmp_path / "bench.db"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE people (key TEXT)")
        connection.execute("INSERT INTO people VALUES ('P1')")
    connection.close()
    snapshot = benchmark.Snapshot(f"sqlite:///{database}")
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE signals (key TEXT)")
    connection.execute("INSERT INTO people VALUES ('P2')")
    connection.commit()
    connection.close()

    snapshot.restore()

    connection = sqlite3.connect(database)
    assert connection.execute("SELECT key FROM people").fetchall() == [("P1",)]
    assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'signals'"
                              ).fetchall() == []
    connection.close()
    snapshot.drop()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bench.db"]


def test_a_postgresql_database_is_put_back_as_it_was_snapshotted(benchmark) -> None:
    found = benchmark.postgres_database()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no PostgreSQL at {benchmark.POSTGRES_URL} in CI")
        pytest.skip(f"no PostgreSQL at {benchmark.POSTGRES_URL}")
    import psycopg

    url, drop = found
    plain = benchmark.libpq_url(url)
    try:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute("CREATE TABLE people (key TEXT)")
            connection.execute("INSERT INTO people VALUES ('P1')")
        snapshot = benchmark.Snapshot(url)
        try:
            with psycopg.connect(plain, autocommit=True) as connection:
                connection.execute("INSERT INTO people VALUES ('P2')")
            snapshot.restore()
            with psycopg.connect(plain) as connection:
                assert connection.execute("SELECT key FROM people").fetchall() == [("P1",)]
        finally:
            snapshot.drop()
        with psycopg.connect(benchmark.libpq_url(benchmark.POSTGRES_URL)) as connection:
            assert connection.execute("SELECT count(*) FROM pg_database WHERE datname = %s",
                                      (f"{url.rsplit('/', 1)[1]}_snapshot",)).fetchone() == (0,)
    finally:
        drop()
