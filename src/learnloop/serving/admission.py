"""Turns at the database: how many requests of a kind work with it at once, the rest queued.

A request waits for its turn on the event loop, holding neither a thread nor a connection, so a
crowd of writers cannot starve the thread pool, the connection pool or the readers behind them.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass

from learnloop.errors import ServiceUnavailableError

__all__ = ["Admission", "Turns"]

_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]


class Turns:
    """`at_once` turns handed out in order of arrival; at most `waiting` requests wait, each at
    most `wait_seconds`, else ServiceUnavailableError (503 with `Retry-After`).

    Thread-safe and loop-agnostic (a test client may run each request on its own event loop):
    a turn given back wakes the next waiter on its own loop.
    """

    def __init__(self, *, name: str, at_once: int, waiting: int, wait_seconds: float) -> None:
        self.name = name
        self.wait_seconds = wait_seconds
        self._waiting = waiting
        self._free = at_once
        self._queue: deque[_Waiter] = deque()
        self._lock = threading.Lock()

    def _busy(self, why: str) -> ServiceUnavailableError:
        return ServiceUnavailableError(
            f"the server is busy: {why}; nothing was done, send it again",
            retry_after=max(1, round(self.wait_seconds / 4)))

    async def take(self) -> None:
        """Wait for a turn; give it back with `give_back()` once the request is done."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._free > 0 and not self._queue:
                self._free -= 1
                return
            if len(self._queue) >= self._waiting:
                raise self._busy(f"{len(self._queue)} {self.name} already wait their turn")
            waiter: _Waiter = (loop, loop.create_future())
            self._queue.append(waiter)
        try:
            await asyncio.wait({waiter[1]}, timeout=self.wait_seconds)
        except asyncio.CancelledError:
            if not self._leave_queue(waiter):
                self.give_back()  # handed a turn just as it was cancelled: pass it on
            raise
        if self._leave_queue(waiter):
            raise self._busy(f"no turn for {self.name} came free in {self.wait_seconds:g} s")

    def _leave_queue(self, waiter: _Waiter) -> bool:
        """Leave the queue; False when the waiter was already handed a turn."""
        with self._lock:
            try:
                self._queue.remove(waiter)
            except ValueError:
                return False
            return True

    def give_back(self) -> None:
        """Hand the turn to the longest waiter, or free it."""
        with self._lock:
            if self._queue:
                loop, future = self._queue.popleft()
                loop.call_soon_threadsafe(_wake, future)
            else:
                self._free += 1


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@dataclass(frozen=True, slots=True)
class Admission:
    """The server's two queues: writes (POST, PUT, PATCH, DELETE) and reads, so readers keep
    answering while writers line up behind SQLite's single write lock."""

    writes: Turns
    reads: Turns

    @classmethod
    def from_limits(cls, *, writes: int, reads: int, waiting: int,
                    wait_seconds: float) -> Admission:
        return cls(writes=Turns(name="writes", at_once=writes, waiting=waiting,
                                wait_seconds=wait_seconds),
                   reads=Turns(name="reads", at_once=reads, waiting=waiting,
                               wait_seconds=wait_seconds))

    def for_method(self, method: str) -> Turns:
        return self.reads if method in ("GET", "HEAD", "OPTIONS") else self.writes
