"""Database.write_grouped on SQLite: writes handed in together share one commit, each in its own
savepoint, and none returns before the commit that holds it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import event, text

from learnloop.store.database import Database

WRITERS = 6


@pytest.fixture
def database(tmp_path: Path):
    found = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with found.session() as session:
        session.execute(text("CREATE TABLE written (x INTEGER)"))
    yield found
    found.dispose()


def _rows(database: Database) -> list[int]:
    with database.session() as session:
        return sorted(session.scalars(text("SELECT x FROM written")))


def test_writes_waiting_together_share_a_commit_and_a_failure_stays_its_own(
        database: Database) -> None:
    commits: list[float] = []
    event.listen(database.engine, "commit", lambda _connection: commits.append(time.monotonic()))
    first_started, release = threading.Event(), threading.Event()
    returned: dict[int, float] = {}

    def work(number: int):
        def write(session) -> int:
            if number == 0:  # the first leads; it holds its group open until the rest wait
                first_started.set()
                assert release.wait(10)
            session.execute(text("INSERT INTO written (x) VALUES (:x)"), {"x": number})
            if number == 3:
                raise ValueError("statement 3 is refused")
            return number * 10
        return write

    def hand_in(number: int) -> int:
        try:
            return database.write_grouped(work(number))
        finally:
            returned[number] = time.monotonic()

    with ThreadPoolExecutor(WRITERS) as pool:
        first = pool.submit(hand_in, 0)
        assert first_started.wait(10)
        rest = {number: pool.submit(hand_in, number) for number in range(1, WRITERS)}
        time.sleep(0.3)  # they all wait behind the first group now
        release.set()
        assert first.result(10) == 0
        with pytest.raises(ValueError, match="statement 3"):
            rest[3].result(10)
        assert {number: future.result(10) for number, future in rest.items()
                if number != 3} == {1: 10, 2: 20, 4: 40, 5: 50}

    # the first group held the first write alone; the five that waited shared the second commit
    assert len(commits) == 2
    assert all(returned[number] >= commits[1] for number in range(1, WRITERS))
    assert _rows(database) == [0, 1, 2, 4, 5]


def test_a_failed_commit_fails_every_write_of_its_group(database: Database) -> None:
    def refuse_commit(_connection) -> None:
        raise RuntimeError("the disk is full")

    event.listen(database.engine, "commit", refuse_commit)

    def write(session) -> str:
        session.execute(text("INSERT INTO written (x) VALUES (1)"))
        return "acknowledged"

    with pytest.raises(RuntimeError, match="disk is full"):
        database.write_grouped(write)
    event.remove(database.engine, "commit", refuse_commit)
    assert _rows(database) == []
    assert database.write_grouped(write) == "acknowledged"  # the next group leads again
    assert _rows(database) == [1]
