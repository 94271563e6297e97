"""Console pages about detections: the list, and one detection with its series chart (baseline,
detected change and the change-log entries marked), its evidence and its cause.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.sensing.records import DetectionRecord
from learnloop.domain.sensing.weeks import week_number
from learnloop.serving.deps import (
    LARGEST_ID,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    require_roles,
)
from learnloop.store import Session
from learnloop.store.detections import detection_list, detection_record
from learnloop.store.imports.changes import change_log
from learnloop.store.sensing_series import series_of_detection
from learnloop.web.charts import detection_figure
from learnloop.web.rendering import page

__all__ = ["detection_chart", "router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)

A = AccessRole
_WEEKS_BEFORE = 4  # weeks shown before the baseline window and after the detection, for context
_WEEKS_AFTER = 12


@router.get("/detections", response_class=HTMLResponse)
def detections(
    request: Request, session: SessionDep, organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
) -> HTMLResponse:
    """Every detection, newest detected first."""
    return page(request, "detections.html", principal, organisation,
                detections=detection_list(session, organisation_id=principal.organisation_id))


@router.get("/detections/{detection_id}", response_class=HTMLResponse)
def detection(
    request: Request, session: SessionDep, organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
    detection_id: Annotated[int, Path(ge=1, le=LARGEST_ID)],
) -> HTMLResponse:
    """One detection: the team's series around it, the evidence and the cause."""
    record = detection_record(session, organisation_id=principal.organisation_id,
                              detection_id=detection_id)
    return page(request, "detection.html", principal, organisation, record=record,
                figure=detection_chart(session, organisation_id=principal.organisation_id,
                                       record=record))


def detection_chart(session: Session, *, organisation_id: int,
                    record: DetectionRecord) -> dict[str, Any]:
    """The series around a detection (a team's KPI, its pulse score or a person's own KPI), with
    the change-log entries about the team."""
    org = organisation_id
    found = record.detection
    first = week_number(found.baseline_from) - _WEEKS_BEFORE
    series = series_of_detection(session, organisation_id=org, record=record, first_week=first,
                                 end_week=week_number(found.detected_at) + 1 + _WEEKS_AFTER)
    changes = [c for c in change_log(session, organisation_id=org) if c.concerns(record.team)]
    return detection_figure(record, series=series, changes=changes)
