"""Content: generate a pack from a source, read packs and the component library, override a
pack's modality mix. L&D and admins write; reviewers read what they review.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from learnloop.api.schemas import (
    ComponentOut,
    GeneratedPackOut,
    GeneratePack,
    ModalityOverride,
    PackDetail,
    PackOut,
)
from learnloop.content.exports.packages import PackageFormat, package_bytes, package_name
from learnloop.content.exports.selection import published_only
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.content.components import ComponentKind
from learnloop.domain.content.export import component_document, pack_document, pack_summary
from learnloop.domain.scopes import CONTENT_WRITE
from learnloop.errors import ConfigError, ConflictError
from learnloop.generation import content_engine, generate_pack, override_pack_modality
from learnloop.serving.deps import (
    LARGEST_ID,
    RoleDocumentedRoute,
    SessionDep,
    WorkspaceDep,
    require_roles,
)
from learnloop.serving.errors import ErrorOut
from learnloop.serving.scopes import require_scope
from learnloop.store.content import library, pack, packs
from learnloop.store.reviews import published_ids

router = APIRouter(prefix="/api/content", tags=["content"], route_class=RoleDocumentedRoute)

A = AccessRole
PackId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@router.get("/packs", response_model=list[PackOut])
def list_packs(
    session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)],
) -> list[PackOut]:
    """Every pack, newest first (without components)."""
    return [PackOut.model_validate(pack_document(found))
            for found in packs(session, organisation_id=principal.organisation_id)]


@router.post("/packs", response_model=GeneratedPackOut, status_code=201, responses={
    404: {"model": ErrorOut, "description": "No such source, or no such need"},
    409: {"model": ErrorOut, "description": "The chosen engine is not configured on this "
                                            "server (its model, key or address is missing)"},
    502: {"model": ErrorOut, "description": "The language model's server failed (after its "
                                            "retries)"}})
def create_pack(
    request: GeneratePack, workspace: WorkspaceDep, session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
    _scoped: Annotated[Principal, require_scope(CONTENT_WRITE)],
) -> GeneratedPackOut:
    """Generate every component from the source's current version (for a need, if given) with
    the chosen engine and store them as a new pack."""
    try:
        engine = content_engine(workspace.settings, engine=request.engine, session=session,
                                organisation_id=principal.organisation_id)
    except ConfigError as error:
        # the caller asked for an engine this server cannot run: their request, not a crash
        raise ConflictError(f"the {request.engine} engine is not configured here: {error}") \
            from error
    made = generate_pack(session, organisation_id=principal.organisation_id,
                         source=request.source, need_id=request.need_id, engine=engine,
                         actor=principal.actor, settings=workspace.settings)
    return GeneratedPackOut(pack_id=made.pack.id, summary=pack_summary(made.pack),
                            skipped=made.skipped)


@router.get("/packs/{pack_id}", response_model=PackDetail)
def get_pack(
    pack_id: PackId, session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)],
) -> PackDetail:
    """One pack with every component: items, citations (chunk id + quoted passage), checks."""
    return PackDetail.model_validate(pack_document(
        pack(session, organisation_id=principal.organisation_id, pack_id=pack_id)))


@router.get("/packs/{pack_id}/export/{format}", response_class=Response, responses={
    200: {"content": {"application/zip": {}},
          "description": "The zip: the HTML folder (zip), a SCORM 2004 4th edition package "
                         "(scorm) or a cmi5 package (cmi5)"},
    409: {"model": ErrorOut, "description": "None of the pack's components is published yet "
                                            "(and `unpublished` was not asked for)"}})
def export_pack(
    pack_id: PackId, format: PackageFormat, session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)],
    unpublished: bool = False,
) -> Response:
    """Download a pack as a self-contained HTML zip, or as a SCORM 2004 or cmi5 package for an
    LMS to import (what `learnloop pack export --zip/--scorm/--cmi5` writes): only the
    components the review gates published, unless `unpublished=true` asks for a preview."""
    document = pack_document(pack(session, organisation_id=principal.organisation_id,
                                  pack_id=pack_id))
    if not unpublished:
        document, _withheld = published_only(document, published=set(published_ids(
            session, organisation_id=principal.organisation_id).values()))
    name = package_name(document, format=format)
    return Response(package_bytes(document, format=format), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.put("/packs/{pack_id}/modality", response_model=PackOut)
def set_modality(
    pack_id: PackId, override: ModalityOverride, session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
    _scoped: Annotated[Principal, require_scope(CONTENT_WRITE)],
) -> PackOut:
    """Replace the proposed modality mix with L&D's own; the proposal's reasons stay."""
    return PackOut.model_validate(pack_document(override_pack_modality(
        session, organisation_id=principal.organisation_id, pack_id=pack_id, mix=override.mix,
        reason=override.reason, actor=principal.actor)))


@router.get("/components", response_model=list[ComponentOut])
def list_components(
    session: SessionDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER)],
    kind: ComponentKind | None = None,
) -> list[ComponentOut]:
    """The content library: the newest version of every component, by source then kind."""
    return [ComponentOut.model_validate(component_document(component))
            for component in library(session, organisation_id=principal.organisation_id,
                                     kind=str(kind) if kind else None)]
