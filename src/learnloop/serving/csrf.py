"""Cross-site request forgery: a random token per browser, kept in the signed session cookie,
put into every console form and checked on every state-changing request a cookie authenticates.

Console forms send it as the `csrf_token` field (`CsrfFormDep`); API calls that rely on the
session cookie send it as the `X-CSRF-Token` header. Both also need a same-site `Origin`.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Form, Request

from learnloop.errors import ForbiddenError

__all__ = ["CSRF_FIELD", "CSRF_HEADER", "CsrfFormDep", "check_csrf", "csrf_token",
           "new_csrf_token"]

CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def _cookie(request: Request) -> dict:
    return request.session if "session" in request.scope else {}


def csrf_token(request: Request) -> str:
    """This browser's token for the forms of the page being rendered (made on first use)."""
    token = _cookie(request).get(CSRF_KEY)
    return str(token) if token else new_csrf_token(request)


def new_csrf_token(request: Request) -> str:
    """A fresh token (at sign-in: nothing from before it is worth anything after)."""
    token = secrets.token_urlsafe(32)
    if "session" in request.scope:
        request.session[CSRF_KEY] = token
    return token


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _check_same_site(request: Request) -> None:
    """A browser names the page a request came from; another site's page is refused. Without
    either header (some privacy settings drop them) the token alone decides."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    if claimed is not None and _origin_of(claimed) != own:
        raise ForbiddenError(f"a request from {_origin_of(claimed) or claimed!r} may not act on "
                             "this site")


def check_csrf(request: Request, presented: str | None) -> None:
    """ForbiddenError unless the request is same-site and `presented` is this browser's token."""
    _check_same_site(request)
    expected = _cookie(request).get(CSRF_KEY)
    if not expected or not presented or not hmac.compare_digest(str(expected), presented):
        raise ForbiddenError("this form has expired or did not come from this site; "
                             "reload the page and try again")


def _form_token(request: Request,
                csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None) -> None:
    check_csrf(request, csrf_token)


_form_token.checks_csrf = True  # type: ignore[attr-defined]  # a test finds every form by this

# add to every console route that takes a form: the form's token is checked before the route runs
CsrfFormDep = Annotated[None, Depends(_form_token)]
