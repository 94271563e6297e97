"""Request bodies within their configured sizes: an import upload up to LEARNLOOP_MAX_UPLOAD_BYTES,
any other body (the signals webhook's JSON, console forms) up to LEARNLOOP_MAX_BODY_BYTES.

A body whose `Content-Length` is already too large is refused before a byte of it is read; one
without (chunked) or with a false length is counted as it arrives and refused at the limit. The
refusal is raised while the route reads its body, so the error handlers answer it (413 in the
API's JSON shape, the error page in the console).
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["UPLOAD_PATH", "BodyTooLarge", "RequestSizeLimit"]

UPLOAD_PATH = "/api/imports/"


class BodyTooLarge(HTTPException):
    """A body past its limit. FastAPI's own HTTPException, so its body parsing passes it on
    instead of answering 400."""

    def __init__(self, *, limit: int, setting: str) -> None:
        super().__init__(413, detail=f"the request body is larger than {limit:,} bytes, the most "
                                     f"this server accepts here ({setting})")


class RequestSizeLimit:
    """Counts every request's body against the limit for its path."""

    def __init__(self, app: ASGIApp, *, upload_bytes: int, body_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes
        self.body_bytes = body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(UPLOAD_PATH):
            limit, setting = self.upload_bytes, "LEARNLOOP_MAX_UPLOAD_BYTES"
        else:
            limit, setting = self.body_bytes, "LEARNLOOP_MAX_BODY_BYTES"
        declared = _content_length(scope)
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise BodyTooLarge(limit=limit, setting=setting)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit=limit, setting=setting)
            return message

        await self.app(scope, receive_within_limit, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    return int(value) if value is not None and value.isdigit() else None
