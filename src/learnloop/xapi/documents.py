"""The State, Activity Profile and Agent Profile resources: documents addressed by activity,
agent, registration and id, written under ETag concurrency (If-Match / If-None-Match).

PUT replaces, POST merges JSON objects, DELETE removes; a stale If-Match or a present
If-None-Match: * is 412; a profile PUT over an existing document without either header is 409.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from learnloop.domain.events import utcnow
from learnloop.errors import ConflictError, NotFoundError
from learnloop.store import Session
from learnloop.store import xapi_documents as store
from learnloop.xapi.errors import BadXapiRequest, PreconditionFailed
from learnloop.xapi.refs import agent_key
from learnloop.xapi.validation import (
    StatementInvalid,
    check_agent,
    check_iri,
    check_uuid,
    parse_timestamp,
)

__all__ = ["Document", "DocumentAddress", "Preconditions", "address_of", "delete_document",
           "read_document", "read_document_ids", "write_document"]

STATE, ACTIVITY_PROFILE, AGENT_PROFILE = "state", "activity_profile", "agent_profile"
_ID_PARAMETER = {STATE: "stateId", ACTIVITY_PROFILE: "profileId", AGENT_PROFILE: "profileId"}
_PARAMETERS = {STATE: {"activityId", "agent", "registration", "stateId", "since"},
               ACTIVITY_PROFILE: {"activityId", "profileId", "since"},
               AGENT_PROFILE: {"agent", "profileId", "since"}}
_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class DocumentAddress:
    kind: str
    activity_id: str
    agent: str
    registration: str | None  # None: any registration (lists and deletes of State)
    document_id: str | None  # None: every document at the address
    since: datetime | None


@dataclass(frozen=True, slots=True)
class Document:
    content: bytes
    content_type: str
    etag: str
    updated: datetime


@dataclass(frozen=True, slots=True)
class Preconditions:
    """The request's If-Match and If-None-Match headers (None when absent)."""

    if_match: str | None = None
    if_none_match: str | None = None


def _tags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/").strip('"') for part in header.split(",")}


def address_of(kind: str, params: Mapping[str, str], *, needs_id: bool) -> DocumentAddress:
    """The document (or documents) the query parameters name; BadXapiRequest when they do not."""
    unknown = sorted(set(params) - _PARAMETERS[kind])
    if unknown:
        raise BadXapiRequest(f"unknown parameter {', '.join(unknown)}")
    try:
        activity_id = agent = ""
        if "activityId" in _PARAMETERS[kind]:
            if "activityId" not in params:
                raise StatementInvalid("activityId", "is required")
            activity_id = check_iri(params["activityId"], "activityId")
        if "agent" in _PARAMETERS[kind]:
            if "agent" not in params:
                raise StatementInvalid("agent", "is required")
            try:
                parsed = json.loads(params["agent"])
            except ValueError:
                raise StatementInvalid("agent", "must be an Agent as JSON") from None
            agent = agent_key(check_agent(parsed, "agent")) or ""
            if not agent:
                raise StatementInvalid("agent", "must be identified (not an anonymous Group)")
        registration = (check_uuid(params["registration"], "registration")
                        if "registration" in params else None)
        since = parse_timestamp(params["since"], "since") if "since" in params else None
    except StatementInvalid as error:
        raise BadXapiRequest(str(error)) from None
    document_id = params.get(_ID_PARAMETER[kind])
    if needs_id and not document_id:
        raise BadXapiRequest(f"{_ID_PARAMETER[kind]} is required")
    return DocumentAddress(kind=kind, activity_id=activity_id, agent=agent,
                           registration=registration, document_id=document_id, since=since)


def _stored(session: Session, organisation_id: int, address: DocumentAddress):  # noqa: ANN202
    return store.find_document(session, organisation_id=organisation_id, kind=address.kind,
                               activity_id=address.activity_id, agent=address.agent,
                               registration=address.registration or "",
                               document_id=address.document_id or "")


def _check(found: Any, preconditions: Preconditions, *, kind: str, replacing: bool) -> None:
    if preconditions.if_match is not None:
        tags = _tags(preconditions.if_match)
        if found is None or not ("*" in tags or found.etag in tags):
            raise PreconditionFailed("If-Match does not match the document's current ETag: "
                                     "it changed (or is gone); read it again")
    if preconditions.if_none_match is not None and found is not None:
        tags = _tags(preconditions.if_none_match)
        if "*" in tags or found.etag in tags:
            raise PreconditionFailed("If-None-Match: the document exists already")
    if (replacing and kind != STATE and found is not None and preconditions.if_match is None
            and preconditions.if_none_match is None):
        raise ConflictError("the document exists: send If-Match with its ETag to replace it "
                            "(or If-None-Match: * to create only)")


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise BadXapiRequest(f"{what} is not JSON; POST merges JSON objects only") from None
    if not isinstance(value, dict):
        raise BadXapiRequest(f"{what} is not a JSON object; POST merges JSON objects only")
    return value


def write_document(session: Session, *, organisation_id: int, address: DocumentAddress,
                   content: bytes, content_type: str, merge: bool,
                   preconditions: Preconditions) -> str:
    """PUT (merge=False) or POST (merge=True) a document; return its new ETag."""
    found = _stored(session, organisation_id, address)
    _check(found, preconditions, kind=address.kind, replacing=not merge)
    if merge:
        new = _json_object(content, "the body")
        if found is not None:
            if found.content_type.split(";")[0].strip() != _JSON:
                raise BadXapiRequest("the stored document is not JSON; POST merges JSON only")
            new = {**_json_object(found.content, "the stored document"), **new}
        content = json.dumps(new, separators=(",", ":")).encode()
        content_type = _JSON
    etag = hashlib.sha1(content, usedforsecurity=False).hexdigest()
    store.write_document(session, organisation_id=organisation_id, kind=address.kind,
                         activity_id=address.activity_id, agent=address.agent,
                         registration=address.registration or "",
                         document_id=address.document_id or "", content_type=content_type,
                         content=content, etag=etag, updated=utcnow())
    return etag


def read_document(session: Session, *, organisation_id: int,
                  address: DocumentAddress) -> Document:
    found = _stored(session, organisation_id, address)
    if found is None:
        raise NotFoundError(f"no document {address.document_id!r} here")
    return Document(content=found.content, content_type=found.content_type, etag=found.etag,
                    updated=found.updated)


def read_document_ids(session: Session, *, organisation_id: int,
                      address: DocumentAddress) -> list[str]:
    return store.document_ids(session, organisation_id=organisation_id, kind=address.kind,
                              activity_id=address.activity_id, agent=address.agent,
                              registration=(address.registration or ""
                                            if address.kind == STATE else ""),
                              since=address.since)


def delete_document(session: Session, *, organisation_id: int, address: DocumentAddress,
                    preconditions: Preconditions) -> None:
    """Delete the document (If-Match checked), or every State document at the address."""
    if address.document_id is not None:
        _check(_stored(session, organisation_id, address), preconditions, kind=address.kind,
               replacing=False)
        registration = address.registration or ""
    else:
        if address.kind != STATE:
            raise BadXapiRequest("name the profile to delete with profileId")
        registration = address.registration
    store.delete_documents(session, organisation_id=organisation_id, kind=address.kind,
                           activity_id=address.activity_id, agent=address.agent,
                           registration=registration, document_id=address.document_id)
