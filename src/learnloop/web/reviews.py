"""Console pages for review: the queue with review cycle times, and one component's review
(checks, items with clickable citations, comments, the diff) with the reviewer's forms, all
through the same review service as the API and the CLI.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.govern.records import Anchor
from learnloop.errors import InputError, Problem
from learnloop.governance import reviews
from learnloop.governance.policy_file import load_policy
from learnloop.governance.queue import review_cycle_times, review_queue
from learnloop.serving.csrf import CsrfFormDep
from learnloop.serving.deps import (
    LARGEST_ID,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    WorkspaceDep,
    require_roles,
)
from learnloop.store.content import source_chunks
from learnloop.web.rendering import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)

A = AccessRole
Reviewer = Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)]
ComponentId = Annotated[int, Path(ge=1, le=LARGEST_ID)]
ACTIONS = ("approve", "request_changes", "comment", "submit", "publish", "retire")


@router.get("/reviews", response_class=HTMLResponse)
def review_list(request: Request, session: SessionDep, workspace: WorkspaceDep,
                organisation: OrganisationDep, principal: Reviewer,
                state: str | None = None) -> HTMLResponse:
    """The review queue (open work and stale published components) and review cycle times."""
    org = principal.organisation_id
    chosen = [state] if state else None
    return page(request, "reviews.html", principal, organisation, state=state,
                rows=review_queue(session, organisation_id=org,
                                  policy=load_policy(workspace.settings), states=chosen),
                times=review_cycle_times(session, organisation_id=org).to_dict())


@router.get("/reviews/{component_id}", response_class=HTMLResponse)
def review_page(request: Request, session: SessionDep, workspace: WorkspaceDep,
                organisation: OrganisationDep, principal: Reviewer,
                component_id: ComponentId) -> HTMLResponse:
    """One component's review: gate, checks, items and their passages, comments, the diff."""
    org = principal.organisation_id
    view = reviews.review_view(session, organisation_id=org, component_id=component_id,
                               policy=load_policy(workspace.settings))
    chunks = source_chunks(session, organisation_id=org, source=view.component.source_key,
                           version=view.component.source_version).chunks
    return page(request, "review.html", principal, organisation, review=view.to_dict(),
                chunks={chunk.id: chunk for chunk in chunks})


@router.post("/reviews/{component_id}", response_model=None)
def review_action(request: Request, session: SessionDep, workspace: WorkspaceDep,
                  principal: Reviewer, _form: CsrfFormDep, component_id: ComponentId,
                  action: Annotated[str, Form(max_length=32)],
                  note: Annotated[str, Form(max_length=4000)] = "",
                  item: Annotated[str, Form(max_length=12)] = "",
                  field: Annotated[str, Form(max_length=200)] = "",
                  start: Annotated[str, Form(max_length=12)] = "",
                  end: Annotated[str, Form(max_length=12)] = "") -> RedirectResponse:
    """A reviewer's decision, comment, submission, publication or retirement; a refusal is
    the console's error page saying why (what approvals are missing, whose work it is)."""
    if action not in ACTIONS:
        raise InputError(f"unknown action {action!r}", [Problem(
            f"use one of {', '.join(ACTIONS)}", field="action")])
    arguments: dict[str, object] = {}
    if action in ("approve", "request_changes"):
        arguments["note"] = note
    elif action == "retire":
        arguments["reason"] = note
    elif action == "comment":
        arguments["text"] = note
        arguments["anchor"] = Anchor(item=_number(item, "item"), field=field or None,
                                     start=_number(start, "start"), end=_number(end, "end"))
    getattr(reviews, action)(session, organisation_id=principal.organisation_id,
                             component_id=component_id, actor=principal.actor,
                             role=str(principal.role), policy=load_policy(workspace.settings),
                             **arguments)
    return RedirectResponse(f"/reviews/{component_id}", status_code=303)


def _number(text: str, name: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or len(text.strip()) > 7:
        raise InputError(f"{name} must be a whole number", [Problem("not a number", field=name)])
    return int(text)
