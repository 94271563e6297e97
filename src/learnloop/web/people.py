"""Console pages about people: the list a caller may see, one person's record, and "my record".

Row-level scope comes from the shared `ReadablePersonDep`, the same rule the API applies.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.standing import skill_standings
from learnloop.errors import ForbiddenError
from learnloop.serving.deps import (
    LARGEST_NUMBER,
    OrganisationDep,
    ReadablePersonDep,
    RoleDocumentedRoute,
    SessionDep,
    require_roles,
)
from learnloop.store.people import person_key, person_page, person_record, requirements_of
from learnloop.store.sensing_series import person_detections
from learnloop.web.rendering import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)

PAGE_SIZE = 50
A = AccessRole


@router.get("/people", response_class=HTMLResponse)
def people(
    request: Request,
    session: SessionDep,
    organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.MANAGER)],
    team: str | None = None,
    offset: Annotated[int, Query(ge=0, le=LARGEST_NUMBER)] = 0,
) -> HTMLResponse:
    """Everyone for staff; a manager's own record and everyone below them."""
    total, rows = person_page(
        session,
        organisation_id=principal.organisation_id,
        limit=PAGE_SIZE,
        offset=offset,
        team_key=team or None,
        only_ids=principal.readable_person_ids(),
    )
    return page(
        request,
        "people.html",
        principal,
        organisation,
        people=rows,
        total=total,
        team=team,
        offset=offset,
        page_size=PAGE_SIZE,
    )


@router.get("/me")
def my_record(
    session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.MANAGER, A.LEARNER)],
) -> RedirectResponse:
    if principal.person_id is None:
        raise ForbiddenError("this token belongs to no person, so it has no record of its own")
    key = person_key(
        session, organisation_id=principal.organisation_id, person_id=principal.person_id
    )
    return RedirectResponse(f"/people/{key}", status_code=303)


@router.get("/people/{key}", response_class=HTMLResponse)
def person(
    request: Request,
    session: SessionDep,
    organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.MANAGER, A.LEARNER)],
    person_id: ReadablePersonDep,
) -> HTMLResponse:
    """One person's record: team, role, manager, and each required skill beside its evidence."""
    org_id = principal.organisation_id
    record = person_record(session, organisation_id=org_id, person_id=person_id)
    standings = skill_standings(
        requirements_of(session, organisation_id=org_id, person_id=person_id), record.evidence
    )
    return page(
        request,
        "person.html",
        principal,
        organisation,
        person=record.person,
        evidence=record.evidence,
        skill_names=record.skill_names,
        standings=standings,
        kinds=list(EvidenceKind),
        is_self=person_id == principal.person_id,
        detections=person_detections(session, organisation_id=org_id,
                                     person_key=record.person.key),
    )
