"""PostgreSQL connections are pinged at checkout only after resting in the pool
(store/idle_ping.py): a busy connection goes out unpinged, and one the server ended while it
rested is replaced before anyone uses it."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine

from database_support import IN_CI
from learnloop.store import idle_ping
from learnloop.store.database import Database


def test_a_busy_connection_is_not_pinged_and_a_rested_dead_one_is_replaced_unseen(
        postgres_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if postgres_url is None:
        if IN_CI:
            pytest.fail("CI runs the PostgreSQL tests: no PostgreSQL answered")
        pytest.skip("no PostgreSQL answered")
    monkeypatch.setattr(idle_ping, "IDLE_PING_SECONDS", 0.3)
    database = Database(postgres_url, connections=1)
    pings: list[int] = []
    ping = database.engine.dialect.do_ping
    monkeypatch.setattr(database.engine.dialect, "do_ping",
                        lambda connection: pings.append(1) or ping(connection))

    def backend() -> int:
        with database.engine.connect() as connection:
            return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()

    try:
        first = backend()
        for _ in range(5):  # handed back and out again at once: alive, not pinged
            assert backend() == first
        assert pings == []
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:  # the server ends it while it rests in the pool
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({first})")
        admin.dispose()
        time.sleep(0.4)
        second = backend()  # no error: the ping found it dead and the pool connected afresh
        assert second != first
        assert pings == [1]
        time.sleep(0.4)
        assert backend() == second and pings == [1, 1]  # rested again: pinged, alive, kept
    finally:
        database.dispose()
