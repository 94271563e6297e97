"""Who is calling: a bearer token first, else a console session kept server-side.

The console signs in with `login_session`: the signed cookie holds only a random session id, the
database its sha256 and the token it stands for; `logout_session` (or revoking the token) deletes
that row, so a copied cookie stops working too. A session-authenticated state-changing API call
needs the CSRF header and a same-site origin (`learnloop.serving.csrf`).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import Request

from learnloop.domain.access import Principal
from learnloop.domain.events import utcnow
from learnloop.domain.tokens import secret_hash
from learnloop.errors import UnauthorizedError
from learnloop.serving.csrf import CSRF_HEADER, check_csrf, new_csrf_token
from learnloop.store import Session
from learnloop.store import console_sessions as store
from learnloop.tokens import authenticate, principal_for_hash

__all__ = ["SESSION_LIFETIME", "login_session", "logout_session", "principal_from_request"]

SESSION_KEY = "session"
# a console session ends this long after sign-in, whatever happens in between
SESSION_LIFETIME = timedelta(hours=12)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"


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
    session_id = cookie.get(SESSION_KEY) if cookie is not None else None
    if not session_id:
        raise UnauthorizedError("missing API token: send 'Authorization: Bearer <token>'")
    principal = _session_principal(session, cookie, str(session_id))
    if request.method not in SAFE_METHODS and request.url.path.startswith(API_PREFIX):
        # a browser sends the cookie to any site's request: only this site's pages hold the token
        check_csrf(request, request.headers.get(CSRF_HEADER))
    return principal


def _session_principal(session: Session, cookie: dict, session_id: str) -> Principal:
    token_hash = store.session_token_hash(session, id_hash=secret_hash(session_id),
                                          started_after=utcnow() - SESSION_LIFETIME)
    try:
        if token_hash is None:
            raise UnauthorizedError("this console session has ended; sign in again")
        return principal_for_hash(session, token_hash)
    except UnauthorizedError:
        cookie.pop(SESSION_KEY, None)
        raise


def login_session(request: Request, session: Session, secret: str) -> Principal:
    """Authenticate a token typed into the console and start a session for it."""
    principal = authenticate(session, secret)
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    store.start_session(session, id_hash=secret_hash(session_id), token_id=principal.token_id,
                        created_at=now, expired_before=now - SESSION_LIFETIME)
    # nothing from before sign-in carries over: no fixed session id, no old CSRF token
    request.session.clear()
    request.session[SESSION_KEY] = session_id
    new_csrf_token(request)
    return principal


def logout_session(request: Request, session: Session) -> None:
    """End this browser's session for good, in the database too."""
    session_id = request.session.get(SESSION_KEY)
    if session_id:
        store.end_session(session, id_hash=secret_hash(str(session_id)))
    request.session.clear()
