"""Send one delivery: record the attempt and commit it, call the channel, record the outcome.

The attempt is durable before the peer is called, so a worker killed mid-send leaves an attempt
without an outcome; `reconcile` (run when a worker starts) finds those and marks them in doubt:
resent with the same idempotency key only to peers that drop repeats, otherwise left for an
admin in the dead-letter list. A delivery is never sent twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta

from learnloop.connectors.channels.base import (
    SEND_TIMEOUT_SECONDS,
    Channel,
    ChannelFailure,
    Outgoing,
    Recipient,
)
from learnloop.domain.delivery.messages import DeliveryStatus
from learnloop.domain.delivery.retry import Outcome, next_step
from learnloop.domain.events import utcnow
from learnloop.store import Session
from learnloop.store.deliveries import (
    Claim,
    claim_attempt,
    due_deliveries,
    finish_attempt,
    unfinished_attempts,
)
from learnloop.store.event_log import EventLog

__all__ = ["DELIVERY_SUBJECT", "Sent", "reconcile", "send_delivery", "worker_name"]

log = logging.getLogger(__name__)

DELIVERY_SUBJECT = "delivery"
Transaction = Callable[[], AbstractContextManager[Session]]
# an attempt this old has outlived any channel's timeout: its worker is gone
_STALE_AFTER = timedelta(seconds=SEND_TIMEOUT_SECONDS * 3)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


@dataclass(frozen=True, slots=True)
class Sent:
    delivery_id: int
    status: DeliveryStatus | None  # None: not claimable (sent already, or not due): suppressed
    retry_in: float | None = None


def _outgoing(claim: Claim) -> Outgoing:
    return Outgoing(idempotency_key=claim.key, message=claim.message, why=claim.why,
                    recipient=Recipient(key=claim.person_key, name=claim.name,
                                        email=claim.email, slack_user=claim.slack_user,
                                        time_zone=claim.time_zone))


def send_delivery(transaction: Transaction, *, delivery_id: int, channels: dict[str, Channel],
                  max_attempts: int, backoff_seconds: float) -> Sent:
    """One attempt at one delivery, in three steps with their own transactions."""
    with transaction() as session:
        claim = claim_attempt(session, delivery_id=delivery_id, worker=worker_name())
    if claim is None:
        return Sent(delivery_id, None)
    channel = channels.get(claim.channel)
    try:
        if channel is None:
            raise ChannelFailure(f"the {claim.channel} channel is not configured",
                                 transient=False)
        detail, outcome = channel.send(_outgoing(claim)), Outcome.SENT
    except ChannelFailure as failure:
        detail = failure.detail
        outcome = (Outcome.IN_DOUBT if failure.in_doubt else
                   Outcome.TRANSIENT if failure.transient else Outcome.PERMANENT)
    except Exception as error:  # noqa: BLE001 - a channel bug must not leave the attempt open
        log.exception("channel %s failed on delivery %s", claim.channel, delivery_id)
        detail, outcome = f"internal error in the {claim.channel} channel: {error}", \
            Outcome.TRANSIENT
    step = next_step(outcome, attempt=claim.number, max_attempts=max_attempts,
                     base=backoff_seconds, key=claim.key)
    retry_at = utcnow() + timedelta(seconds=step.retry_in) if step.retry_in else None
    with transaction() as session:
        finish_attempt(session, delivery_id=delivery_id, number=claim.number, outcome=outcome,
                       detail=detail, status=step.status, retry_at=retry_at)
        EventLog(session, claim.organisation_id).record(
            f"delivery.{step.status}", actor="agent:delivery", subject_type=DELIVERY_SUBJECT,
            subject_id=str(delivery_id),
            payload={"channel": claim.channel, "attempt": claim.number, "outcome": outcome,
                     "detail": detail if outcome is not Outcome.SENT else None})
    return Sent(delivery_id, step.status, step.retry_in)


def _worker_gone(worker: str) -> bool:
    host, _, rest = worker.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def reconcile(transaction: Transaction, *, channels: dict[str, Channel]) -> list[int]:
    """Settle attempts whose worker died mid-send (its process is gone, or the attempt is older
    than any channel's timeout); returns the ids now due again (peers that drop repeats)."""
    now = utcnow()
    due_again: list[int] = []
    with transaction() as session:
        for found in unfinished_attempts(session):
            if not (_worker_gone(found.worker) or now - found.started_at > _STALE_AFTER):
                continue
            channel = channels.get(found.channel)
            safe = channel is not None and channel.peer_deduplicates
            status = DeliveryStatus.RETRYING if safe else DeliveryStatus.IN_DOUBT
            detail = (f"worker {found.worker} stopped mid-send; "
                      + ("resent with the same idempotency key" if safe else
                         "the peer may have it: replay only after checking"))
            finish_attempt(session, delivery_id=found.delivery_id, number=found.number,
                           outcome=Outcome.IN_DOUBT, detail=detail, status=status, retry_at=now)
            EventLog(session, found.organisation_id).record(
                f"delivery.{status}", actor="agent:delivery", subject_type=DELIVERY_SUBJECT,
                subject_id=str(found.delivery_id),
                payload={"channel": found.channel, "attempt": found.number,
                         "outcome": Outcome.IN_DOUBT, "detail": detail})
            if safe:
                due_again.append(found.delivery_id)
    return due_again


def due_now(transaction: Transaction) -> Iterator[tuple[str, int]]:
    with transaction() as session:
        found = due_deliveries(session)
    yield from found
