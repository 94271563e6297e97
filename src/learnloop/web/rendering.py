"""What every console page shares: templates, the signed-in caller, and the standard answers.

Pages call `signed_in_as(...)` and either get the caller or the response to return instead.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from learnloop import __version__
from learnloop.api.auth import principal_from_request
from learnloop.domain.access import AccessRole, Principal
from learnloop.errors import UnauthorizedError
from learnloop.store.tables import Organisation
from learnloop.web.navigation import visible_navigation
from learnloop.workspace import Workspace

__all__ = ["page", "safe_next", "signed_in_as", "templates", "workspace_of"]

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def workspace_of(request: Request) -> Workspace:
    return request.app.state.workspace


def page(
    request: Request,
    template: str,
    principal: Principal,
    organisation: Organisation,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {
            "principal": principal,
            "organisation": organisation,
            "version": __version__,
            "navigation": visible_navigation(principal),
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )


def safe_next(target: str) -> str:
    """Only same-site paths: a crafted link must not bounce a signed-in user elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def signed_in_as(
    request: Request, session: Session, roles: Collection[AccessRole]
) -> tuple[Principal, Organisation] | Response:
    """The caller and their organisation, or the answer for anyone else (sign in, not for you)."""
    try:
        principal = principal_from_request(request, session)
    except UnauthorizedError:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    organisation = session.get(Organisation, principal.organisation_id)
    if principal.role not in roles:
        return page(request, "forbidden.html", principal, organisation, status_code=403)
    return principal, organisation
