"""People: a paged list scoped to what the caller may see, and one person's record with evidence.

Learners and managers get 403 for anyone outside their scope, whether or not that key exists.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from learnloop.api.schemas import DetectionOut, PersonDetail, PersonPage, PersonSummary
from learnloop.domain.access import AccessRole, Principal
from learnloop.serving.deps import (
    LARGEST_NUMBER,
    ReadablePersonDep,
    RoleDocumentedRoute,
    SessionDep,
    require_roles,
)
from learnloop.store.people import person_key, person_page, person_record
from learnloop.store.sensing_series import person_detections

router = APIRouter(prefix="/api/people", tags=["people"], route_class=RoleDocumentedRoute)

A = AccessRole


@router.get("", response_model=PersonPage)
def list_people(
    session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.MANAGER)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=LARGEST_NUMBER)] = 0,
    team: Annotated[str | None, Query(description="Only this team (team key).")] = None,
) -> dict[str, Any]:
    """People ordered by key; a manager sees themself and everyone below them."""
    total, items = person_page(session, organisation_id=principal.organisation_id, limit=limit,
                               offset=offset, team_key=team,
                               only_ids=principal.readable_person_ids())
    return {"items": [PersonSummary.model_validate(person) for person in items], "total": total,
            "limit": limit, "offset": offset}


@router.get("/{key}", response_model=PersonDetail)
def get_person(
    session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.MANAGER, A.LEARNER)],
    person_id: ReadablePersonDep,
) -> PersonDetail:
    """One person: team, role, manager and skill evidence. Learners: only themself; managers:
    themself and their reports."""
    return PersonDetail.from_record(
        person_record(session, organisation_id=principal.organisation_id, person_id=person_id))


@router.get("/{key}/detections", response_model=list[DetectionOut])
def get_person_detections(
    session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.MANAGER, A.LEARNER)],
    person_id: ReadablePersonDep,
) -> list[DetectionOut]:
    """The sustained dips the sensing agent found in this person's own KPI series (raised only
    when the rest of their team held steady), newest first. Who may read the person may read
    these: learners themself, managers themself and their reports."""
    key = person_key(session, organisation_id=principal.organisation_id, person_id=person_id)
    return [DetectionOut.from_record(record) for record in person_detections(
        session, organisation_id=principal.organisation_id, person_key=key or "")]
