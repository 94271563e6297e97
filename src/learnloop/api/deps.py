"""Dependencies every route shares: the workspace, one session per request, the caller, the roles.

Each route states the roles it admits with `require_roles(...)`; `RoleDocumentedRoute` copies
them into the route's OpenAPI description (and `x-roles`), so the docs cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from learnloop.api.auth import principal_from_request
from learnloop.domain.access import AccessRole, Principal
from learnloop.errors import ForbiddenError
from learnloop.jobs import JobQueue
from learnloop.store.tables import Organisation
from learnloop.workspace import Workspace

__all__ = [
    "JobsDep", "OrganisationDep", "PrincipalDep", "RoleDocumentedRoute", "SessionDep",
    "WorkspaceDep", "require_roles",
]

# declared for the OpenAPI "Authorize" button; the header itself is read by principal_from_request
_bearer_scheme = HTTPBearer(auto_error=False, description="An API token: `ll_…`")


def _workspace(request: Request) -> Workspace:
    return request.app.state.workspace


def _jobs(request: Request) -> JobQueue:
    return request.app.state.jobs


WorkspaceDep = Annotated[Workspace, Depends(_workspace)]
JobsDep = Annotated[JobQueue, Depends(_jobs)]


def _session(workspace: WorkspaceDep) -> Iterator[Session]:
    with workspace.session() as session:
        yield session


# scope="function": the transaction commits before the response is sent, not after
SessionDep = Annotated[Session, Depends(_session, scope="function")]


def _principal(request: Request, session: SessionDep,
               _credentials: Annotated[HTTPAuthorizationCredentials | None,
                                       Depends(_bearer_scheme)]) -> Principal:
    principal = principal_from_request(request, session)
    # end the transaction that may have marked the token as used, so a route that writes
    # through its own session (imports, jobs) never waits on this one's SQLite write lock
    session.commit()
    return principal


PrincipalDep = Annotated[Principal, Depends(_principal)]


def require_roles(*roles: AccessRole) -> Any:
    """A dependency admitting only these roles (403 for the others); use as an Annotated marker."""
    admitted = tuple(AccessRole(role) for role in roles)

    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in admitted:
            raise ForbiddenError(f"the {principal.role} role may not do this; "
                                 f"admitted: {', '.join(admitted)}")
        return principal

    check.admitted_roles = admitted  # type: ignore[attr-defined]
    return Depends(check)


def _organisation(session: SessionDep, principal: PrincipalDep) -> Organisation:
    found = session.get(Organisation, principal.organisation_id)
    assert found is not None  # tokens cascade-delete with their organisation
    return found


OrganisationDep = Annotated[Organisation, Depends(_organisation)]


def _admitted_roles(dependant: Dependant) -> tuple[AccessRole, ...] | None:
    for dependency in dependant.dependencies:
        call: Callable[..., Any] | None = dependency.call
        roles = getattr(call, "admitted_roles", None)
        if roles is not None:
            return roles
        found = _admitted_roles(dependency)
        if found is not None:
            return found
    return None


class RoleDocumentedRoute(APIRoute):
    """An API route whose OpenAPI description ends with the roles it admits."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        roles = _admitted_roles(self.dependant)
        self.admitted_roles = roles
        note = ("**Roles:** " + ", ".join(f"`{role}`" for role in roles) if roles is not None
                else "**Roles:** none needed (no authentication)")
        self.description = f"{self.description}\n\n{note}".strip()
        self.openapi_extra = {**(self.openapi_extra or {}),
                              "x-roles": [str(role) for role in roles or ()]}
