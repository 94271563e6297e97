"""The one place that turns every error into the API's JSON error shape.

`{"error": {"type", "message", "problems": [{"file", "row", "field", "message"}]}}`; nothing
unexpected reaches a client beyond "internal error": the details go to the server log.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from learnloop.errors import InputError, LearnloopError, Problem, UnauthorizedError

__all__ = ["error_body", "install_error_handlers"]

log = logging.getLogger("learnloop.api")


def _type_name(error: LearnloopError) -> str:
    """InputError → input, NotFoundError → not_found: the error class in the user's words."""
    name = type(error).__name__.removesuffix("Error") or "error"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def error_body(kind: str, message: str, problems: list[Problem] | None = None,
               *, total: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": kind, "message": message,
                            "problems": [problem.as_dict() for problem in problems or []]}
    if total is not None and total > len(body["problems"]):
        body["total_problems"] = total
    return {"error": body}


def _learnloop_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LearnloopError)
    problems = error.problems if isinstance(error, InputError) else None
    total = error.total if isinstance(error, InputError) else None
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, UnauthorizedError) else None
    if error.status_code >= 500:
        log.error("%s: %s", type(error).__name__, error.message)
    return JSONResponse(error_body(_type_name(error), error.message, problems, total=total),
                        status_code=error.status_code, headers=headers)


def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for detail in error.errors():
        location = [str(part) for part in detail.get("loc", ())]
        # loc is ("body" | "query" | "path" | "header", name, ...): the part is where, the rest what
        part, path = (location[0], location[1:]) if location else ("request", [])
        problems.append(Problem(str(detail.get("msg", "is not valid")), file=part,
                                field=".".join(path) or None))
    noun = "problem" if len(problems) == 1 else "problems"
    return JSONResponse(error_body("input", f"the request has {len(problems)} {noun}", problems),
                        status_code=422)


def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    kind = {401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed"}.get(error.status_code, "http")
    return JSONResponse(error_body(kind, str(error.detail)), status_code=error.status_code,
                        headers=getattr(error, "headers", None))


def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path, exc_info=error)
    return JSONResponse(error_body("internal", "internal error; see server log"), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LearnloopError, _learnloop_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
