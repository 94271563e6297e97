"""The one place that turns every error into an answer: JSON under /api, an HTML page elsewhere.

API: `{"error": {"type", "message", "problems": [{"file", "row", "field", "message"}]}}`. Console:
the page the console gives it (`install_error_handlers(app, page=...)`), or sign-in for a 401.
Nothing unexpected reaches a client beyond "internal error": the details go to the server log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from learnloop.errors import InputError, LearnloopError, Problem, UnauthorizedError

__all__ = ["ErrorAnswer", "ErrorOut", "ErrorPage", "error_answer", "error_body", "error_responses",
           "install_error_handlers"]

log = logging.getLogger("learnloop.serving")

API_PREFIX = "/api"
# where errors are answered as JSON: the API and the xAPI LRS
JSON_PREFIXES = (API_PREFIX, "/xapi")
INTERNAL_MESSAGE = "internal error; see server log"


@dataclass(frozen=True, slots=True)
class ErrorAnswer:
    """An error as a client is told it: status, type in the user's words, message, problems."""

    status_code: int
    type: str
    message: str
    problems: list[Problem] = field(default_factory=list)
    total_problems: int | None = None
    headers: dict[str, str] | None = None


# what the console renders for an error (the API's answer is always JSON)
ErrorPage = Callable[[Request, ErrorAnswer], Response]


def _type_name(error: LearnloopError) -> str:
    """InputError → input, NotFoundError → not_found: the error class in the user's words."""
    name = type(error).__name__.removesuffix("Error") or "error"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _validation_problems(error: RequestValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors():
        location = [str(part) for part in detail.get("loc", ())]
        # loc is ("body" | "query" | "path" | "header", name, ...): the part is where, the rest what
        part, path = (location[0], location[1:]) if location else ("request", [])
        problems.append(Problem(str(detail.get("msg", "is not valid")), file=part,
                                field=".".join(path) or None))
    return problems


def _headers(error: LearnloopError) -> dict[str, str] | None:
    own = getattr(error, "headers", None)  # an error that says how to answer it (xAPI's Basic)
    if own is not None:
        return dict(own)
    if isinstance(error, UnauthorizedError):
        return {"WWW-Authenticate": "Bearer"}
    retry_after = getattr(error, "retry_after", None)  # throttled or overloaded: when to retry
    return {"Retry-After": str(retry_after)} if retry_after is not None else None


def error_answer(request: Request, error: Exception) -> ErrorAnswer:
    """What the client is told about `error`; anything unexpected is logged and told nothing."""
    if isinstance(error, LearnloopError):
        if error.status_code >= 500:
            log.error("%s: %s", type(error).__name__, error.message)
        is_input = isinstance(error, InputError)
        return ErrorAnswer(
            error.status_code, _type_name(error), error.message,
            problems=error.problems if is_input else [],
            total_problems=error.total if is_input else None,
            headers=_headers(error))
    if isinstance(error, RequestValidationError):
        problems = _validation_problems(error)
        noun = "problem" if len(problems) == 1 else "problems"
        return ErrorAnswer(422, "input", f"the request has {len(problems)} {noun}",
                           problems=problems)
    if isinstance(error, StarletteHTTPException):
        kind = {401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large"}.get(error.status_code, "http")
        return ErrorAnswer(error.status_code, kind, str(error.detail),
                           headers=getattr(error, "headers", None))
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=error)
    return ErrorAnswer(500, "internal", INTERNAL_MESSAGE)


def error_body(answer: ErrorAnswer) -> dict[str, Any]:
    """The API's JSON error shape (docs/api.md)."""
    body: dict[str, Any] = {"type": answer.type, "message": answer.message,
                            "problems": [problem.as_dict() for problem in answer.problems]}
    if answer.total_problems is not None and answer.total_problems > len(answer.problems):
        body["total_problems"] = answer.total_problems
    return {"error": body}


class ProblemOut(BaseModel):
    file: str | None
    row: int | None
    field: str | None
    message: str


class ErrorDetail(BaseModel):
    type: str
    message: str
    problems: list[ProblemOut]
    total_problems: int | None = None


class ErrorOut(BaseModel):
    """The API's error answer, as `error_body` writes it."""

    error: ErrorDetail


_WHEN = {
    400: "The request could not be read (e.g. a malformed multipart upload)",
    401: "No token, a malformed `Authorization` header, or an unknown or revoked token",
    403: "The token's role or scope does not admit this request",
    404: "Nothing with this key or id in the organisation",
    413: "The upload or body is larger than the server accepts",
    422: "Bad input: every problem listed with its file (or request part), row and field",
    502: "The job queue refused the job",
    503: "The server is overloaded or its database unreachable; retry after `Retry-After` seconds",
}


def error_responses(*, authenticated: bool, has_path_parameters: bool, has_body: bool,
                    queues_jobs: bool) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation can give, for its OpenAPI `responses` (one place for all)."""
    statuses = {422, 503}
    if authenticated:
        statuses |= {401, 403}
    if has_path_parameters:
        statuses.add(404)
    if has_body:
        statuses |= {400, 413}
    if queues_jobs:
        statuses.add(502)
    return {status: {"model": ErrorOut, "description": _WHEN[status]}
            for status in sorted(statuses)}


def _is_api(request: Request) -> bool:
    path = request.url.path
    return any(path == prefix or path.startswith(f"{prefix}/") for prefix in JSON_PREFIXES)


def _sign_in(request: Request) -> RedirectResponse:
    """A console page asked for without a valid session: sign in, then come back here."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def install_error_handlers(app: FastAPI, *, page: ErrorPage) -> None:
    """Answer every error raised on `app`: JSON for the API, `page(...)` for the console."""

    def answer(request: Request, error: Exception) -> Response:
        found = error_answer(request, error)
        if _is_api(request):
            return JSONResponse(error_body(found), status_code=found.status_code,
                                headers=found.headers)
        if found.status_code == 401:
            return _sign_in(request)
        return page(request, found)

    for kind in (LearnloopError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, answer)
