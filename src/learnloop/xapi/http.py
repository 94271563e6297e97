"""The LRS over HTTP under /xapi/: thin routes that authenticate the client (HTTP Basic), check
the xAPI version header and scopes, and call the statement and document services.

Every answer carries `X-Experience-API-Version` (`XapiVersionHeader`, an ASGI middleware).
"""

from __future__ import annotations

import json
from email.utils import format_datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl

import orjson
from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from learnloop.domain.events import utcnow
from learnloop.serving.deps import SessionDep, TurnDep, WorkspaceDep
from learnloop.store import Session
from learnloop.workspace import Workspace
from learnloop.xapi.alternate import rewrite
from learnloop.xapi.clients import Client, authenticate_basic, remembered_client
from learnloop.xapi.documents import (
    ACTIVITY_PROFILE,
    AGENT_PROFILE,
    STATE,
    Preconditions,
    address_of,
    delete_document,
    read_document,
    read_document_ids,
    write_document,
)
from learnloop.xapi.errors import BadXapiRequest
from learnloop.xapi.multipart import Attachment, boundary_of, multipart_body, read_multipart
from learnloop.xapi.objects import activity_object, person_object
from learnloop.xapi.reading import attachments_of, read_statement, read_statements
from learnloop.xapi.statements import (
    check_statements,
    iso_time,
    record_attachments,
    store_statements,
)
from learnloop.xapi.validation import (
    VERSION_HEADER_PATTERN,
    StatementInvalid,
    check_agent,
    check_iri,
)

__all__ = ["LRS_VERSION", "XapiVersionHeader", "router"]

LRS_VERSION = "1.0.3"
PREFIX = "/xapi"
_JSON = "application/json"

router = APIRouter(prefix=PREFIX, include_in_schema=False)


class XapiVersionHeader:
    """Adds `X-Experience-API-Version` to every answer under /xapi/, errors included; gives every
    GET of the Statements resource `X-Experience-API-Consistent-Through`, refusals included
    (Communication 2.1.3.s2.b5); and answers HEAD as GET without the body (Communication 1.1)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST" and _asks_alternate(scope["query_string"]):
            body = await _whole_body(receive)
            try:
                wanted = rewrite(query_string=scope["query_string"], headers=scope["headers"],
                                 body=body)
            except BadXapiRequest as error:
                await _refuse(send, str(error))
                return
            scope = {**scope, "method": wanted.method, "query_string": wanted.query_string,
                     "headers": wanted.headers}
            receive = _replay(wanted.body)
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        reading_statements = (scope["method"] == "GET"
                              and scope["path"].rstrip("/") == PREFIX + "/statements")

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []),
                           (b"x-experience-api-version", LRS_VERSION.encode())]
                if reading_statements and not any(
                        name.lower() == _CONSISTENT for name, _ in headers):
                    headers.append((_CONSISTENT, iso_time(utcnow()).encode()))
                message["headers"] = headers
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, sending)


_CONSISTENT = b"x-experience-api-consistent-through"


def _asks_alternate(query_string: bytes) -> bool:
    return any(name == "method" for name, _ in
               parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))


async def _whole_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Any:
    """An ASGI receive giving `body` once, then waiting as a drained request does."""
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _refuse(send: Any, message: str) -> None:
    """A 400 in the API's error shape, from the middleware (no route has run)."""
    content = orjson.dumps({"error": {"type": "bad_xapi_request", "message": message,
                                      "problems": []}})
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(content)).encode()),
                            (b"x-experience-api-version", LRS_VERSION.encode())]})
    await send({"type": "http.response.body", "body": content})


def _client(request: Request, session: Session) -> Client:
    """The LRS client calling (401 without valid credentials), once its version header holds.
    Called by each route rather than as a dependency: one thread hop less per request."""
    return _version_checked(request, authenticate_basic(
        session, request.headers.get("authorization")))


def _version_checked(request: Request, client: Client) -> Client:
    """The client, once the request's version header holds (400 otherwise)."""
    version = request.headers.get("x-experience-api-version")
    if version is None:
        raise BadXapiRequest("send the X-Experience-API-Version header (e.g. 1.0.3)")
    if VERSION_HEADER_PATTERN.match(version) is None:
        raise BadXapiRequest(f"this LRS speaks xAPI 1.0.x, not {version!r}")
    return client


def _json_body(request: Request, raw: bytes) -> tuple[Any, list[Attachment]]:
    """The request's statements (parsed JSON) and attachment parts, read once the caller is
    known (401 before 400)."""
    content_type = request.headers.get("content-type", _JSON)
    media_type = content_type.split(";")[0].strip().lower()
    parts: list[Attachment] = []
    if media_type == "multipart/mixed":
        raw, parts = read_multipart(raw, boundary=boundary_of(content_type))
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadXapiRequest("the body is not JSON") from None
    if media_type not in (_JSON, "multipart/mixed") and any(
            isinstance(item, dict) and "attachments" in item
            for item in (body if isinstance(body, list) else [body])):
        # Data 2.4.11: statements with attachments come as application/json or multipart/mixed
        raise BadXapiRequest("statements with attachments are sent as application/json or "
                             f"multipart/mixed, not {media_type}")
    return body, parts


async def _raw_body(request: Request) -> bytes:
    """The body, read on the event loop before the route's thread takes the database."""
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]


def _languages(request: Request) -> list[str]:
    header = request.headers.get("accept-language", "")
    return [part.split(";")[0].strip() for part in header.split(",") if part.strip()]


@router.get("/about")
def about() -> Response:
    return Response(json.dumps({"version": ["1.0.3", "1.0.2", "1.0.1", "1.0.0"],
                                "extensions": {}}), media_type=_JSON)


# The statement writes run on one worker thread from authentication to commit: the caller
# known (its own short session, which a remembered client never opens), the statements checked
# and stamped, then stored by workspace.write_grouped, committed before the answer. On SQLite,
# writes arriving together share one transaction and its commit, each in a savepoint of its own
# (a statement refused refuses only its own request). SessionDep would enter and leave on two
# more thread hops, and the commit after the second: under load those hops kept SQLite's write
# gate several times longer than the write.

@router.put("/statements")
async def put_statement(request: Request, workspace: WorkspaceDep, _turn: TurnDep) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_put_statement, request, workspace, raw)


def _caller(request: Request, workspace: Workspace) -> Client:
    """The client calling: one that authenticated in the last seconds without a session (an
    empty one cost a tenth of a single statement's write), else read in a short one."""
    client = remembered_client(request.headers.get("authorization"))
    if client is not None:
        return _version_checked(request, client)
    with workspace.session() as session:
        return _client(request, session)


def _store(workspace: Workspace, client: Client, statements: list[Any],
           parts: list[Attachment], *, checked_as: list[Any] | None = None) -> list[str]:
    """Check the statements, then store them and their attachments, committed (grouped with
    other requests' writes on SQLite) before this returns."""
    prepared = check_statements(checked_as or statements, authority=client.authority)

    def write(session: Session) -> list[str]:
        ids = store_statements(session, organisation_id=client.organisation_id,
                               prepared=prepared, client_id=client.id)
        record_attachments(session, organisation_id=client.organisation_id,
                           statements=statements, parts=parts)
        return ids

    return workspace.write_grouped(write)


def _put_statement(request: Request, workspace: Workspace, raw: bytes) -> Response:
    client = _caller(request, workspace)
    client.require("statements/write")
    body, parts = _json_body(request, raw)
    statement_id = request.query_params.get("statementId")
    if statement_id is None:
        raise BadXapiRequest("PUT needs the statementId parameter")
    if not isinstance(body, dict):
        raise BadXapiRequest("PUT takes one statement (a JSON object)")
    if "id" in body and body["id"] != statement_id:
        raise BadXapiRequest("the statement's id differs from the statementId parameter")
    _store(workspace, client, [body], parts, checked_as=[{**body, "id": statement_id}])
    return Response(status_code=204)


@router.post("/statements")
async def post_statements(request: Request, workspace: WorkspaceDep,
                          _turn: TurnDep) -> Response:
    raw = await request.body()
    return await run_in_threadpool(_post_statements, request, workspace, raw)


def _post_statements(request: Request, workspace: Workspace, raw: bytes) -> Response:
    client = _caller(request, workspace)
    client.require("statements/write")
    body, parts = _json_body(request, raw)
    statements = body if isinstance(body, list) else [body]
    if not statements:
        raise BadXapiRequest("the batch holds no statements")
    ids = _store(workspace, client, statements, parts)
    return Response(orjson.dumps(ids), media_type=_JSON)


# GET too runs on one worker thread from authentication to the answer's body (SessionDep's
# enter and exit would be two more thread hops per read)
@router.get("/statements")
async def get_statements(request: Request, workspace: WorkspaceDep,
                         _turn: TurnDep) -> Response:
    return await run_in_threadpool(_get_statements, request, workspace)


def _get_statements(request: Request, workspace: Workspace) -> Response:
    with workspace.session() as session:
        return _read_statements(request, session)


def _read_statements(request: Request, session: Session) -> Response:
    client = _client(request, session)
    client.require("statements/read", "statements/read/mine", "all/read")
    params = dict(request.query_params)
    mine = client.id if client.reads_only_its_own else None
    if "statementId" in params or "voidedStatementId" in params:
        text = read_statement(session, organisation_id=client.organisation_id, params=params,
                              client_id=mine, languages=_languages(request))
        return _statements_answer(session, client, body=text, texts=[text],
                                  consistent_through=iso_time(utcnow()),
                                  attachments=params.get("attachments") == "true")
    page = read_statements(session, organisation_id=client.organisation_id, params=params,
                           client_id=mine, languages=_languages(request))
    # a `more` link's page answers as its first page was asked (attachments=true included)
    return _statements_answer(session, client, body=page.body, texts=page.statements,
                              consistent_through=page.consistent_through,
                              attachments=page.attachments)


def _statements_answer(session: Session, client: Client, *, body: str, texts: list[str],
                       consistent_through: str, attachments: bool) -> Response:
    """JSON, or with attachments=true multipart/mixed: the JSON, then each attachment."""
    headers = {"X-Experience-API-Consistent-Through": consistent_through}
    if not attachments:
        return Response(body, media_type=_JSON, headers=headers)
    content, content_type = multipart_body(body.encode(), attachments_of(
        session, organisation_id=client.organisation_id, texts=texts))
    return Response(content, headers={**headers, "Content-Type": content_type})


# ---- State, Activity Profile, Agent Profile -----------------------------------------------

def _preconditions(request: Request) -> Preconditions:
    return Preconditions(if_match=request.headers.get("if-match"),
                         if_none_match=request.headers.get("if-none-match"))


def _document_scope(kind: str, *, reading: bool) -> tuple[str, ...]:
    own = "state" if kind == STATE else "profile"
    return (own, "all/read") if reading else (own,)


def _get_document(kind: str, request: Request, session: Session, client: Client) -> Response:
    client.require(*_document_scope(kind, reading=True))
    params = dict(request.query_params)
    address = address_of(kind, params, needs_id=False)
    if address.document_id is None:
        ids = read_document_ids(session, organisation_id=client.organisation_id,
                                address=address)
        return Response(orjson.dumps(ids), media_type=_JSON)
    document = read_document(session, organisation_id=client.organisation_id, address=address)
    return Response(document.content, media_type=document.content_type,
                    headers={"ETag": f'"{document.etag}"',
                             "Last-Modified": format_datetime(document.updated, usegmt=True)})


def _write_document(kind: str, request: Request, session: Session, client: Client,
                    body: bytes, *, merge: bool) -> Response:
    client.require(*_document_scope(kind, reading=False))
    address = address_of(kind, dict(request.query_params), needs_id=True)
    content_type = request.headers.get("content-type", "application/octet-stream")
    etag = write_document(session, organisation_id=client.organisation_id, address=address,
                          content=body, content_type=content_type, merge=merge,
                          preconditions=_preconditions(request))
    return Response(status_code=204, headers={"ETag": f'"{etag}"'})


def _delete_document(kind: str, request: Request, session: Session, client: Client) -> Response:
    client.require(*_document_scope(kind, reading=False))
    address = address_of(kind, dict(request.query_params), needs_id=kind != STATE)
    delete_document(session, organisation_id=client.organisation_id, address=address,
                    preconditions=_preconditions(request))
    return Response(status_code=204)


def _document_routes(path: str, kind: str) -> None:
    """GET, PUT, POST and DELETE of one document resource."""

    def get(request: Request, session: SessionDep) -> Response:
        return _get_document(kind, request, session, _client(request, session))

    def put(request: Request, session: SessionDep, body: RawBody) -> Response:
        return _write_document(kind, request, session, _client(request, session), body,
                               merge=False)

    def post(request: Request, session: SessionDep, body: RawBody) -> Response:
        return _write_document(kind, request, session, _client(request, session), body,
                               merge=True)

    def remove(request: Request, session: SessionDep) -> Response:
        return _delete_document(kind, request, session, _client(request, session))

    router.add_api_route(path, get, methods=["GET"], name=f"get_{kind}")
    router.add_api_route(path, put, methods=["PUT"], name=f"put_{kind}")
    router.add_api_route(path, post, methods=["POST"], name=f"post_{kind}")
    router.add_api_route(path, remove, methods=["DELETE"], name=f"delete_{kind}")


_document_routes("/activities/state", STATE)
_document_routes("/activities/profile", ACTIVITY_PROFILE)
_document_routes("/agents/profile", AGENT_PROFILE)


# ---- Activities, Agents ------------------------------------------------------------------

_READERS = ("statements/read", "statements/read/mine", "all/read", "state", "profile", "define")


@router.get("/activities")
def get_activity(request: Request, session: SessionDep) -> Response:
    client = _client(request, session)
    client.require(*_READERS)
    params = dict(request.query_params)
    if set(params) != {"activityId"}:
        raise BadXapiRequest("the Activities resource takes activityId only")
    try:
        activity_id = check_iri(params["activityId"], "activityId")
    except StatementInvalid as error:
        raise BadXapiRequest(str(error)) from None
    return Response(json.dumps(activity_object(session, organisation_id=client.organisation_id,
                                               activity_id=activity_id)), media_type=_JSON)


@router.get("/agents")
def get_agent(request: Request, session: SessionDep) -> Response:
    client = _client(request, session)
    client.require(*_READERS)
    params = dict(request.query_params)
    if set(params) != {"agent"}:
        raise BadXapiRequest("the Agents resource takes agent only")
    try:
        agent = check_agent(json.loads(params["agent"]), "agent")
    except ValueError as error:  # StatementInvalid is a ValueError too
        raise BadXapiRequest(f"agent: {error}") from None
    return Response(json.dumps(person_object(agent)), media_type=_JSON)
