"""read_beside: a read on the session's own connection in a worker thread while the caller
computes; the session is the caller's again only once the read is over, whatever fails."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from learnloop.store import tables
from learnloop.store.read_beside import read_beside
from learnloop.workspace import Workspace


def test_the_read_runs_on_the_session_beside_the_computation(workspace: Workspace) -> None:
    with workspace.session() as session:
        session.add(tables.Organisation(key="beside", name="Beside", created_at=datetime.now(UTC)))
        session.flush()  # uncommitted: the read must see it, as on the session's own thread
        threads: list[str] = []

        def read() -> int:
            threads.append(threading.current_thread().name)
            return session.scalar(select(func.count()).select_from(tables.Organisation))

        def compute() -> str:
            threads.append(threading.current_thread().name)
            return "computed"

        counted, computed = read_beside(read, compute)
        expected = session.scalar(select(func.count()).select_from(tables.Organisation))
        session.rollback()
    assert (counted, computed) == (expected, "computed")
    assert len(set(threads)) == 2  # the read ran on a thread of its own


def test_a_failed_computation_waits_for_the_read_before_it_raises() -> None:
    finished = threading.Event()

    def read() -> None:
        time.sleep(0.2)
        finished.set()

    def compute() -> None:
        raise RuntimeError("the estimator failed")

    with pytest.raises(RuntimeError, match="estimator"):
        read_beside(read, compute)
    assert finished.is_set()  # nobody else could be using the connection by now


def test_a_failed_read_raises_after_the_computation() -> None:
    computed = threading.Event()

    def read() -> None:
        raise LookupError("the read failed")

    with pytest.raises(LookupError, match="read failed"):
        read_beside(read, computed.set)
    assert computed.is_set()
