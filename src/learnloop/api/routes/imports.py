"""Data in over HTTP: file uploads for every import kind, and the signals webhook.

Both go through `learnloop.importing` (a file, or the webhook's parsed records) in the request's
transaction, so they check and count exactly like the CLI.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Response, UploadFile

from learnloop.agents.registry import agent_options
from learnloop.agents.sensing_arrivals import sense_after_import, sense_arrivals, signal_subjects
from learnloop.api.routes.jobs import accepted
from learnloop.api.schemas import ImportResult, JobAccepted, SignalBatch, SignalsResult
from learnloop.delivery.moments import detections_tripped, signals_tripped
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.events import EventKind, utcnow
from learnloop.domain.scopes import SIGNALS_WRITE
from learnloop.importing import ImportLimits, import_file, import_records
from learnloop.jobs import save_upload
from learnloop.serving.deps import (
    JobsDep,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    WorkspaceDep,
    require_roles,
)
from learnloop.serving.scopes import ImportScopeDep, require_scope

router = APIRouter(prefix="/api", tags=["imports"], route_class=RoleDocumentedRoute)

A = AccessRole
WEBHOOK_ORIGIN = "webhook"  # problems name it as their file, the event as its origin


@router.post("/imports/{kind}", response_model=ImportResult | JobAccepted,
             responses={202: {"model": JobAccepted, "description": "Queued as a job"}})
def upload_import(
    kind: str, workspace: WorkspaceDep, session: SessionDep, jobs: JobsDep,
    organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.INTEGRATION)],
    _scoped: ImportScopeDep,
    response: Response,
    file: Annotated[UploadFile, File(description="The file, in the format docs/data-formats.md "
                                                  "gives for this kind.")],
    dry_run: Annotated[bool, Query(description="Check only; write nothing.")] = False,
    background: Annotated[bool, Query(description="Queue as a job; answer 202 at once.")] = False,
) -> Any:
    """Import an uploaded file (kinds: skills, roles, people, objectives, signals, evidence,
    pulse, sources). All or nothing: any problem answers 422 with every problem listed. The token
    needs the kind's scope even for a dry run or a job: people, roles, skills and objectives (the
    org chart and catalogue) only `admin` and `ld` tokens may have. A signals import that wrote
    senses the team series its new rows count in at once (up to
    LEARNLOOP_SENSING_ON_IMPORT_MAX_SERIES of them; more wait for the next loop run)."""
    filename = file.filename or f"{kind}-upload"
    if background:
        response.status_code = 202
        return accepted(jobs.enqueue_import(
            session, organisation_key=organisation.key, kind=kind, upload=file.file,
            filename=filename, dry_run=dry_run, actor=principal.actor))
    with tempfile.TemporaryDirectory(prefix="learnloop-upload-") as folder:
        path = save_upload(file.file, folder=Path(folder), filename=filename,
                           max_bytes=workspace.settings.max_upload_bytes)
        result, sensed = sense_after_import(
            session, organisation_id=organisation.id, kind=kind, dry_run=dry_run,
            run=lambda: import_file(session, organisation_id=organisation.id, kind=kind,
                                    path=path, limits=ImportLimits.from_settings(
                                        workspace.settings),
                                    dry_run=dry_run, actor=principal.actor,
                                    display_name=filename),
            settings=workspace.settings)
    if sensed is not None and sensed.detections:  # a new detection may trip a detection rule
        jobs.enqueue_deliveries(session, detections_tripped(
            session, organisation_id=organisation.id, settings=workspace.settings))
    return ImportResult(**result.summary())


@router.post("/signals", response_model=SignalsResult)
def receive_signals(
    batch: SignalBatch, workspace: WorkspaceDep, session: SessionDep, jobs: JobsDep,
    organisation: OrganisationDep,
    principal: Annotated[Principal, require_roles(A.ADMIN, A.INTEGRATION)],
    _scoped: Annotated[Principal, require_scope(SIGNALS_WRITE)],
) -> SignalsResult:
    """Webhook for KPI values and work signals: `{"signals": [...]}` in the signals JSON format.
    Idempotent by id (re-sending creates nothing); all or nothing, problems name the 1-based
    position in the batch (`row`) and the field. Values that trip a moment-of-need rule queue
    a delivery to the people concerned at once, and the team series they count in are sensed
    at once (each against its stored state: a new detection is stored with the signals)."""
    result = import_records(session, organisation_id=organisation.id, kind="signals",
                            records=batch.signals, origin=WEBHOOK_ORIGIN,
                            event_kind=EventKind.SIGNALS_RECEIVED, actor=principal.actor,
                            limits=ImportLimits.from_settings(workspace.settings))
    # the series these signals count in, evaluated now against their stored state
    sensed = sense_arrivals(session, organisation_id=organisation.id,
                            subjects=signal_subjects(batch.signals), now=utcnow(),
                            options=agent_options(workspace.settings)["sensing"])
    deliveries = signals_tripped(session, organisation_id=organisation.id,
                                 settings=workspace.settings, signals=batch.signals)
    if sensed.detections:  # as after a loop run: a new detection may trip a detection rule
        deliveries += detections_tripped(session, organisation_id=organisation.id,
                                         settings=workspace.settings)
    jobs.enqueue_deliveries(session, deliveries)
    return SignalsResult(received=result.rows, created=result.created, updated=result.updated,
                         unchanged=result.unchanged)
