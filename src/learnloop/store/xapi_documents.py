"""State, Activity Profile and Agent Profile documents: find, list, write, delete.

A document is addressed by its kind and the parts that kind uses (activity, agent key,
registration, document id); parts a kind does not use are ''.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.store.tables import XapiDocument

__all__ = ["delete_documents", "document_ids", "find_document", "write_document"]


def _where(*, organisation_id: int, kind: str, activity_id: str, agent: str,
           registration: str | None) -> list:
    conditions = [XapiDocument.organisation_id == organisation_id, XapiDocument.kind == kind,
                  XapiDocument.activity_id == activity_id, XapiDocument.agent == agent]
    if registration is not None:
        conditions.append(XapiDocument.registration == registration)
    return conditions


def find_document(session: Session, *, organisation_id: int, kind: str, activity_id: str,
                  agent: str, registration: str, document_id: str) -> XapiDocument | None:
    return session.scalar(select(XapiDocument).where(
        *_where(organisation_id=organisation_id, kind=kind, activity_id=activity_id,
                agent=agent, registration=registration),
        XapiDocument.document_id == document_id))


def document_ids(session: Session, *, organisation_id: int, kind: str, activity_id: str,
                 agent: str, registration: str, since: datetime | None) -> list[str]:
    query = select(XapiDocument.document_id).where(
        *_where(organisation_id=organisation_id, kind=kind, activity_id=activity_id,
                agent=agent, registration=registration))
    if since is not None:
        query = query.where(XapiDocument.updated > since)
    return list(session.scalars(query.order_by(XapiDocument.document_id)))


def write_document(session: Session, *, organisation_id: int, kind: str, activity_id: str,
                   agent: str, registration: str, document_id: str, content_type: str,
                   content: bytes, etag: str, updated: datetime) -> None:
    """Create the document or replace its content."""
    row = find_document(session, organisation_id=organisation_id, kind=kind,
                        activity_id=activity_id, agent=agent, registration=registration,
                        document_id=document_id)
    if row is None:
        session.add(XapiDocument(organisation_id=organisation_id, kind=kind,
                                 activity_id=activity_id, agent=agent, registration=registration,
                                 document_id=document_id, content_type=content_type,
                                 content=content, etag=etag, updated=updated))
    else:
        row.content_type, row.content, row.etag, row.updated = (content_type, content, etag,
                                                                updated)
    session.flush()


def delete_documents(session: Session, *, organisation_id: int, kind: str, activity_id: str,
                     agent: str, registration: str | None, document_id: str | None) -> int:
    """Delete one document, or (document_id None) every one at this address."""
    statement = delete(XapiDocument).where(
        *_where(organisation_id=organisation_id, kind=kind, activity_id=activity_id,
                agent=agent, registration=registration))
    if document_id is not None:
        statement = statement.where(XapiDocument.document_id == document_id)
    return session.execute(statement).rowcount
