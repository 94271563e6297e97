"""What to do after an attempt: sent, retry after a back-off, or the dead-letter list.

Transient failures (a peer down, 429, 5xx) are retried with exponential back-off and jitter;
permanent ones (a refused address, a 4xx) go straight to the dead-letter list.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from learnloop.domain.delivery.messages import DeliveryStatus

__all__ = ["Outcome", "Step", "backoff_seconds", "next_step"]


class Outcome(StrEnum):
    SENT = "sent"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    IN_DOUBT = "in_doubt"


@dataclass(frozen=True, slots=True)
class Step:
    status: DeliveryStatus
    retry_in: float | None  # seconds until the next try; None when there is none


def backoff_seconds(attempt: int, *, base: float, key: str) -> float:
    """base · 2^(attempt-1), plus up to 25% jitter that is fixed per delivery and attempt (so
    many deliveries failing together spread out, and a replayed decision is the same)."""
    digest = hashlib.sha256(f"{key}:{attempt}".encode()).digest()
    jitter = int.from_bytes(digest[:4], "big") / 2**32 * 0.25
    return base * 2 ** (attempt - 1) * (1 + jitter)


def next_step(outcome: Outcome, *, attempt: int, max_attempts: int, base: float,
              key: str) -> Step:
    if outcome is Outcome.SENT:
        return Step(DeliveryStatus.SENT, None)
    if outcome is Outcome.IN_DOUBT:
        return Step(DeliveryStatus.IN_DOUBT, None)
    if outcome is Outcome.TRANSIENT and attempt < max_attempts:
        return Step(DeliveryStatus.RETRYING, backoff_seconds(attempt, base=base, key=key))
    return Step(DeliveryStatus.DEAD, None)
