"""Dependencies the API and the console share: workspace, session, caller, roles, person scope.

Each route states the roles it admits with `require_roles(...)`; `RoleDocumentedRoute` copies
them into the route's OpenAPI description (and `x-roles`) and lists the error answers the route
can give, so the docs cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from learnloop.domain.access import STAFF_ROLES, AccessRole, Principal
from learnloop.domain.scopes import scope_note
from learnloop.errors import ForbiddenError, NotFoundError
from learnloop.jobs import JobQueue
from learnloop.serving.auth import principal_from_request
from learnloop.serving.errors import error_responses
from learnloop.store import Session
from learnloop.store.people import person_id_by_key
from learnloop.store.tables import Organisation
from learnloop.workspace import Workspace

__all__ = [
    "LARGEST_ID", "LARGEST_NUMBER", "JobsDep", "OrganisationDep", "PrincipalDep",
    "ReadablePersonDep", "RoleDocumentedRoute", "SessionDep", "StaffDep", "TurnDep",
    "WorkspaceDep",
    "require_roles",
]

# the largest integer both databases hold (a signed 64-bit BIGINT): every numeric parameter
# (offsets, event ids) is checked against it, so a larger one answers 422, never a database error
LARGEST_NUMBER = 2**63 - 1
# ids of tables whose key is a plain INTEGER (tokens, people, …): 32 bits on PostgreSQL
LARGEST_ID = 2**31 - 1

# declared for the OpenAPI "Authorize" button; the header itself is read by principal_from_request
_bearer_scheme = HTTPBearer(auto_error=False, description="An API token: `ll_…`")


# async, though they only read an attribute: FastAPI runs a plain `def` dependency on a worker
# thread, a thread hop per request for nothing
async def _workspace(request: Request) -> Workspace:
    return request.app.state.workspace


async def _jobs(request: Request) -> JobQueue:
    return request.app.state.jobs


WorkspaceDep = Annotated[Workspace, Depends(_workspace)]
JobsDep = Annotated[JobQueue, Depends(_jobs)]


async def _turn(request: Request) -> AsyncIterator[None]:
    """Wait on the event loop for a turn at the database (learnloop.serving.admission)."""
    turns = request.app.state.admission.for_method(request.method)
    await turns.take()
    try:
        yield
    finally:
        turns.give_back()


# a turn at the database without a session: for a route that opens its transaction itself on
# the one worker thread it runs on (xapi/http.py's statement writes)
TurnDep = Annotated[None, Depends(_turn, scope="function")]


def _session(workspace: WorkspaceDep, _turn: TurnDep) -> Iterator[Session]:
    with workspace.session() as session:
        yield session


# the request's one transaction; scope="function": it commits before the response is sent
SessionDep = Annotated[Session, Depends(_session, scope="function")]


def _principal(request: Request, session: SessionDep,
               _credentials: Annotated[HTTPAuthorizationCredentials | None,
                                       Depends(_bearer_scheme)]) -> Principal:
    principal = principal_from_request(request, session)
    # kept for the console's error pages, which show the caller's navigation
    request.state.principal = principal
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


# admin and ld only: the routes and pages where L&D steers the loop
StaffDep = Annotated[Principal, require_roles(AccessRole.ADMIN, AccessRole.LD)]


def _organisation(session: SessionDep, principal: PrincipalDep) -> Organisation:
    found = session.get(Organisation, principal.organisation_id)
    assert found is not None  # tokens cascade-delete with their organisation
    return found


OrganisationDep = Annotated[Organisation, Depends(_organisation)]


def _readable_person(key: str, session: SessionDep, principal: PrincipalDep) -> int:
    """The id of the person the path's `key` names, if the caller may read their record."""
    person_id = person_id_by_key(session, organisation_id=principal.organisation_id, key=key)
    if person_id is not None and principal.can_read_person(person_id):
        return person_id
    if principal.role in STAFF_ROLES:
        raise NotFoundError(f"no person with key {key!r}")
    # the same answer for "not yours" and "no such person": nothing to probe
    raise ForbiddenError("you may read only your own record"
                         + (" and your reports'" if principal.role is AccessRole.MANAGER else ""))


# a person's id, read from the path parameter `key`, after Principal.can_read_person said yes
ReadablePersonDep = Annotated[int, Depends(_readable_person)]


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    """`dependant` and every dependency under it, depth first."""
    yield dependant
    for dependency in dependant.dependencies:
        yield from _dependants(dependency)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    return (found.call for found in _dependants(dependant) if found.call is not None)


def _admitted_roles(dependant: Dependant) -> tuple[AccessRole, ...] | None:
    for call in _calls(dependant):
        roles = getattr(call, "admitted_roles", None)
        if roles is not None:
            return roles
    return None


def _required_scopes(dependant: Dependant) -> list[str]:
    """The scopes the route's checks (learnloop.serving.scopes) demand, in the order declared."""
    found: list[str] = []
    for dependency in dependant.dependencies:
        scope = getattr(dependency.call, "required_scope", None)
        found.extend([scope] if scope is not None else _required_scopes(dependency))
    return list(dict.fromkeys(found))


class RoleDocumentedRoute(APIRoute):
    """A route whose OpenAPI description ends with the roles it admits and the token scopes it
    needs (`x-roles`, `x-scopes`), and whose `responses` list every error answer it can give
    (with the error JSON shape)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        dependant = get_dependant(path=path, call=endpoint)
        every = list(_dependants(dependant))
        calls = {found.call for found in every}
        writes = set(kwargs.get("methods") or ()) - {"GET", "HEAD"}
        errors = error_responses(
            authenticated=_principal in calls,
            has_path_parameters=any(found.path_params for found in every),
            has_body=any(found.body_params for found in every),
            queues_jobs=_jobs in calls and bool(writes))
        kwargs["responses"] = {**errors, **(kwargs.get("responses") or {})}
        super().__init__(path, endpoint, **kwargs)
        roles = _admitted_roles(self.dependant)
        self.admitted_roles = roles
        note = ("**Roles:** " + ", ".join(f"`{role}`" for role in roles) if roles is not None
                else "**Roles:** none needed (no authentication)")
        self.required_scopes = _required_scopes(self.dependant)
        if self.required_scopes:
            note += "\n\n" + scope_note(self.required_scopes)
        self.description = f"{self.description}\n\n{note}".strip()
        self.openapi_extra = {**(self.openapi_extra or {}),
                              "x-roles": [str(role) for role in roles or ()],
                              "x-scopes": self.required_scopes}
