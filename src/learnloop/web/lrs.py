"""The console page of the xAPI LRS: its clients (never their passwords) and how forwarding
to each external LRS stands (sent, waiting, failures, last error)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from learnloop.domain.access import AccessRole, Principal
from learnloop.serving.deps import OrganisationDep, RoleDocumentedRoute, SessionDep, require_roles
from learnloop.web.rendering import page
from learnloop.xapi.clients import list_clients
from learnloop.xapi.forwarding import forward_health

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)


@router.get("/lrs", response_class=HTMLResponse)
def lrs_page(
    request: Request, session: SessionDep, organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(AccessRole.ADMIN)],
) -> HTMLResponse:
    """LRS clients and forwarding health."""
    org = principal.organisation_id
    return page(request, "lrs.html", principal, organisation,
                clients=list_clients(session, organisation_id=org),
                forwards=forward_health(session, organisation_id=org))
