"""The needs queue and L&D's priorities: read the ranked needs with their evidence, move a need
through its lifecycle, edit a priority or weight (each change an event; the queue re-ranks).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from learnloop.api.need_schemas import (
    NeedDetail,
    NeedOut,
    NeedStatusChange,
    PriorityChange,
    PriorityEdit,
    PriorityOut,
)
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.scopes import NEEDS_WRITE, PRIORITIES_WRITE
from learnloop.serving.deps import LARGEST_ID, RoleDocumentedRoute, SessionDep, StaffDep
from learnloop.serving.scopes import require_scope
from learnloop.steering import (
    change_need_status,
    change_priority,
    history_json,
    parse_status,
    priority_history,
    priority_json,
)
from learnloop.store.catalogue import objective_list
from learnloop.store.needs import need, needs

router = APIRouter(tags=["needs"], route_class=RoleDocumentedRoute)

A = AccessRole
Staff = StaffDep
NeedId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@router.get("/api/needs", response_model=list[NeedOut])
def list_needs(session: SessionDep, principal: Staff,
               status: Annotated[str | None, Query(max_length=32)] = None) -> list[NeedOut]:
    """Every need, best first (active needs by score, then dismissed and resolved ones);
    `status` keeps one status."""
    wanted = None if status is None else parse_status(status)
    return [NeedOut.from_need(n) for n in needs(
        session, organisation_id=principal.organisation_id, status=wanted)]


@router.get("/api/needs/{need_id}", response_model=NeedDetail)
def get_need(need_id: NeedId, session: SessionDep, principal: Staff) -> NeedDetail:
    """One need with its evidence chain."""
    return NeedDetail.from_need(need(session, organisation_id=principal.organisation_id,
                                     need_id=need_id))


@router.post("/api/needs/{need_id}/status", response_model=NeedDetail)
def set_need_status(need_id: NeedId, change: NeedStatusChange, session: SessionDep,
                    principal: Staff,
                    _scoped: Annotated[Principal, require_scope(NEEDS_WRITE)]) -> NeedDetail:
    """Move a need: open → accepted | dismissed (with a reason) → in_progress → resolved.
    Recorded as `need.status_changed`; the queue re-ranks."""
    return NeedDetail.from_need(change_need_status(
        session, organisation_id=principal.organisation_id, need_id=need_id,
        status=change.status, reason=change.reason, actor=principal.actor))


@router.get("/api/priorities", response_model=list[PriorityOut])
def list_priorities(session: SessionDep, principal: Staff) -> list[dict]:
    """Every objective with its priority, weight and reason, priorities first, heaviest first."""
    return [priority_json(o) for o in objective_list(
        session, organisation_id=principal.organisation_id)]


@router.get("/api/priorities/history", response_model=list[PriorityEdit])
def list_priority_history(
    session: SessionDep, principal: Staff,
    objective: Annotated[str | None, Query(max_length=128)] = None,
) -> list[dict]:
    """Every priority edit, newest first: who changed what, when, the old and new values."""
    return [history_json(event) for event in priority_history(
        session, organisation_id=principal.organisation_id, objective_key=objective)]


@router.patch("/api/priorities/{objective_key}", response_model=PriorityOut)
def edit_priority(
    objective_key: Annotated[str, Path(max_length=128)], change: PriorityChange,
    session: SessionDep, principal: Staff,
    _scoped: Annotated[Principal, require_scope(PRIORITIES_WRITE)],
) -> dict:
    """Change an objective's priority flag, weight (0-1) or reason; recorded as
    `objective.priority_changed` with the old and new values; the queue re-ranks at once."""
    return priority_json(change_priority(
        session, organisation_id=principal.organisation_id, objective_key=objective_key,
        priority=change.priority, weight=change.weight, reason=change.reason,
        actor=principal.actor))
