"""Console pages: sign-in, the organisation at a glance, and the event log.

Each page authorises with the same Principal rules as the API and reads through store read models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import plotly
from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from learnloop import __version__
from learnloop.api.auth import login_session, logout_session, principal_from_request
from learnloop.domain.access import Principal
from learnloop.errors import LearnloopError, UnauthorizedError
from learnloop.store.dashboards import (
    kpi_points,
    objective_summaries,
    source_summaries,
    team_summaries,
)
from learnloop.store.event_log import EventLog
from learnloop.store.overview import organisation_counts
from learnloop.store.tables import Organisation
from learnloop.web.charts import kpi_figures
from learnloop.web.navigation import STAFF, visible_navigation
from learnloop.workspace import Workspace

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class _SignIn(Exception):
    """Raised inside a page when nobody is signed in: the page answers with a redirect."""


def _workspace(request: Request) -> Workspace:
    return request.app.state.workspace


def _page(
    request: Request,
    template: str,
    principal: Principal,
    organisation: Organisation,
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
    )


def _sign_in_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


def _forbidden(request: Request, principal: Principal, organisation: Organisation) -> HTMLResponse:
    response = _page(request, "forbidden.html", principal, organisation)
    response.status_code = 403
    return response


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    """Plotly's bundle straight from the installed package: the console needs no CDN."""
    return FileResponse(
        _PLOTLY_JS,
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002 - query name
    return templates.TemplateResponse(
        request, "login.html", {"next": _safe_next(next), "error": None}
    )


@router.post("/login", response_model=None)
def login(request: Request, token: str = Form(...), next: str = Form("/")) -> Response:  # noqa: A002
    workspace = _workspace(request)
    try:
        with workspace.session() as session:
            login_session(request, session, token.strip())
    except (UnauthorizedError, LearnloopError) as error:
        response = templates.TemplateResponse(
            request, "login.html", {"next": _safe_next(next), "error": error.message}
        )
        response.status_code = 401
        return response
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    logout_session(request)
    return RedirectResponse("/login", status_code=303)


def _safe_next(target: str) -> str:
    """Only same-site paths: a crafted link must not bounce a signed-in user elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _signed_in(request: Request, session: Any) -> Principal | None:
    try:
        return principal_from_request(request, session)
    except UnauthorizedError:
        return None


def _staff_only(request: Request, session: Any) -> tuple[Principal, Organisation] | Response:
    """The signed-in staff member, or the answer for anyone else (sign in, or not for you)."""
    principal = _signed_in(request, session)
    if principal is None:
        return _sign_in_redirect(request)
    organisation = session.get(Organisation, principal.organisation_id)
    if principal.role not in STAFF:
        return _forbidden(request, principal, organisation)
    return principal, organisation


@router.get("/", response_class=HTMLResponse, response_model=None)
def overview(request: Request) -> Response:
    """The organisation at a glance: counts, KPIs by team, teams, objectives, sources, events."""
    workspace = _workspace(request)
    with workspace.session() as session:
        gate = _staff_only(request, session)
        if isinstance(gate, Response):
            return gate
        principal, organisation = gate
        org_id = principal.organisation_id
        return _page(
            request,
            "overview.html",
            principal,
            organisation,
            counts=organisation_counts(session, org_id),
            teams=team_summaries(session, org_id),
            objectives=objective_summaries(session, org_id),
            sources=source_summaries(session, org_id),
            figures=kpi_figures(kpi_points(session, org_id)),
            events=EventLog(session, org_id).recent(limit=12),
        )


@router.get("/events", response_class=HTMLResponse, response_model=None)
def events(request: Request, kind: str | None = None, before_id: int | None = None) -> Response:
    """The append-only event log, newest first, fifty a page."""
    workspace = _workspace(request)
    with workspace.session() as session:
        gate = _staff_only(request, session)
        if isinstance(gate, Response):
            return gate
        principal, organisation = gate
        page = EventLog(session, principal.organisation_id).recent(
            limit=50, kinds=[kind] if kind else None, before_id=before_id
        )
        return _page(
            request,
            "events.html",
            principal,
            organisation,
            events=page,
            kind=kind,
            next_before=page[-1].id if len(page) == 50 else None,
        )
