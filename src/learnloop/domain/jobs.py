"""Background jobs as the event log sees them: queued, started, then done or failed, as events.

A job's state is the fold of its events, so any process that can read the log can answer for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from learnloop.domain.events import Event

__all__ = ["JOB_EVENT_KINDS", "JOB_SUBJECT", "JobEventKind", "JobState", "JobStatus", "job_status"]

JOB_SUBJECT = "job"


class JobEventKind:
    QUEUED = "job.queued"
    STARTED = "job.started"
    COMPLETED = "job.completed"
    FAILED = "job.failed"


JOB_EVENT_KINDS = (JobEventKind.QUEUED, JobEventKind.STARTED, JobEventKind.COMPLETED,
                   JobEventKind.FAILED)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


_STATE_OF = {
    JobEventKind.QUEUED: JobState.QUEUED,
    JobEventKind.STARTED: JobState.RUNNING,
    JobEventKind.COMPLETED: JobState.DONE,
    JobEventKind.FAILED: JobState.FAILED,
}
_FINAL = (JobState.DONE, JobState.FAILED)


@dataclass(frozen=True, slots=True)
class JobStatus:
    id: str
    task: str
    state: JobState
    queued_at: datetime | None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    # process that ran the job: shows which worker did the work
    worker: dict[str, Any] = field(default_factory=dict)


def job_status(job_id: str, events: Iterable[Event]) -> JobStatus | None:
    """The job's state from its events (any order); None when no event names this job."""
    ordered = sorted(events, key=lambda event: event.id or 0)
    if not ordered:
        return None
    state, task = JobState.QUEUED, ""
    queued_at = started_at = finished_at = None
    result = error = None
    worker: dict[str, Any] = {}
    for event in ordered:
        new_state = _STATE_OF.get(event.kind)
        if new_state is None or state in _FINAL:
            continue  # a final state stays final, whatever arrives after it
        state = new_state
        task = event.payload.get("task", task)
        if new_state is JobState.QUEUED:
            queued_at = event.occurred_at
        elif new_state is JobState.RUNNING:
            started_at = event.occurred_at
            worker = dict(event.payload.get("worker") or {})
        else:
            finished_at = event.occurred_at
            result = event.payload.get("result")
            error = event.payload.get("error")
            worker = dict(event.payload.get("worker") or worker)
    return JobStatus(id=job_id, task=task, state=state, queued_at=queued_at,
                     started_at=started_at, finished_at=finished_at, result=result,
                     error=error, worker=worker)
