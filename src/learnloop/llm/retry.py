"""When to call a model server again: which failures are worth a retry, and how long to wait
(exponential backoff with jitter, or the server's own Retry-After).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RETRYABLE_STATUS", "RetryPolicy", "retry_after_seconds"]

# 408 request timeout, 409 (OpenAI's "try again" lock), 429 rate limit, 5xx and Anthropic's
# 529 "overloaded": the same request may well succeed later
RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`retries` calls after the first; the n-th waits about backoff·2ⁿ seconds (with jitter, so
    many workers do not retry in step), or what Retry-After asks, at most `max_wait_seconds`."""

    retries: int = 3
    backoff_seconds: float = 1.0
    max_wait_seconds: float = 60.0

    def wait(self, retry: int, *, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_wait_seconds)
        exponential = self.backoff_seconds * 2**retry
        return min(exponential * random.uniform(0.5, 1.0), self.max_wait_seconds)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)
