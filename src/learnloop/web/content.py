"""Console pages about content: the library (packs and the newest components) and one pack with
its components, their checks and clickable citations that open the cited passage.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.content.export import pack_document
from learnloop.serving.deps import (
    LARGEST_ID,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    require_roles,
)
from learnloop.store.content import library, pack, packs, source_chunks, stale_citations
from learnloop.web.rendering import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)

A = AccessRole


@router.get("/content", response_class=HTMLResponse)
def content_library(
    request: Request, session: SessionDep, organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)],
) -> HTMLResponse:
    """Every pack, newest first, and the newest version of every component."""
    org = principal.organisation_id
    return page(request, "content.html", principal, organisation,
                packs=packs(session, organisation_id=org),
                components=library(session, organisation_id=org),
                stale=stale_citations(session, organisation_id=org))


@router.get("/content/packs/{pack_id}", response_class=HTMLResponse)
def content_pack(
    request: Request, session: SessionDep, organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)],
    pack_id: Annotated[int, Path(ge=1, le=LARGEST_ID)],
) -> HTMLResponse:
    """One pack: each component's items with their citations, provenance and checks."""
    org = principal.organisation_id
    found = pack(session, organisation_id=org, pack_id=pack_id)
    chunks = source_chunks(session, organisation_id=org, source=found.source_key,
                           version=found.source_version).chunks
    return page(request, "content_pack.html", principal, organisation,
                pack=pack_document(found), chunks={chunk.id: chunk for chunk in chunks})
