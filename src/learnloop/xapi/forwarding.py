"""Forwarding statements to external LRSs: each target remembers the last statement it
acknowledged, so a batch is sent again only if its acknowledgement was never recorded — and the
external LRS, keyed by statement id, stores it once (a 409 is checked id by id)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from learnloop.domain.events import utcnow
from learnloop.errors import InputError, NotFoundError, Problem
from learnloop.store import Session
from learnloop.store import xapi_forwards as store
from learnloop.store.xapi_statements import count_after, last_seq, statements_after
from learnloop.xapi.remote import RemoteLrs

__all__ = ["ForwardHealth", "forward_batch", "forward_health", "record_failure",
           "remote_of", "save_forward"]


@dataclass(frozen=True, slots=True)
class ForwardHealth:
    """How forwarding to one external LRS stands."""

    name: str
    endpoint: str
    sent: int
    waiting: int
    failures: int
    last_error: str | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None


def save_forward(session: Session, *, organisation_id: int, name: str, endpoint: str,
                 username: str, password: str) -> None:
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError("bad --endpoint", [Problem(
            "the external LRS's endpoint is an http(s) URL, e.g. https://lrs.example/xAPI/",
            field="endpoint")])
    store.save_forward(session, organisation_id=organisation_id, name=name, endpoint=endpoint,
                       username=username, password=password, at=utcnow())


def _target(session: Session, organisation_id: int, name: str):  # noqa: ANN202 - a store row
    row = store.forward_by_name(session, organisation_id=organisation_id, name=name)
    if row is None:
        raise NotFoundError(f"no forwarding target {name!r}; add it with learnloop lrs forward")
    return row


def remote_of(session: Session, *, organisation_id: int, name: str) -> RemoteLrs:
    row = _target(session, organisation_id, name)
    return RemoteLrs(endpoint=row.endpoint, username=row.username, password=row.password)


def _deliver(remote: RemoteLrs, statements: list[dict[str, Any]]) -> None:
    """POST the batch; on a 409 (some id already there, e.g. a batch whose acknowledgement was
    lost), send each statement the external LRS does not have on its own."""
    if remote.post_statements(statements) != 409:
        return
    for statement in statements:
        if not remote.has_statement(statement["id"]):
            remote.post_statements([statement])


def forward_batch(session: Session, *, organisation_id: int, name: str, remote: RemoteLrs,
                  batch_size: int) -> int:
    """Send the next batch after the target's last acknowledged statement and record the
    acknowledgement in the caller's transaction; return how many were sent (0: up to date).
    ProviderError when the external LRS refuses or cannot be reached."""
    row = _target(session, organisation_id, name)
    rows = statements_after(session, organisation_id=organisation_id, after_seq=row.sent_seq,
                            limit=batch_size)
    if not rows:
        return 0
    _deliver(remote, [json.loads(text) for _, text in rows])
    store.mark_sent(session, forward_id=row.id, through_seq=rows[-1][0], count=len(rows),
                    at=utcnow())
    return len(rows)


def record_failure(session: Session, *, organisation_id: int, name: str, error: str) -> None:
    store.mark_failed(session, forward_id=_target(session, organisation_id, name).id,
                      error=error, at=utcnow())


def forward_health(session: Session, *, organisation_id: int) -> list[ForwardHealth]:
    newest = last_seq(session)
    return [ForwardHealth(name=row.name, endpoint=row.endpoint, sent=row.sent,
                          waiting=_waiting(session, organisation_id, row.sent_seq, newest),
                          failures=row.failures, last_error=row.last_error,
                          last_attempt_at=row.last_attempt_at,
                          last_success_at=row.last_success_at)
            for row in store.forward_rows(session, organisation_id=organisation_id)]


def _waiting(session: Session, organisation_id: int, sent_seq: int, newest: int) -> int:
    if newest <= sent_seq:
        return 0
    return count_after(session, organisation_id=organisation_id, after_seq=sent_seq)
