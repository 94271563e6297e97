"""SQLite writers of several processes lined up by the kernel, not by SQLite's busy handler.

A process that finds SQLite's write lock taken retries in SQLite's busy handler, sleeping between
tries (1, 2, 5, ... up to 100 ms each): under a steady stream of commits from another process
(`learnloop serve --processes 2`), a writer slept through many free moments, and the processes
took turns badly. Each write transaction therefore first takes an exclusive `flock` on a file
beside the database (`<database>-writers`); the kernel wakes the next waiter the moment the lock
is given back. The flock only orders writers that use it: SQLite's own lock still guards the
file, so another program writing without it is waited for as before.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy handler alone orders the processes
    fcntl = None  # type: ignore[assignment]

__all__ = ["WriterTurns"]

_log = logging.getLogger(__name__)


class _Wait:
    """A blocking flock taken on a thread of its own, given up after a time: if the lock comes
    after the waiter gave up, the thread hands it straight back."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self._settled = threading.Event()
        self._lock = threading.Lock()
        self._taken = self._abandoned = False
        threading.Thread(target=self._take, name="sqlite-writer-turn", daemon=True).start()

    def _take(self) -> None:
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX)
            taken = True
        except OSError:
            taken = False
        with self._lock:
            if not self._abandoned:
                self._taken = taken
                self._settled.set()
                if taken:
                    return
        os.close(self.descriptor)  # closing gives the lock back

    def outcome(self, timeout: float) -> bool:
        """Whether the lock was taken within `timeout` seconds; if not, the descriptor is the
        waiting thread's to close."""
        self._settled.wait(timeout)
        with self._lock:
            if not self._settled.is_set():
                self._abandoned = True
            return self._taken


class WriterTurns:
    """One write transaction at a time among the processes writing one SQLite file.

    `take(timeout)` is True once this holder has the turn (or when the lock file cannot be
    opened: a scheduling aid, it never fails a write), False if it did not come in time;
    `give_back()` ends it. One holder at a time per instance (the caller's own lock sees to that
    within a process). Each turn is taken on a descriptor of its own, so a wait given up never
    releases the turn of the next one.
    """

    # False where the system has no flock (Windows): the caller then does without
    available = fcntl is not None

    def __init__(self, database_file: str | Path) -> None:
        self.path = Path(f"{database_file}-writers")
        self._held: int | None = None
        self._warned = False

    def _open(self) -> int | None:
        """A new descriptor of the lock file (read-only is enough for flock, so processes of
        other users that can read it take turns too); None when it cannot be opened."""
        try:
            return os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            if not self._warned:
                self._warned = True
                _log.warning("cannot open %s (%s): this process's writers wait in SQLite's busy "
                             "handler instead", self.path, error.strerror or error)
            return None

    def take(self, timeout: float) -> bool:
        descriptor = self._open()
        if descriptor is None:  # SQLite's own lock still orders this writer
            return True
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _Wait(descriptor).outcome(timeout):
                return False  # the waiting thread closes the descriptor, now or later
        except BaseException:
            os.close(descriptor)
            raise
        self._held = descriptor
        return True

    def give_back(self) -> None:
        descriptor, self._held = self._held, None
        if descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(descriptor)  # the lock goes with its last descriptor
