"""A person's data rights over the API: export everything held about them, or erase them.

Admins only; the same service as `learnloop person export|erase`, in the request's transaction.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks

from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.scopes import PEOPLE_ERASE
from learnloop.privacy import erase_person, export_person
from learnloop.serving.deps import RoleDocumentedRoute, SessionDep, WorkspaceDep, require_roles
from learnloop.serving.scopes import require_scope
from learnloop.store.personal_data import forget_erased_pages

router = APIRouter(prefix="/api/people", tags=["people"], route_class=RoleDocumentedRoute)

AdminDep = Annotated[Principal, require_roles(AccessRole.ADMIN)]


@router.get("/{key}/export")
def export_person_data(key: str, session: SessionDep, principal: AdminDep) -> dict[str, Any]:
    """Everything held about one person, as `learnloop person export` prints it: record, team,
    role, manager, evidence, own signals, tokens (never secrets) and the events that name them."""
    return export_person(session, organisation_id=principal.organisation_id, key=key)


@router.post("/{key}/erase")
def erase_person_data(key: str, session: SessionDep, principal: AdminDep,
                      _scoped: Annotated[Principal, require_scope(PEOPLE_ERASE)],
                      workspace: WorkspaceDep, after: BackgroundTasks) -> dict[str, Any]:
    """Erase one person everywhere, the event log included; answers the `person.erased` payload
    (internal id and counts, never the erased data). Cannot be undone."""
    erased = erase_person(session, organisation_id=principal.organisation_id, key=key,
                          actor=principal.actor)
    after.add_task(forget_erased_pages, workspace.database.engine)  # runs once committed
    return erased
