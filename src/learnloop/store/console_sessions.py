"""Console session rows: start one for a token, find the token a session stands for, end them.

Session ids never reach this module; only their sha256 does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.store import tables

__all__ = ["end_session", "end_sessions_of_token", "session_token_hash", "start_session"]


def start_session(session: Session, *, id_hash: str, token_id: int, created_at: datetime,
                  expired_before: datetime) -> None:
    """Start a session; sessions started before `expired_before` are cleared out on the way."""
    session.execute(delete(tables.ConsoleSession)
                    .where(tables.ConsoleSession.created_at <= expired_before))
    session.add(tables.ConsoleSession(id_hash=id_hash, token_id=token_id, created_at=created_at))
    session.flush()


def session_token_hash(session: Session, *, id_hash: str, started_after: datetime) -> str | None:
    """The secret hash of the token a live session stands for; None when it ended or expired."""
    return session.scalar(
        select(tables.ApiToken.secret_hash)
        .join(tables.ConsoleSession, tables.ConsoleSession.token_id == tables.ApiToken.id)
        .where(tables.ConsoleSession.id_hash == id_hash,
               tables.ConsoleSession.created_at > started_after))


def end_session(session: Session, *, id_hash: str) -> None:
    session.execute(delete(tables.ConsoleSession).where(tables.ConsoleSession.id_hash == id_hash))


def end_sessions_of_token(session: Session, *, token_id: int) -> None:
    session.execute(delete(tables.ConsoleSession)
                    .where(tables.ConsoleSession.token_id == token_id))
