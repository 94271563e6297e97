"""Detections: the sustained KPI changes the sensing agent raised, with evidence and cause.

L&D and admins read them; they name teams and, in the evidence, the people below a skill level.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from learnloop.api.schemas import DetectionDetail, DetectionOut, DetectionPageOut
from learnloop.domain.access import AccessRole, Principal
from learnloop.errors import InputError, Problem
from learnloop.serving.deps import LARGEST_ID, RoleDocumentedRoute, SessionDep, require_roles
from learnloop.store.detections import DetectionPlace, detection_page, detection_record

router = APIRouter(prefix="/api/detections", tags=["detections"],
                   route_class=RoleDocumentedRoute)

A = AccessRole
MAX_PAGE = 500


@router.get("", response_model=DetectionPageOut)
def list_detections(
    session: SessionDep, principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Detections per page.")] = 100,
    cursor: Annotated[str | None, Query(max_length=600, description=(
        "The `next_cursor` of the page before; leave out for the first page."))] = None,
) -> DetectionPageOut:
    """Detections, newest detected first (then team, metric), a page at a time: pass the
    answer's `next_cursor` back as `cursor` for the next page (null on the last one)."""
    page = detection_page(session, organisation_id=principal.organisation_id, limit=limit,
                          after=None if cursor is None else _place(cursor))
    return DetectionPageOut(items=[DetectionOut.from_record(r) for r in page.records],
                            limit=limit, next_cursor=_cursor(page.next_after))


def _cursor(place: DetectionPlace | None) -> str | None:
    """An opaque cursor: the last listed detection's place in the order."""
    if place is None:
        return None
    words = [place.detected_at.isoformat(), place.subject_key, place.metric, place.id]
    return base64.urlsafe_b64encode(json.dumps(words).encode()).decode().rstrip("=")


def _place(cursor: str) -> DetectionPlace:
    try:
        day, team, metric, number = json.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return DetectionPlace(detected_at=date.fromisoformat(day), subject_key=str(team),
                              metric=str(metric), id=int(number))
    except (ValueError, TypeError) as error:
        raise InputError(
            "cursor is not one this API gave: pass back a page's next_cursor unchanged",
            problems=[Problem(field="cursor", message="not a cursor from a detections page")],
        ) from error


@router.get("/{detection_id}", response_model=DetectionDetail)
def get_detection(
    detection_id: Annotated[int, Path(ge=1, le=LARGEST_ID)], session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
) -> DetectionDetail:
    """One detection with all its evidence."""
    return DetectionDetail.from_record(detection_record(
        session, organisation_id=principal.organisation_id, detection_id=detection_id))
