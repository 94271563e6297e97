"""Detections: the sustained KPI changes the sensing agent raised, with evidence and cause.

L&D and admins read them; they name teams and, in the evidence, the people below a skill level.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from learnloop.api.schemas import DetectionDetail, DetectionOut
from learnloop.domain.access import AccessRole, Principal
from learnloop.serving.deps import LARGEST_ID, RoleDocumentedRoute, SessionDep, require_roles
from learnloop.store.detections import detection_list, detection_record

router = APIRouter(prefix="/api/detections", tags=["detections"],
                   route_class=RoleDocumentedRoute)

A = AccessRole


@router.get("", response_model=list[DetectionOut])
def list_detections(
    session: SessionDep, principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
) -> list[DetectionOut]:
    """Every detection, newest detected first."""
    return [DetectionOut.from_record(record)
            for record in detection_list(session, organisation_id=principal.organisation_id)]


@router.get("/{detection_id}", response_model=DetectionDetail)
def get_detection(
    detection_id: Annotated[int, Path(ge=1, le=LARGEST_ID)], session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
) -> DetectionDetail:
    """One detection with all its evidence."""
    return DetectionDetail.from_record(detection_record(
        session, organisation_id=principal.organisation_id, detection_id=detection_id))
