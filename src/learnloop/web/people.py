"""Console pages about people: the list a caller may see, one person's record, and "my record".

Row-level scope comes from Principal.can_read_person, the same rule the API applies.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from learnloop.domain.access import STAFF_ROLES, AccessRole
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.standing import EvidencePoint, skill_standings
from learnloop.store.people import (
    person_id_by_key,
    person_key,
    person_page,
    person_record,
    requirements_of,
)
from learnloop.web.rendering import page, signed_in_as, workspace_of

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
_WITH_A_RECORD = frozenset({AccessRole.MANAGER, AccessRole.LEARNER})


@router.get("/people", response_class=HTMLResponse, response_model=None)
def people(
    request: Request,
    team: str | None = None,
    offset: int = Query(0, ge=0),
) -> Response:
    """Everyone for staff; a manager's own record and everyone below them."""
    with workspace_of(request).session() as session:
        gate = signed_in_as(request, session, STAFF_ROLES | {AccessRole.MANAGER})
        if isinstance(gate, Response):
            return gate
        principal, organisation = gate
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


@router.get("/me", response_model=None)
def my_record(request: Request) -> Response:
    with workspace_of(request).session() as session:
        gate = signed_in_as(request, session, _WITH_A_RECORD | STAFF_ROLES)
        if isinstance(gate, Response):
            return gate
        principal, organisation = gate
        if principal.person_id is None:
            return page(request, "forbidden.html", principal, organisation, status_code=403)
        key = person_key(
            session, organisation_id=principal.organisation_id, person_id=principal.person_id
        )
    return RedirectResponse(f"/people/{key}", status_code=303)


@router.get("/people/{key}", response_class=HTMLResponse, response_model=None)
def person(request: Request, key: str) -> Response:
    """One person's record: team, role, manager, and each required skill beside its evidence."""
    with workspace_of(request).session() as session:
        gate = signed_in_as(request, session, STAFF_ROLES | _WITH_A_RECORD)
        if isinstance(gate, Response):
            return gate
        principal, organisation = gate
        org_id = principal.organisation_id
        person_id = person_id_by_key(session, organisation_id=org_id, key=key)
        if person_id is None or not principal.can_read_person(person_id):
            # the same answer for "not yours" and "no such person" outside staff: nothing to probe
            status = 404 if principal.role in STAFF_ROLES else 403
            return page(request, "forbidden.html", principal, organisation, status_code=status,
                        missing=key if status == 404 else None)
        record = person_record(session, organisation_id=org_id, person_id=person_id)
        evidence = [
            EvidencePoint(skill_key=e.skill_key, kind=e.kind, level=e.level,
                          observed_on=e.observed_on)
            for e in record.evidence
        ]
        standings = skill_standings(
            requirements_of(session, organisation_id=org_id, person_id=person_id), evidence
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
        )
