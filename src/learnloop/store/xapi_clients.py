"""LRS client rows: insert, find by username, list, revoke. Passwords arrive here only hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from learnloop.store.tables import XapiClient

__all__ = ["client_by_username", "client_rows", "insert_client", "mark_client_revoked"]


def insert_client(session: Session, *, organisation_id: int, name: str, username: str,
                  secret_hash: str, scopes: str, created_at: datetime) -> XapiClient:
    row = XapiClient(organisation_id=organisation_id, name=name, username=username,
                     secret_hash=secret_hash, scopes=scopes, created_at=created_at,
                     revoked_at=None)
    session.add(row)
    session.flush()
    return row


def client_by_username(session: Session, *, username: str) -> XapiClient | None:
    return session.scalar(select(XapiClient).where(XapiClient.username == username))


def client_rows(session: Session, *, organisation_id: int) -> list[XapiClient]:
    return list(session.scalars(select(XapiClient)
                                .where(XapiClient.organisation_id == organisation_id)
                                .order_by(XapiClient.id)))


def mark_client_revoked(session: Session, *, organisation_id: int, username: str,
                        at: datetime) -> bool:
    """Revoke the client; False when the organisation has no such client."""
    found = session.execute(
        update(XapiClient).where(XapiClient.organisation_id == organisation_id,
                                 XapiClient.username == username)
        .values(revoked_at=at)).rowcount
    return bool(found)
