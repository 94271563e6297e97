"""Health (no authentication, for load balancers) and the organisation's record counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from learnloop import __version__
from learnloop.api.schemas import Health
from learnloop.domain.access import AccessRole, Principal
from learnloop.serving.deps import RoleDocumentedRoute, SessionDep, WorkspaceDep, require_roles
from learnloop.store.migrate import current_revision
from learnloop.store.overview import organisation_counts

router = APIRouter(prefix="/api", tags=["status"], route_class=RoleDocumentedRoute)


@router.get("/health", response_model=Health)
def health(workspace: WorkspaceDep) -> Health:
    """Is the server up and its database reachable: dialect, schema revision, version."""
    return Health(status="ok", database=workspace.database.dialect,
                  schema_revision=current_revision(workspace.database), version=__version__)


@router.get("/status", response_model=dict[str, int])
def status(session: SessionDep,
           principal: Annotated[Principal, require_roles(AccessRole.ADMIN, AccessRole.LD)],
           ) -> dict[str, int]:
    """How many people, teams, skills, signals, sources and events the organisation holds."""
    return organisation_counts(session, principal.organisation_id)
