"""Security headers on every answer: a content security policy without inline script, no framing,
no sniffing, no referrer leaks, no caching of personal data; and `Secure` cookies over HTTPS.

`SecurityHeaders` is plain ASGI middleware, so it also covers error pages and static files.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONSOLE_POLICY", "DOCS_POLICY", "SecurityHeaders"]

# Plotly draws with inline style attributes and <style> elements, hence 'unsafe-inline' for styles
# only; scripts come from this server and nowhere else
CONSOLE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                  "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
                  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from a CDN and start it with an inline
# script; they show no data of their own (the API answers they fetch are JSON)
_DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY = (f"default-src 'self'; script-src 'self' 'unsafe-inline' {_DOCS_CDN}; "
               f"style-src 'self' 'unsafe-inline' {_DOCS_CDN}; img-src 'self' data: "
               "https://fastapi.tiangolo.com; worker-src 'self' blob:; object-src 'none'; "
               "base-uri 'none'; frame-ancestors 'none'")
_DOCS_PATHS = ("/docs", "/redoc")
_FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


class SecurityHeaders:
    """Adds the headers to every HTTP answer; marks cookies `Secure` when the request came over
    HTTPS (the scheme uvicorn reports, from a trusted proxy's X-Forwarded-Proto too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        is_docs = path.startswith(_DOCS_PATHS)
        over_https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _FIXED.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy",
                                   DOCS_POLICY if is_docs else CONSOLE_POLICY)
                if not path.startswith("/static/"):
                    # pages and answers hold personal data: no browser or proxy keeps a copy
                    headers.setdefault("Cache-Control", "no-store")
                if over_https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                    _secure_cookies(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure_cookies(headers: MutableHeaders) -> None:
    cookies = headers.getlist("set-cookie")
    if not cookies:
        return
    del headers["set-cookie"]
    for cookie in cookies:
        secure = any(part.strip().lower() == "secure" for part in cookie.split(";"))
        headers.append("set-cookie", cookie if secure else f"{cookie}; secure")
