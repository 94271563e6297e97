"""What a busy server does with the request that cannot be served now: it waits its turn in order,
and past the configured wait it is told to retry (ServiceUnavailableError: 503, `Retry-After`),
never left hanging on a pool, a lock or SQLite's busy handler."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import make_settings
from learnloop.errors import ServiceUnavailableError
from learnloop.importing import ImportLimits, import_records
from learnloop.serving.admission import Turns
from learnloop.store.database import Database
from learnloop.workspace import Workspace

QUICKLY = 0.3  # seconds a test lets anything wait


def _signal(key: str) -> dict[str, object]:
    return {"id": key, "metric": "load", "subject_type": "organisation",
            "observed_at": "2025-03-01", "value": 1, "source": "test"}


def test_a_request_finding_every_connection_taken_is_told_to_retry(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'busy.db'}", connections=1, wait_seconds=QUICKLY)
    try:
        with database.session() as holding:
            holding.execute(text("SELECT 1"))  # keeps the only connection
            started = time.monotonic()
            with pytest.raises(ServiceUnavailableError) as refused, database.session() as other:
                other.execute(text("SELECT 1"))
        assert time.monotonic() - started < 5
        assert refused.value.status_code == 503 and refused.value.retry_after >= 1
        with database.session() as later:  # given back: the next request gets it
            assert later.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        database.dispose()


def test_a_write_finding_another_process_writing_is_told_to_retry(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    database = Database(f"sqlite:///{path}", wait_seconds=QUICKLY)
    other_process = sqlite3.connect(path, isolation_level=None)
    try:
        with database.session() as session:
            session.execute(text("CREATE TABLE notes (body TEXT)"))
        other_process.execute("BEGIN IMMEDIATE")  # e.g. `learnloop import` in a terminal
        with pytest.raises(ServiceUnavailableError), database.session() as session:
            session.execute(text("INSERT INTO notes VALUES ('mine')"))
        other_process.execute("ROLLBACK")
        with database.session() as session:  # the gate was given back with the failed write
            session.execute(text("INSERT INTO notes VALUES ('mine')"))
    finally:
        other_process.close()
        database.dispose()


@pytest.fixture
def busy_workspace(tmp_path: Path, database_url: str) -> Workspace:
    opened = Workspace.open(make_settings(tmp_path, database_url, wait_seconds=QUICKLY))
    with opened.session() as session:
        opened.organisation(session)
    yield opened
    opened.close()


def test_an_import_waits_for_the_one_before_it_then_is_told_to_retry(busy_workspace) -> None:
    limits = ImportLimits.from_settings(busy_workspace.settings)

    def receive(session, key: str):  # noqa: ANN001, ANN202
        return import_records(session, organisation_id=busy_workspace.organisation(session).id,
                              kind="signals", records=[_signal(key)], origin="webhook",
                              event_kind="signals.received", actor="test", limits=limits)

    with busy_workspace.session() as first:
        receive(first, "a")  # not committed yet: holds the organisation's signals turn
        with pytest.raises(ServiceUnavailableError), busy_workspace.session() as second:
            receive(second, "b")
    with busy_workspace.session() as third:  # the first committed: the turn is free again
        assert receive(third, "a").unchanged == 1


def test_turns_go_in_order_of_arrival_and_a_full_queue_refuses_at_once() -> None:
    turns = Turns(name="writes", at_once=1, waiting=2, wait_seconds=5)
    served: list[str] = []

    async def request(name: str) -> None:
        await turns.take()
        served.append(name)
        await asyncio.sleep(0.01)
        turns.give_back()

    async def crowd() -> list[BaseException | None]:
        await turns.take()  # the first request holds the only turn
        waiting = [asyncio.create_task(request(name)) for name in ("second", "third")]
        await asyncio.sleep(0.01)
        with pytest.raises(ServiceUnavailableError, match="2 writes already wait"):
            await turns.take()  # the queue is full: no wait at all
        turns.give_back()
        return await asyncio.gather(*waiting, return_exceptions=True)

    assert asyncio.run(crowd()) == [None, None]
    assert served == ["second", "third"]


def test_a_request_waiting_past_its_time_is_told_to_retry_and_leaves_the_queue() -> None:
    turns = Turns(name="reads", at_once=1, waiting=5, wait_seconds=QUICKLY)

    async def scenario() -> None:
        await turns.take()
        with pytest.raises(ServiceUnavailableError) as refused:
            await turns.take()
        assert refused.value.retry_after >= 1
        turns.give_back()
        await asyncio.wait_for(turns.take(), timeout=1)  # the turn went back, not to a ghost

    asyncio.run(scenario())
