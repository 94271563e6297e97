"""Reviews: the queue, one component's review (checks, items with citations, comments, the
diff), reviewers' decisions and comments, publishing and retiring, and review cycle times.

Every change goes through governance.reviews, the service the CLI and the console use, so the
policy's gates and "nobody approves their own work" hold the same everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from learnloop.api.review_schemas import CommentIn, DecisionIn, RetireIn
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.govern.records import Anchor
from learnloop.domain.govern.states import ReviewState
from learnloop.domain.scopes import REVIEWS_WRITE
from learnloop.governance import reviews
from learnloop.governance.policy_file import load_policy
from learnloop.governance.queue import review_cycle_times, review_queue
from learnloop.serving.deps import (
    LARGEST_ID,
    RoleDocumentedRoute,
    SessionDep,
    StaffDep,
    WorkspaceDep,
    require_roles,
)
from learnloop.serving.scopes import require_scope

router = APIRouter(prefix="/api/reviews", tags=["reviews"], route_class=RoleDocumentedRoute)

A = AccessRole
ComponentId = Annotated[int, Path(ge=1, le=LARGEST_ID)]
Reviewer = Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)]
Staff = StaffDep
Scoped = Annotated[Principal, require_scope(REVIEWS_WRITE)]


@router.get("", response_model=list[dict[str, Any]])
def queue(
    session: SessionDep, workspace: WorkspaceDep, principal: Reviewer,
    state: Annotated[list[ReviewState] | None, Query()] = None,
    tier: Annotated[str | None, Query(max_length=64)] = None,
    stale: bool | None = None,
) -> list[dict[str, Any]]:
    """The review queue (default: open work and stale published components), oldest change
    first: state, tier, checks and what each gate still lacks."""
    return review_queue(session, organisation_id=principal.organisation_id,
                        policy=load_policy(workspace.settings),
                        states=[str(item) for item in state] if state else None, tier=tier,
                        stale=stale)


@router.get("/times", response_model=dict[str, Any])
def cycle_times(session: SessionDep, principal: Staff) -> dict[str, Any]:
    """Review cycle times: hours in each state per tier, and per reviewer."""
    return review_cycle_times(session, organisation_id=principal.organisation_id).to_dict()


@router.get("/{component_id}", response_model=dict[str, Any])
def show(component_id: ComponentId, session: SessionDep, workspace: WorkspaceDep,
         principal: Reviewer) -> dict[str, Any]:
    """One component's review: tier and why, gate, checks, items with citations, decisions,
    anchored comments and the diff against the version it would replace."""
    return reviews.review_view(session, organisation_id=principal.organisation_id,
                               component_id=component_id,
                               policy=load_policy(workspace.settings)).to_dict()


def _act(action: str, component_id: int, session: Any, workspace: Any, principal: Principal,
         **arguments: Any) -> dict[str, Any]:
    return getattr(reviews, action)(
        session, organisation_id=principal.organisation_id, component_id=component_id,
        actor=principal.actor, role=str(principal.role),
        policy=load_policy(workspace.settings), **arguments).to_dict()


@router.post("/{component_id}/submit", response_model=dict[str, Any])
def submit(component_id: ComponentId, session: SessionDep, workspace: WorkspaceDep,
           principal: Staff, _scoped: Scoped) -> dict[str, Any]:
    """Send a draft (or a component with changes requested) to review."""
    return _act("submit", component_id, session, workspace, principal)


@router.post("/{component_id}/approve", response_model=dict[str, Any])
def approve(component_id: ComponentId, decision: DecisionIn, session: SessionDep,
            workspace: WorkspaceDep, principal: Reviewer, _scoped: Scoped) -> dict[str, Any]:
    """Approve (403 for the component's own author); approved once the gate is complete."""
    return _act("approve", component_id, session, workspace, principal, note=decision.note)


@router.post("/{component_id}/request-changes", response_model=dict[str, Any])
def request_changes(component_id: ComponentId, decision: DecisionIn, session: SessionDep,
                    workspace: WorkspaceDep, principal: Reviewer,
                    _scoped: Scoped) -> dict[str, Any]:
    """Send the component back with the changes it needs (`note` required)."""
    return _act("request_changes", component_id, session, workspace, principal,
                note=decision.note)


@router.post("/{component_id}/comments", response_model=dict[str, Any], status_code=201)
def add_comment(component_id: ComponentId, body: CommentIn, session: SessionDep,
                workspace: WorkspaceDep, principal: Reviewer,
                _scoped: Scoped) -> dict[str, Any]:
    """Comment on a part of the component: an item, a field, a span of its text."""
    return _act("comment", component_id, session, workspace, principal, text=body.text,
                anchor=Anchor(**body.anchor.model_dump()))


@router.post("/{component_id}/publish", response_model=dict[str, Any])
def publish(component_id: ComponentId, session: SessionDep, workspace: WorkspaceDep,
            principal: Staff, _scoped: Scoped) -> dict[str, Any]:
    """Publish an approved component; 409 naming every missing approval before that."""
    return _act("publish", component_id, session, workspace, principal)


@router.post("/{component_id}/retire", response_model=dict[str, Any])
def retire(component_id: ComponentId, body: RetireIn, session: SessionDep,
           workspace: WorkspaceDep, principal: Staff, _scoped: Scoped) -> dict[str, Any]:
    """Withdraw a component from use."""
    return _act("retire", component_id, session, workspace, principal, reason=body.reason)
