"""API token rows: insert, look up by secret hash, list, revoke and mark as used.

Secrets never reach this module; only their sha256 and a display prefix do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from learnloop.store import tables

__all__ = ["insert_token", "mark_revoked", "mark_used", "token_by_hash", "token_by_id",
           "token_rows"]


def insert_token(session: Session, *, organisation_id: int, name: str, role: str,
                 person_id: int | None, prefix: str, secret_hash: str, scopes: str,
                 created_at: datetime) -> tables.ApiToken:
    row = tables.ApiToken(organisation_id=organisation_id, name=name, role=role,
                          person_id=person_id, prefix=prefix, secret_hash=secret_hash,
                          scopes=scopes, created_at=created_at, last_used_at=None,
                          revoked_at=None)
    session.add(row)
    session.flush()
    return row


def token_by_hash(session: Session, *, secret_hash: str) -> tables.ApiToken | None:
    return session.scalar(select(tables.ApiToken).where(tables.ApiToken.secret_hash == secret_hash))


def token_by_id(session: Session, *, organisation_id: int, token_id: int) -> tables.ApiToken | None:
    return session.scalar(select(tables.ApiToken).where(
        tables.ApiToken.organisation_id == organisation_id, tables.ApiToken.id == token_id))


def token_rows(session: Session, *, organisation_id: int) -> list[tuple[tables.ApiToken, Any]]:
    """Every token of the organisation with its person's key (or None), oldest first."""
    rows = session.execute(
        select(tables.ApiToken, tables.Person.key)
        .outerjoin(tables.Person, tables.Person.id == tables.ApiToken.person_id)
        .where(tables.ApiToken.organisation_id == organisation_id)
        .order_by(tables.ApiToken.id))
    return [(token, person_key) for token, person_key in rows]


def mark_revoked(session: Session, *, token_id: int, at: datetime) -> None:
    session.execute(update(tables.ApiToken).where(tables.ApiToken.id == token_id,
                                                  tables.ApiToken.revoked_at.is_(None))
                    .values(revoked_at=at))


def mark_used(session: Session, *, token_id: int, at: datetime) -> None:
    session.execute(update(tables.ApiToken).where(tables.ApiToken.id == token_id)
                    .values(last_used_at=at))
