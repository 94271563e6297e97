"""Writers of one SQLite file in several processes take turns through a flock beside the file: the
next waiter gets the turn as soon as it is given back, a wait that times out leaves nothing held,
a write finding another process's turn is told to retry (503), naming the other process, and
without a lock file SQLite's own lock still keeps writers apart."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from learnloop.errors import ServiceUnavailableError
from learnloop.store.database import Database
from learnloop.store.writer_turns import WriterTurns


def test_a_waiting_writer_gets_the_turn_when_it_is_given_back(tmp_path: Path) -> None:
    holder, waiter = WriterTurns(tmp_path / "a.db"), WriterTurns(tmp_path / "a.db")
    assert holder.take(0)
    released_at: list[float] = []

    def give_back_later() -> None:
        time.sleep(0.2)
        released_at.append(time.monotonic())
        holder.give_back()

    threading.Thread(target=give_back_later).start()
    assert waiter.take(10)
    assert released_at, "the waiter got the turn while the holder still had it"
    waiter.give_back()


def test_a_wait_that_times_out_leaves_nothing_held(tmp_path: Path) -> None:
    holder, impatient, later = (WriterTurns(tmp_path / "b.db") for _ in range(3))
    assert holder.take(0)
    started = time.monotonic()
    assert not impatient.take(0.2)
    assert 0.15 < time.monotonic() - started < 5
    holder.give_back()
    # the given-up wait's thread takes the turn when it comes free, and hands it straight back
    assert later.take(5)
    assert not impatient.take(0.1)  # `later` holds it now
    later.give_back()
    assert impatient.take(5)
    impatient.give_back()


def test_a_write_finding_another_process_turn_is_told_to_retry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = Database(url, wait_seconds=0.3), Database(url, wait_seconds=0.3)
    try:
        with first.session() as session:
            session.execute(text("CREATE TABLE notes (body TEXT)"))
        with first.session() as holding:
            holding.execute(text("INSERT INTO notes VALUES ('first')"))  # its turn, uncommitted
            with pytest.raises(ServiceUnavailableError, match="another process"), \
                    second.session() as session:
                session.execute(text("INSERT INTO notes VALUES ('second')"))
        with second.session() as session:  # given back with the commit
            session.execute(text("INSERT INTO notes VALUES ('second')"))
        with second.session() as session:
            assert session.execute(text("SELECT count(*) FROM notes")).scalar_one() == 2
    finally:
        first.dispose()
        second.dispose()


def test_a_lock_file_that_cannot_be_opened_leaves_the_order_to_sqlite(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "odd.db"
    WriterTurns(path).path.mkdir()  # a folder where the lock file should be
    first, second = (Database(f"sqlite:///{path}", wait_seconds=0.3) for _ in range(2))
    try:
        with first.session() as session:
            session.execute(text("CREATE TABLE notes (body TEXT)"))
            session.execute(text("INSERT INTO notes VALUES ('first')"))
        assert "busy handler instead" in caplog.text
        with first.session() as holding:
            holding.execute(text("INSERT INTO notes VALUES ('held')"))  # uncommitted
            # no flock to wait at: SQLite's own lock keeps the other writer out
            with pytest.raises(ServiceUnavailableError), second.session() as session:
                session.execute(text("INSERT INTO notes VALUES ('second')"))
        with second.session() as session:  # and neither gate was left taken
            session.execute(text("INSERT INTO notes VALUES ('second')"))
            assert sorted(session.execute(text("SELECT body FROM notes")).scalars()) == [
                "first", "held", "second"]
    finally:
        first.dispose()
        second.dispose()
