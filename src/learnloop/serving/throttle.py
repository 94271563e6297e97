"""Sign-in throttling: too many failed sign-ins from one client address, or with one token
prefix, answer 429 with `Retry-After` until the oldest failure leaves the window.

In-process: right for one server process. Several processes or hosts each count on their own
(docs/security.md says what a multi-process deployment adds in front).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from learnloop.domain.tokens import display_prefix
from learnloop.errors import LearnloopError

__all__ = ["SignInThrottle", "SignInThrottled"]

FAILURES_ALLOWED = 10
WINDOW_SECONDS = 60.0
# beyond this many tracked keys, keys with no failure in the window are forgotten
_PRUNE_AT = 10_000


class SignInThrottled(LearnloopError):
    """Too many failed sign-ins; `retry_after` says in how many seconds to try again."""

    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


class SignInThrottle:
    def __init__(self, *, failures_allowed: int = FAILURES_ALLOWED,
                 window_seconds: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures_allowed = failures_allowed
        self.window_seconds = window_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(address: str, secret: str) -> tuple[str, str]:
        return f"address:{address}", f"prefix:{display_prefix(secret.strip())}"

    def check(self, *, address: str, secret: str) -> None:
        """SignInThrottled when this address or this token prefix failed too often lately."""
        now = self._clock()
        with self._lock:
            waits = [self._wait(key, now) for key in self._keys(address, secret)]
        wait = max(waits)
        if wait > 0:
            raise SignInThrottled(max(1, math.ceil(wait)))

    def failed(self, *, address: str, secret: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) > _PRUNE_AT:
                self._prune(now)
            for key in self._keys(address, secret):
                self._failures.setdefault(key, deque()).append(now)

    def _wait(self, key: str, now: float) -> float:
        failures = self._failures.get(key)
        if not failures:
            return 0.0
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        if len(failures) < self.failures_allowed:
            return 0.0
        # the attempt that brings the count under the limit again
        return failures[-self.failures_allowed] + self.window_seconds - now

    def _prune(self, now: float) -> None:
        for key in [key for key, found in self._failures.items()
                    if not found or found[-1] <= now - self.window_seconds]:
            del self._failures[key]
