"""Recording statements: check, stamp (id, stored, authority, version, timestamp), store once.

`record_statements` is the one writer, used by the Statements resource, pulling and learnloop's
own learner interactions, always in the caller's transaction. A statement whose id is stored
already is a no-op when identical and a ConflictError when it differs.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from learnloop.domain.events import utcnow
from learnloop.errors import ConflictError
from learnloop.store import Session
from learnloop.store import xapi_statements as store
from learnloop.store.xapi_attachments import save_attachments
from learnloop.store.xapi_statements import NewStatement
from learnloop.xapi.errors import BadXapiRequest
from learnloop.xapi.multipart import Attachment, unsent_attachments
from learnloop.xapi.refs import statement_refs
from learnloop.xapi.signatures import check_signatures
from learnloop.xapi.validation import VOIDED_VERB, StatementInvalid, check_statement

__all__ = ["STATEMENT_VERSION", "check_statements", "iso_time", "prepare_statements",
           "record_attachments", "record_statements", "store_statements"]

# what `version` a statement gets when it arrives without one
STATEMENT_VERSION = "1.0.0"
# what an identical resend may differ in (xAPI 1.0.3, 2.3.1: properties an LRS may assign —
# a statement forwarded and pulled back carries the timestamp the first LRS gave it)
_SET_BY_LRS = ("authority", "stored", "version", "timestamp")


def iso_time(moment: datetime) -> str:
    """UTC with milliseconds and 'Z', as xAPI clients expect."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _essence(statement: dict[str, Any]) -> dict[str, Any]:
    """What makes two statements with one id the same statement (xAPI: immutability); dicts
    compare without regard to key order, as JSON objects do."""
    return {key: value for key, value in statement.items() if key not in _SET_BY_LRS}


def _context_activities_as_lists(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement with each context activity given alone turned into a one-item list, in its
    sub-statement too: an LRS returns them as lists (Data 2.4.6.2.s4.b3)."""
    context = statement.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        activities = {key: item if isinstance(item, list) else [item]
                      for key, item in context["contextActivities"].items()}
        statement = {**statement, "context": {**context, "contextActivities": activities}}
    target = statement.get("object")
    if isinstance(target, dict) and target.get("objectType") == "SubStatement":
        statement = {**statement, "object": _context_activities_as_lists(target)}
    return statement


def prepare_statements(statements: list[Any], *, authority: dict[str, Any],
                       stored: datetime) -> list[NewStatement]:
    """Check every statement and stamp it; BadXapiRequest (400) naming the first bad one."""
    stamp = iso_time(stored)
    prepared: dict[str, NewStatement] = {}
    for index, statement in enumerate(statements):
        try:
            check_statement(statement)
        except StatementInvalid as error:
            where = f"statement {index}: " if len(statements) > 1 else ""
            raise BadXapiRequest(f"{where}{error}") from None
        statement = _context_activities_as_lists(statement)
        statement_id = statement.get("id") or str(uuid.uuid4())
        document = {**statement, "id": statement_id, "stored": stamp, "authority": authority,
                    "version": statement.get("version", STATEMENT_VERSION),
                    "timestamp": statement.get("timestamp", stamp)}
        target = document["object"]
        earlier = prepared.get(statement_id)
        if earlier is not None:
            if _essence(earlier.document) != _essence(document):
                raise BadXapiRequest(f"statement {index}: id {statement_id} appears twice in "
                                     "the batch with different content")
            continue
        prepared[statement_id] = NewStatement(
            statement_id=statement_id, verb_id=document["verb"]["id"],
            registration=document.get("context", {}).get("registration"),
            voids=target["id"] if document["verb"]["id"] == VOIDED_VERB else None,
            stored=stored, document=document,
            refs=statement_refs(document))
    return list(prepared.values())


def _conflicts(prepared: list[NewStatement], stored: dict[str, str]) -> None:
    clashing = [item.statement_id for item in prepared if item.statement_id in stored
                and _essence(orjson.loads(stored[item.statement_id])) != _essence(item.document)]
    if clashing:
        raise ConflictError(f"a different statement is stored with id {clashing[0]}"
                            + (f" (and {len(clashing) - 1} more)" if len(clashing) > 1 else "")
                            + "; statements are immutable, nothing was stored")


def check_statements(statements: list[Any], *,
                     authority: dict[str, Any]) -> list[NewStatement]:
    """The statements checked and stamped as stored now, ready for `store_statements`, which
    may run later in another transaction (a group commit); BadXapiRequest (400) as
    prepare_statements."""
    now = utcnow()
    # milliseconds, as `stored` is written: a since/until taken from a statement then matches
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    return prepare_statements(statements, authority=authority, stored=now)


def record_statements(session: Session, *, organisation_id: int, statements: list[Any],
                      authority: dict[str, Any], client_id: int | None = None) -> list[str]:
    """Store the statements in the caller's transaction (all or none); return their ids in the
    order given. Resending a stored statement unchanged stores nothing and is no error."""
    return store_statements(session, organisation_id=organisation_id, client_id=client_id,
                            prepared=check_statements(statements, authority=authority))


def store_statements(session: Session, *, organisation_id: int, prepared: list[NewStatement],
                     client_id: int | None = None) -> list[str]:
    """Store statements checked by `check_statements` in the caller's transaction (all or none);
    their ids in the order given; ConflictError (409) when a stored id holds another statement."""
    ids = [item.statement_id for item in prepared]
    # no lookup first: the INSERT skips the ids stored already (earlier, or by a transaction
    # that committed while this one wrote) and says which; only those are read and compared
    held = store.insert_statements(session, organisation_id=organisation_id,
                                   client_id=client_id, statements=prepared)
    if held:
        try:
            _conflicts(prepared, store.stored_documents(session, organisation_id=organisation_id,
                                                        statement_ids=sorted(held)))
        except ConflictError:  # all or none, even for a caller that goes on after it
            store.delete_statements(session, organisation_id=organisation_id, statements=[
                item for item in prepared if item.statement_id not in held])
            raise
    targets = [item.voids for item in prepared if item.voids is not None and item.statement_id
               not in held]
    store.mark_voided(session, organisation_id=organisation_id, statement_ids=targets)
    return ids


def record_attachments(session: Session, *, organisation_id: int, statements: list[Any],
                       parts: list[Attachment]) -> None:
    """Keep the content of the statements' attachments sent as parts, in the caller's
    transaction; BadXapiRequest when an attachment has neither a fileUrl nor a part, or a
    signature is malformed (Data 2.6)."""
    unsent_attachments(statements, parts)
    check_signatures(statements, {part.sha2: part.content for part in parts})
    save_attachments(session, organisation_id=organisation_id,
                     attachments=[(part.sha2, part.content_type, part.content) for part in parts])
