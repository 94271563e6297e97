"""Console pages: sign-in and sign-out, the organisation at a glance, and the event log.

Each page admits roles with the same `require_roles` the API uses; errors become pages in
`learnloop.serving.errors` (a 401 goes to sign-in).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from learnloop.domain.access import STAFF_ROLES, AccessRole, Principal
from learnloop.errors import ForbiddenError, LearnloopError, UnauthorizedError
from learnloop.serving.auth import login_session, logout_session
from learnloop.serving.csrf import CsrfFormDep
from learnloop.serving.deps import (
    LARGEST_NUMBER,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    require_roles,
)
from learnloop.serving.throttle import SignInThrottle, SignInThrottled
from learnloop.store.catalogue import objective_list, team_list
from learnloop.store.dashboards import (
    kpi_points,
    source_summaries,
)
from learnloop.store.event_log import EventLog
from learnloop.store.overview import organisation_counts
from learnloop.web.charts import kpi_figures
from learnloop.web.content import router as content_router
from learnloop.web.deliveries import router as deliveries_router
from learnloop.web.detections import router as detections_router
from learnloop.web.impact import router as impact_router
from learnloop.web.lrs import router as lrs_router
from learnloop.web.needs import router as needs_router
from learnloop.web.people import router as people_router
from learnloop.web.rendering import page, safe_next, templates
from learnloop.web.reviews import router as reviews_router

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)
router.include_router(people_router)
router.include_router(detections_router)
router.include_router(content_router)
router.include_router(impact_router)
router.include_router(deliveries_router)
router.include_router(needs_router)
router.include_router(reviews_router)
router.include_router(lrs_router)
_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
EVENTS_PAGE = 50

A = AccessRole


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
        request, "login.html", {"next": safe_next(next), "error": None}
    )


def _sign_in_throttle(request: Request) -> SignInThrottle:
    return request.app.state.sign_in_throttle


@router.post("/login", response_model=None)
def login(request: Request, session: SessionDep, _form: CsrfFormDep,
          throttle: Annotated[SignInThrottle, Depends(_sign_in_throttle)],
          token: str = Form(...), next: str = Form("/")) -> Response:  # noqa: A002 - form field
    address = request.client.host if request.client else "unknown"
    try:
        throttle.check(address=address, secret=token)
        login_session(request, session, token.strip())
    except SignInThrottled as error:
        return _sign_in_again(request, next, error,
                              headers={"Retry-After": str(error.retry_after)})
    except UnauthorizedError as error:
        throttle.failed(address=address, secret=token)
        return _sign_in_again(request, next, error)
    return RedirectResponse(safe_next(next), status_code=303)


def _sign_in_again(request: Request, next_path: str, error: LearnloopError, *,
                   headers: dict[str, str] | None = None) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "login.html", {"next": safe_next(next_path), "error": error.message},
        status_code=error.status_code, headers=headers)


@router.post("/logout")
def logout(request: Request, session: SessionDep, _form: CsrfFormDep) -> RedirectResponse:
    logout_session(request, session)
    return RedirectResponse("/login", status_code=303)


@router.get("/", response_class=HTMLResponse, response_model=None)
def overview(
    request: Request,
    session: SessionDep,
    organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(*AccessRole)],
) -> Response:
    """The organisation at a glance for staff; people with a record start from their own."""
    if principal.role not in STAFF_ROLES:
        if principal.person_id is not None:
            return RedirectResponse("/me", status_code=303)
        raise ForbiddenError(f"the {principal.role} role has no console pages")
    org_id = principal.organisation_id
    return page(
        request,
        "overview.html",
        principal,
        organisation,
        counts=organisation_counts(session, org_id),
        teams=team_list(session, organisation_id=org_id),
        objectives=objective_list(session, organisation_id=org_id),
        sources=source_summaries(session, org_id),
        figures=kpi_figures(kpi_points(session, org_id)),
        events=EventLog(session, org_id).recent(limit=12),
    )


@router.get("/events", response_class=HTMLResponse)
def events(
    request: Request,
    session: SessionDep,
    organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
    kind: str | None = None,
    before_id: Annotated[int | None, Query(ge=1, le=LARGEST_NUMBER)] = None,
) -> HTMLResponse:
    """The append-only event log, newest first, fifty a page."""
    found = EventLog(session, principal.organisation_id).recent(
        limit=EVENTS_PAGE, kinds=[kind] if kind else None, before_id=before_id
    )
    return page(
        request,
        "events.html",
        principal,
        organisation,
        events=found,
        kind=kind,
        next_before=found[-1].id if len(found) == EVENTS_PAGE else None,
    )
