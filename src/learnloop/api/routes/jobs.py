"""Background work: start a loop run, and ask how any job is doing."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter

from learnloop.api.schemas import JobAccepted, JobOut
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.scopes import LOOP_RUN
from learnloop.serving.deps import (
    JobsDep,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    require_roles,
)
from learnloop.serving.scopes import require_scope

router = APIRouter(prefix="/api", tags=["jobs"], route_class=RoleDocumentedRoute)

A = AccessRole


def accepted(job_id: str) -> JobAccepted:
    return JobAccepted(job_id=job_id, status_url=f"/api/jobs/{job_id}")


@router.post("/loop/run", response_model=JobAccepted, status_code=202)
def run_loop(jobs: JobsDep, session: SessionDep, organisation: OrganisationDep,
             principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
             _scoped: Annotated[Principal, require_scope(LOOP_RUN)]) -> JobAccepted:
    """Queue one pass of the loop (every registered agent); poll the job for its outcome."""
    return accepted(jobs.enqueue_loop(session, organisation_key=organisation.key,
                                      actor=principal.actor))


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: str, jobs: JobsDep, session: SessionDep,
            principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.INTEGRATION)],
            ) -> dict[str, Any]:
    """A job's state (`queued`, `running`, `done`, `failed`) with its result or error and the
    worker process that ran it."""
    return asdict(jobs.status(session, organisation_id=principal.organisation_id, job_id=job_id))
