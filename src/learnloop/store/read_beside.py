"""Reads that run while the caller computes: the database works without Python's lock (SQLite
inside its C step, PostgreSQL in its own process), so on two cores the next read goes on while
NumPy works on the last one.

The reads run on the session's own connection, in a worker thread: the same transaction and
the same snapshot, the session's own uncommitted writes included. Only one thread uses the
connection at a time: the computation must not touch the session, and `read_beside` returns
only when both are done (also when one of them fails).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

__all__ = ["read_beside"]

R = TypeVar("R")
C = TypeVar("C")


def read_beside(read: Callable[[], R], compute: Callable[[], C]) -> tuple[R, C]:
    """`read()` in a worker thread while `compute()` runs here; their results."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-beside") as pool:
        reading = pool.submit(read)
        try:
            computed = compute()
        finally:
            wait([reading])  # the session is the caller's again only once the read is over
        return reading.result(), computed
