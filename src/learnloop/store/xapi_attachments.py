"""Attachment content kept by SHA-256: written once however many statements carry it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from learnloop.store.tables import XapiAttachment

__all__ = ["attachments_by_hash", "save_attachments"]


def save_attachments(session: Session, *, organisation_id: int,
                     attachments: Iterable[tuple[str, str, bytes]]) -> None:
    """(sha2, content type, content) each; one already kept is left as it is."""
    rows = {sha2: {"organisation_id": organisation_id, "sha2": sha2,
                   "content_type": content_type, "content": content}
            for sha2, content_type, content in attachments}
    if not rows:
        return
    insert = (postgresql_insert if session.get_bind().dialect.name == "postgresql"
              else sqlite_insert)
    # a concurrent request storing the same content is no conflict: the content is the hash's
    session.execute(insert(XapiAttachment).on_conflict_do_nothing(), list(rows.values()))


def attachments_by_hash(session: Session, *, organisation_id: int,
                        hashes: Iterable[str]) -> list[tuple[str, str, bytes]]:
    wanted = sorted(set(hashes))
    if not wanted:
        return []
    return [(row.sha2, row.content_type, row.content) for row in session.scalars(
        select(XapiAttachment).where(XapiAttachment.organisation_id == organisation_id,
                                     XapiAttachment.sha2.in_(wanted)))]
