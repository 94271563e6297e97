"""Who is calling: a bearer token first, else the console's signed session cookie.

The console signs in with `login_session` (it keeps only the token's hash in the cookie).
"""

from __future__ import annotations

from fastapi import Request

from learnloop.domain.access import Principal
from learnloop.domain.tokens import secret_hash
from learnloop.errors import UnauthorizedError
from learnloop.store import Session
from learnloop.tokens import authenticate, principal_for_hash

__all__ = ["login_session", "logout_session", "principal_from_request"]

SESSION_KEY = "token_hash"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise UnauthorizedError("the Authorization header must be 'Bearer <token>'")
    return secret.strip()


def _cookie_session(request: Request) -> dict | None:
    return request.session if "session" in request.scope else None


def principal_from_request(request: Request, session: Session) -> Principal:
    """The caller of this request; UnauthorizedError when there is no valid token or session."""
    secret = _bearer(request)
    if secret is not None:
        return authenticate(session, secret)
    cookie = _cookie_session(request)
    stored = cookie.get(SESSION_KEY) if cookie is not None else None
    if stored:
        try:
            return principal_for_hash(session, str(stored))
        except UnauthorizedError:
            cookie.pop(SESSION_KEY, None)  # a revoked token ends its console sessions too
            raise
    raise UnauthorizedError("missing API token: send 'Authorization: Bearer <token>'")


def login_session(request: Request, session: Session, secret: str) -> Principal:
    """Authenticate a token typed into the console and remember it (as its hash) in the cookie."""
    hashed = secret_hash(secret.strip())
    principal = principal_for_hash(session, hashed)
    request.session[SESSION_KEY] = hashed
    return principal


def logout_session(request: Request) -> None:
    request.session.pop(SESSION_KEY, None)
