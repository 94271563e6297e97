"""Forwarding targets: external LRSs learnloop sends its statements to, and how far each got."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from learnloop.store.tables import XapiForward

__all__ = ["forward_by_name", "forward_rows", "mark_failed", "mark_sent", "save_forward"]


def save_forward(session: Session, *, organisation_id: int, name: str, endpoint: str,
                 username: str, password: str, at: datetime) -> XapiForward:
    """Create the target or change its endpoint and credentials (its progress stays)."""
    row = forward_by_name(session, organisation_id=organisation_id, name=name)
    if row is None:
        row = XapiForward(organisation_id=organisation_id, name=name, endpoint=endpoint,
                          username=username, password=password, sent_seq=0, sent=0, failures=0,
                          last_error=None, last_attempt_at=None, last_success_at=None,
                          created_at=at)
        session.add(row)
    else:
        row.endpoint, row.username, row.password = endpoint, username, password
    session.flush()
    return row


def forward_by_name(session: Session, *, organisation_id: int, name: str) -> XapiForward | None:
    return session.scalar(select(XapiForward).where(XapiForward.organisation_id == organisation_id,
                                                    XapiForward.name == name))


def forward_rows(session: Session, *, organisation_id: int) -> list[XapiForward]:
    return list(session.scalars(select(XapiForward)
                                .where(XapiForward.organisation_id == organisation_id)
                                .order_by(XapiForward.name)))


def mark_sent(session: Session, *, forward_id: int, through_seq: int, count: int,
              at: datetime) -> None:
    """The external LRS acknowledged statements up to `through_seq` (never moved back)."""
    session.execute(update(XapiForward).where(XapiForward.id == forward_id,
                                              XapiForward.sent_seq < through_seq).values(
        sent_seq=through_seq, sent=XapiForward.sent + count, failures=0, last_error=None,
        last_attempt_at=at, last_success_at=at))


def mark_failed(session: Session, *, forward_id: int, error: str, at: datetime) -> None:
    session.execute(update(XapiForward).where(XapiForward.id == forward_id).values(
        failures=XapiForward.failures + 1, last_error=error[:2000], last_attempt_at=at))
