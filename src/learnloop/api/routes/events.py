"""The append-only event log, newest first, paged backwards with `before_id`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from learnloop.api.schemas import EventPage
from learnloop.domain.access import AccessRole, Principal
from learnloop.serving.deps import (
    LARGEST_NUMBER,
    RoleDocumentedRoute,
    SessionDep,
    require_roles,
)
from learnloop.store.event_log import EventLog

router = APIRouter(prefix="/api", tags=["events"], route_class=RoleDocumentedRoute)


@router.get("/events", response_model=EventPage)
def events(
    session: SessionDep,
    principal: Annotated[Principal, require_roles(AccessRole.ADMIN, AccessRole.LD)],
    kind: Annotated[str | None, Query(description="Only this event kind.")] = None,
    before_id: Annotated[int | None, Query(ge=1, le=LARGEST_NUMBER,
                                           description="Events older than this id.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Recent events; pass `next_before_id` back as `before_id` for the page before."""
    page = EventLog(session, principal.organisation_id).recent(
        limit=limit, kinds=[kind] if kind else None, before_id=before_id)
    return {"items": page, "next_before_id": page[-1].id if len(page) == limit else None}
