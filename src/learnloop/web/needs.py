"""Console pages for steering learning: the skill-health heatmap, the needs queue, one need with its
evidence chain (the KPI chart with the detection, the gap, the people) and the priorities editor.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.needs import NeedStatus
from learnloop.domain.needs_lifecycle import TRANSITIONS
from learnloop.domain.needs_ranking import pushed
from learnloop.domain.scopes import NEEDS_WRITE, PRIORITIES_WRITE
from learnloop.errors import InputError, Problem
from learnloop.serving.csrf import CsrfFormDep
from learnloop.serving.deps import (
    LARGEST_ID,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    StaffDep,
)
from learnloop.serving.scopes import require_scope
from learnloop.steering import (
    change_need_status,
    change_priority,
    history_json,
    parse_status,
    priority_history,
)
from learnloop.store.catalogue import objective_list
from learnloop.store.detections import detection_record
from learnloop.store.needs import need, needs
from learnloop.store.proficiencies import skill_health_list
from learnloop.web.charts import skill_heatmap
from learnloop.web.detections import detection_chart
from learnloop.web.rendering import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)

A = AccessRole
Staff = StaffDep
NeedId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@router.get("/skills", response_class=HTMLResponse)
def skills(request: Request, session: SessionDep, organisation: OrganisationDep,
           principal: Staff) -> HTMLResponse:
    """Teams × skills: the share of people at the level their role requires."""
    rows = skill_health_list(session, organisation_id=principal.organisation_id)
    return page(request, "skills.html", principal, organisation, figure=skill_heatmap(rows),
                as_of=rows[0].as_of if rows else None)


@router.get("/needs", response_class=HTMLResponse)
def needs_queue(request: Request, session: SessionDep, organisation: OrganisationDep,
                principal: Staff,
                status: Annotated[str | None, Query(max_length=32)] = None) -> HTMLResponse:
    """The ranked needs, best first; `status` keeps one status."""
    wanted = parse_status(status) if status else None
    found = needs(session, organisation_id=principal.organisation_id, status=wanted)
    return page(request, "needs.html", principal, organisation, needs=found, pushed=pushed,
                statuses=[s.value for s in NeedStatus], status=status or "")


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(request: Request, session: SessionDep, organisation: OrganisationDep,
              principal: Staff, need_id: NeedId) -> HTMLResponse:
    """One need: why, the KPI chart with its detection, the gap, the people, the decision."""
    org = principal.organisation_id
    found = need(session, organisation_id=org, need_id=need_id)
    figure = None
    if found.detection_id is not None:
        record = detection_record(session, organisation_id=org, detection_id=found.detection_id)
        figure = detection_chart(session, organisation_id=org, record=record)
    return page(request, "need.html", principal, organisation, need=found, figure=figure,
                is_pushed=pushed(found),
                next_statuses=sorted(s.value for s in TRANSITIONS[found.status]))


@router.post("/needs/{need_id}/status")
def need_status_form(
    session: SessionDep, principal: Staff, _form: CsrfFormDep,
    _scoped: Annotated[Principal, require_scope(NEEDS_WRITE)], need_id: NeedId,
    status: Annotated[str, Form(max_length=32)], reason: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """L&D's decision from the need's page; back to the page."""
    change_need_status(session, organisation_id=principal.organisation_id, need_id=need_id,
                       status=status, reason=reason, actor=principal.actor)
    return RedirectResponse(f"/needs/{need_id}", status_code=303)


@router.get("/priorities", response_class=HTMLResponse)
def priorities(request: Request, session: SessionDep, organisation: OrganisationDep,
               principal: Staff) -> HTMLResponse:
    """Every objective's priority, weight and reason, editable, with the history of edits."""
    org = principal.organisation_id
    return page(request, "priorities.html", principal, organisation,
                objectives=objective_list(session, organisation_id=org),
                history=[history_json(e) for e in priority_history(session,
                                                                   organisation_id=org)])


def _weight(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError("weight is not a number", [Problem(
            f"{text!r} is not a number between 0 and 1", field="weight")]) from None


@router.post("/priorities/{objective_key}")
def priority_form(
    session: SessionDep, principal: Staff, _form: CsrfFormDep,
    _scoped: Annotated[Principal, require_scope(PRIORITIES_WRITE)],
    objective_key: Annotated[str, Path(max_length=128)],
    priority: Annotated[str, Form(pattern="^(yes|no)$")],
    weight: Annotated[str, Form(max_length=32)] = "",
    reason: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """An edit from the priorities page (recorded with old and new values); back to the page."""
    change_priority(session, organisation_id=principal.organisation_id,
                    objective_key=objective_key, priority=priority == "yes",
                    weight=_weight(weight), reason=reason if reason.strip() else None,
                    actor=principal.actor)
    return RedirectResponse("/priorities", status_code=303)
