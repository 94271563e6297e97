"""Reading statements: one by id, or a page of a filtered query with a `more` link whose pages
stay stable while others write (each later page is bounded by the first page's newest statement).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

import orjson

from learnloop.domain.events import utcnow
from learnloop.errors import NotFoundError
from learnloop.store import Session
from learnloop.store import xapi_statements as store
from learnloop.store.xapi_attachments import attachments_by_hash
from learnloop.store.xapi_statements import StatementFilter
from learnloop.xapi.errors import BadXapiRequest
from learnloop.xapi.formats import FORMATS, formatted
from learnloop.xapi.multipart import Attachment
from learnloop.xapi.refs import activity_key, agent_key
from learnloop.xapi.statements import iso_time
from learnloop.xapi.validation import (
    StatementInvalid,
    check_agent,
    check_iri,
    check_uuid,
    parse_timestamp,
)

__all__ = ["MAX_LIMIT", "MORE_PATH", "StatementPage", "attachments_of", "read_statement",
           "read_statements"]

# the most statements one page holds (also what limit=0 means)
MAX_LIMIT = 500
MORE_PATH = "/xapi/statements?more="
_QUERY = frozenset({"agent", "verb", "activity", "registration", "related_activities",
                    "related_agents", "since", "until", "limit", "format", "attachments",
                    "ascending"})
_SINGLE = frozenset({"statementId", "voidedStatementId", "format", "attachments"})


@dataclass(frozen=True, slots=True)
class StatementPage:
    """A StatementResult as JSON text, when every statement stored before was readable, and
    whether the query (or the query a `more` link continues) asked for the attachments."""

    body: str
    consistent_through: str
    statements: list[str]
    attachments: bool = False


def _flag(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise BadXapiRequest(f"{name} must be true or false")
    return value == "true"


def _format(params: Mapping[str, str]) -> str:
    chosen = params.get("format", "exact")
    if chosen not in FORMATS:
        raise BadXapiRequest(f"format must be one of {', '.join(FORMATS)}")
    return chosen


def _filter(params: Mapping[str, str]) -> StatementFilter:
    """The query's parameters, checked, as a StatementFilter; BadXapiRequest names the bad one."""
    unknown = sorted(set(params) - _QUERY)
    if unknown:
        raise BadXapiRequest(f"unknown parameter {', '.join(unknown)}; the Statements resource "
                             f"takes {', '.join(sorted(_QUERY | _SINGLE))}")
    try:
        agent = None
        if "agent" in params:
            try:
                parsed = json.loads(params["agent"])
            except ValueError:
                raise StatementInvalid("agent", "must be an Agent or Group as JSON") from None
            agent = agent_key(check_agent(parsed, "agent"))
            if agent is None:
                raise StatementInvalid("agent", "an anonymous Group cannot be a filter")
        return StatementFilter(
            agent=agent, related_agents=_flag(params, "related_agents"),
            verb=check_iri(params["verb"], "verb") if "verb" in params else None,
            activity=(activity_key(check_iri(params["activity"], "activity"))
                      if "activity" in params else None),
            related_activities=_flag(params, "related_activities"),
            registration=(check_uuid(params["registration"], "registration")
                          if "registration" in params else None),
            since=parse_timestamp(params["since"], "since") if "since" in params else None,
            until=parse_timestamp(params["until"], "until") if "until" in params else None,
            ascending=_flag(params, "ascending"))
    except StatementInvalid as error:
        raise BadXapiRequest(str(error)) from None


def _limit(params: Mapping[str, str]) -> int:
    text = params.get("limit", "0")
    if not text.isdigit():
        raise BadXapiRequest("limit must be a whole number (0: the server's maximum)")
    value = int(text)
    return MAX_LIMIT if value == 0 else min(value, MAX_LIMIT)


def _more_token(params: Mapping[str, str], *, after: int, bound: int) -> str:
    state = {"q": dict(params), "a": after, "b": bound}
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()


def _from_more(token: str) -> tuple[dict[str, str], int, int]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
        return dict(state["q"]), int(state["a"]), int(state["b"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BadXapiRequest("the more link is not one this LRS gave") from None


def read_statements(session: Session, *, organisation_id: int, params: Mapping[str, str],
                    client_id: int | None, languages: list[str]) -> StatementPage:
    """A page of statements matching the query (or the `more` link of an earlier one)."""
    consistent_through = iso_time(utcnow())
    after: int | None = None
    if "more" in params:
        if len(params) > 1:
            raise BadXapiRequest("a more link takes no other parameters")
        params, after, bound = _from_more(params["more"])
    else:
        bound = store.last_seq(session)
    where = replace(_filter(params), client_id=client_id, after_seq=after, bound_seq=bound)
    limit = _limit(params)
    chosen = _format(params)
    attachments = _flag(params, "attachments")
    rows = store.find_statements(session, organisation_id=organisation_id, where=where,
                                 limit=limit + 1)
    more = ""
    if len(rows) > limit:
        rows = rows[:limit]
        more = MORE_PATH + _more_token(params, after=rows[-1][0], bound=bound)
    texts = [formatted(text, chosen, languages=languages) for _, text in rows]
    body = '{"statements":[' + ",".join(texts) + '],"more":' + json.dumps(more) + "}"
    return StatementPage(body=body, consistent_through=consistent_through, statements=texts,
                         attachments=attachments)


def read_statement(session: Session, *, organisation_id: int, params: Mapping[str, str],
                   client_id: int | None, languages: list[str]) -> str:
    """One statement by statementId (not voided) or voidedStatementId (voided), as JSON text."""
    unknown = sorted(set(params) - _SINGLE)
    if unknown or ("statementId" in params) == ("voidedStatementId" in params):
        raise BadXapiRequest("statementId or voidedStatementId (one of them) takes only format "
                             "and attachments" + (f"; not {', '.join(unknown)}" if unknown else ""))
    voided = "voidedStatementId" in params
    statement_id = params["voidedStatementId" if voided else "statementId"]
    try:
        check_uuid(statement_id, "voidedStatementId" if voided else "statementId")
    except StatementInvalid as error:
        raise BadXapiRequest(str(error)) from None
    chosen = _format(params)
    _flag(params, "attachments")
    text = store.statement_document(session, organisation_id=organisation_id,
                                    statement_id=statement_id, voided=voided,
                                    client_id=client_id)
    if text is None:
        raise NotFoundError(f"no {'voided ' if voided else ''}statement {statement_id}")
    return formatted(text, chosen, languages=languages)


def attachments_of(session: Session, *, organisation_id: int,
                   texts: list[str]) -> list[Attachment]:
    """The kept content of every attachment the statements (JSON texts) carry."""
    hashes = {item["sha2"].lower() for text in texts
              for item in orjson.loads(text).get("attachments", ())}
    return [Attachment(sha2=sha2, content_type=content_type, content=content)
            for sha2, content_type, content in attachments_by_hash(
                session, organisation_id=organisation_id, hashes=hashes)]
