"""Background jobs (imports, loop runs) on Huey: a queue built from a workspace, and its workers.

SQLite queue in the workspace by default, Redis when LEARNLOOP_REDIS_URL is set. Task payloads are
plain data; the process that runs a task uses its own workspace. A job's state lives in the event
log (job.queued → job.started → job.completed | job.failed), so the API can answer from any process.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from learnloop.config import Settings, mask_url
from learnloop.domain.events import utcnow
from learnloop.domain.imports import file_name_shown
from learnloop.domain.jobs import (
    JOB_EVENT_KINDS,
    JOB_SUBJECT,
    JobEventKind,
    JobStatus,
    job_status,
)
from learnloop.errors import (
    ConfigError,
    LearnloopError,
    NotFoundError,
    ProviderError,
    TooLargeError,
)
from learnloop.store import Session
from learnloop.store.event_log import EventLog
from learnloop.store.transactions import after_commit
from learnloop.workspace import Workspace

__all__ = ["JobQueue", "QUEUE_NAME", "build_huey", "forward_pending", "run_worker",
           "safe_file_name", "start_in_process", "stop_in_process"]

log = logging.getLogger(__name__)

QUEUE_NAME = "learnloop"
# tasks are registered as learnloop.jobs.<name>: stable even if the Python functions are renamed
IMPORT_TASK = "import_file"
LOOP_TASK = "run_loop"
DELIVER_TASK = "deliver"
FORWARD_TASK = "forward_statements"
# the first pause between tries of a forwarded batch; it doubles with each try
FORWARD_FIRST_PAUSE_SECONDS = 0.5
# an idle worker polls the SQLite queue at least this often (Redis wakes it at once)
MAX_POLL_SECONDS = 1.0
SHUTDOWN_TIMEOUT_SECONDS = 300.0
_COPY_CHUNK = 1 << 20


def build_huey(settings: Settings) -> Huey:
    """Huey on Redis when configured, else on the workspace's SQLite queue file; results unused."""
    if settings.redis_url:
        return RedisHuey(QUEUE_NAME, url=settings.redis_url, results=False)
    settings.ensure_workspace()
    return SqliteHuey(QUEUE_NAME, filename=str(settings.jobs_database_path), results=False)


def _worker_identity() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "thread": threading.current_thread().name}


def _error_payload(error: Exception) -> dict[str, Any]:
    if isinstance(error, LearnloopError):
        problems = [problem.as_dict() for problem in getattr(error, "problems", [])]
        return {"type": type(error).__name__, "message": error.message, "problems": problems}
    return {"type": "internal", "message": "internal error; see the worker log"}


class JobQueue:
    """One workspace's queue: enqueue jobs, read their status, and the tasks that run them.

    The queue is an outer layer, like a route or a CLI command: it opens and commits the
    transactions of a job's own work (its state events, and the import or loop run inside), and
    the services it calls (`import_file`, `run_loop`) only work in the session it gives them.
    `status` is the one read in the caller's session.

    `enqueue_*` records `job.queued` in the caller's transaction (the route's) and hands the
    task over last: a queue that refuses it fails the request, which rolls the queued event
    back, so no job is left half-made. The event's id is taken before the task exists, so a
    worker's `job.started` always sorts after it; on SQLite the worker's first write waits for
    the route's commit.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.huey = build_huey(workspace.settings)
        self._import = self.huey.task(name=IMPORT_TASK)(self._import_file)
        self._loop = self.huey.task(name=LOOP_TASK)(self._run_loop)
        self._deliver = self.huey.task(name=DELIVER_TASK)(self._deliver_now)
        self._forward = self.huey.task(name=FORWARD_TASK)(self._forward_statements)

    @property
    def uploads(self) -> Path:
        return self.workspace.settings.workspace / "uploads"

    # -- enqueueing (API side) ---------------------------------------------------------------

    def enqueue_import(self, session: Session, *, organisation_key: str, kind: str,
                       upload: BinaryIO, filename: str, dry_run: bool, actor: str) -> str:
        """Copy the upload into the workspace (the job may run later, elsewhere) and queue it."""
        job_id = uuid.uuid4().hex
        filename = file_name_shown(filename, fallback=f"{kind}-upload")  # echoed in job events
        folder = self.uploads / job_id
        folder.mkdir(parents=True)
        try:
            path = save_upload(upload, folder=folder, filename=filename,
                               max_bytes=self.workspace.settings.max_upload_bytes)
            self._enqueue(session, self._import, job_id=job_id, organisation_key=organisation_key,
                          actor=actor, details={"kind": kind, "file": filename, "dry_run": dry_run},
                          kind=kind, path=str(path), dry_run=dry_run, display_name=filename)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return job_id

    def enqueue_loop(self, session: Session, *, organisation_key: str, actor: str) -> str:
        job_id = uuid.uuid4().hex
        self._enqueue(session, self._loop, job_id=job_id, organisation_key=organisation_key,
                      actor=actor, details={})
        return job_id

    def enqueue_deliveries(self, session: Session,
                           deliveries: Sequence[tuple[int, datetime]]) -> None:
        """Once the caller's transaction commits, hand deliveries (id, send time) to the queue:
        the ones due now in one task, each later one scheduled for its time. Deliveries keep
        their state in their own rows (attempts), so no job events are written for them; a task
        lost before it reached the queue is found by the next worker's start (`settle`)."""
        if not deliveries:
            return

        def hand_over() -> None:
            now = utcnow()
            try:
                due = [delivery_id for delivery_id, at in deliveries if at <= now]
                if due:
                    self._deliver(delivery_ids=due)
                for delivery_id, at in deliveries:
                    if at > now:
                        self._deliver.schedule(kwargs={"delivery_ids": [delivery_id]}, eta=at)
            except Exception:  # noqa: BLE001 - committed already; the next settle finds them
                log.exception("could not queue %d deliveries", len(deliveries))

        after_commit(session, hand_over)
    def enqueue_forward(self, session: Session, *, organisation_key: str, name: str,
                        actor: str) -> str:
        """Queue forwarding of every statement the target `name` has not acknowledged yet."""
        job_id = uuid.uuid4().hex
        self._enqueue(session, self._forward, job_id=job_id, organisation_key=organisation_key,
                      actor=actor, details={"forward": name}, name=name)
        return job_id

    def _enqueue(self, session: Session, task: Any, *, job_id: str, organisation_key: str,
                 actor: str, details: dict[str, Any], **arguments: Any) -> None:
        """Record job.queued in the caller's transaction, then hand the task to the queue.

        The job exists once the caller commits; a queue that refuses the task raises, so the
        caller's transaction (and its job.queued) rolls back and no job is left half-made. The
        event's id is taken before the task exists, so a fast worker's job.started sorts after it.
        """
        name = task.task_class.__name__
        organisation = self.workspace.organisation(session, organisation_key)
        EventLog(session, organisation.id).record(
            JobEventKind.QUEUED, actor=actor, subject_type=JOB_SUBJECT, subject_id=job_id,
            payload={"task": name, **details})
        try:
            task(job_id=job_id, organisation_key=organisation_key, actor=actor, **arguments)
        except Exception as error:
            log.exception("could not queue job %s", job_id)
            message = f"the job queue did not accept the job: {type(error).__name__}"
            raise ProviderError(message) from error

    def status(self, session: Session, *, organisation_id: int, job_id: str) -> JobStatus:
        events = EventLog(session, organisation_id).about(JOB_SUBJECT, job_id,
                                                          kinds=JOB_EVENT_KINDS)
        found = job_status(job_id, events)
        if found is None:
            raise NotFoundError(f"no job with id {job_id!r}")
        return found

    # -- running (worker side) ---------------------------------------------------------------

    @contextmanager
    def _transaction(self, organisation_key: str) -> Iterator[tuple[Session, int]]:
        """One committed transaction of the job's, with the id of the organisation it is for."""
        with self.workspace.session() as session:
            yield session, self.workspace.organisation(session, organisation_key).id

    def _record(self, kind: str, *, job_id: str, organisation_key: str, actor: str,
                payload: dict[str, Any]) -> None:
        with self._transaction(organisation_key) as (session, organisation_id):
            EventLog(session, organisation_id).record(
                kind, actor=actor, subject_type=JOB_SUBJECT, subject_id=job_id, payload=payload)

    def _run(self, name: str, work: Callable[[], dict[str, Any]], *, job_id: str,
             organisation_key: str, actor: str) -> None:
        """Run one job, recording its start and its outcome; a failure never escapes to Huey."""
        worker = _worker_identity()
        self._record(JobEventKind.STARTED, job_id=job_id, organisation_key=organisation_key,
                     actor=actor, payload={"task": name, "worker": worker})
        try:
            result = work()
        except Exception as error:  # noqa: BLE001 - recorded as the job's outcome
            if not isinstance(error, LearnloopError):
                log.exception("job %s (%s) failed", job_id, name)
            outcome = {"task": name, "worker": worker, "error": _error_payload(error)}
            self._record(JobEventKind.FAILED, job_id=job_id, organisation_key=organisation_key,
                         actor=actor, payload=outcome)
            return
        kind = JobEventKind.FAILED if result.get("error") else JobEventKind.COMPLETED
        self._record(kind, job_id=job_id, organisation_key=organisation_key, actor=actor,
                     payload={"task": name, "worker": worker, **result})

    def _import_file(self, *, job_id: str, organisation_key: str, actor: str, kind: str,
                     path: str, dry_run: bool, display_name: str) -> None:
        from learnloop.agents.sensing_arrivals import sense_after_import
        from learnloop.delivery.moments import detections_tripped
        from learnloop.importing import ImportLimits, import_file

        def work() -> dict[str, Any]:
            settings = self.workspace.settings
            with self._transaction(organisation_key) as (session, organisation_id):
                result, sensed = sense_after_import(
                    session, organisation_id=organisation_id, kind=kind, dry_run=dry_run,
                    run=lambda: import_file(
                        session, organisation_id=organisation_id, kind=kind, path=Path(path),
                        dry_run=dry_run, actor=actor, display_name=display_name,
                        limits=ImportLimits.from_settings(settings)),
                    settings=settings)
                if sensed is not None and sensed.detections:
                    self.enqueue_deliveries(session, detections_tripped(
                        session, organisation_id=organisation_id, settings=settings))
            return {"result": result.summary()}

        try:
            self._run(IMPORT_TASK, work, job_id=job_id, organisation_key=organisation_key,
                      actor=actor)
        finally:
            # the copy was only kept for this job; the import itself is in the database now
            shutil.rmtree(Path(path).parent, ignore_errors=True)

    def _run_loop(self, *, job_id: str, organisation_key: str, actor: str) -> None:
        from learnloop.agents import agent_options, registered_agents, run_loop
        from learnloop.delivery.moments import detections_tripped
        from learnloop.delivery.reinforcement import announce_due

        def work() -> dict[str, Any]:
            with self._transaction(organisation_key) as (session, organisation_id):
                report = run_loop(session, organisation_id=organisation_id,
                                  agents=registered_agents(), actor=actor,
                                  options=agent_options(self.workspace.settings))
                # new detections may trip moment-of-need rules, and review items fall due:
                # deliver both after this commit
                settings = self.workspace.settings
                self.enqueue_deliveries(session, [
                    *detections_tripped(session, organisation_id=organisation_id,
                                        settings=settings),
                    *announce_due(session, organisation_id=organisation_id, settings=settings)])
            result: dict[str, Any] = {"result": {
                "agents": {line.agent: line.summary for line in report.reports},
                "failures": report.failures}}
            if not report.ok:
                result["error"] = {"type": "agent_failed", "problems": [],
                                   "message": f"{len(report.failures)} agent(s) failed: "
                                              + ", ".join(sorted(report.failures))}
            return result

        self._run(LOOP_TASK, work, job_id=job_id, organisation_key=organisation_key, actor=actor)


    # -- deliveries (worker side) ------------------------------------------------------------

    @cached_property
    def channels(self) -> dict[str, Any]:
        from learnloop.connectors.channels import channels_from_settings

        return channels_from_settings(self.workspace.settings)

    def deliver(self, delivery_ids: Sequence[int]) -> list[Any]:
        """Send each delivery once (its own transactions); schedule a retry after a back-off."""
        from learnloop.delivery.sending import send_delivery

        settings = self.workspace.settings
        results = []
        for delivery_id in delivery_ids:
            sent = send_delivery(self.workspace.session, delivery_id=delivery_id,
                                 channels=self.channels,
                                 max_attempts=settings.delivery_max_attempts,
                                 backoff_seconds=settings.delivery_backoff_seconds)
            if sent.retry_in is not None:
                self._deliver.schedule(kwargs={"delivery_ids": [delivery_id]},
                                       delay=sent.retry_in)
            results.append(sent)
        return results

    def _deliver_now(self, *, delivery_ids: list[int]) -> None:
        try:
            self.deliver(delivery_ids)
        except Exception:  # noqa: BLE001 - the rows keep the state; the next settle retries
            log.exception("delivery task failed")

    def settle(self) -> int:
        """When a worker starts: settle attempts a dead worker left open, queue what is due.
        Returns how many deliveries were queued."""
        from learnloop.delivery.sending import due_now, reconcile

        reconcile(self.workspace.session, channels=self.channels)
        due = [delivery_id for _, delivery_id in due_now(self.workspace.session)]
        if due:
            self._deliver(delivery_ids=due)
        return len(due)
    def _forward_statements(self, *, job_id: str, organisation_key: str, actor: str,
                            name: str) -> None:
        self._run(FORWARD_TASK, lambda: {"result": forward_pending(
            self.workspace, organisation_key=organisation_key, name=name)},
                  job_id=job_id, organisation_key=organisation_key, actor=actor)


def forward_pending(workspace: Workspace, *, organisation_key: str, name: str) -> dict[str, Any]:
    """Forward, batch by batch, every statement the target has not acknowledged; each batch's
    acknowledgement commits on its own, so a failure keeps what went before. A batch is tried
    LEARNLOOP_LRS_FORWARD_ATTEMPTS times with a doubling pause; then the error is recorded on
    the target and raised (ProviderError)."""
    from learnloop.xapi.forwarding import forward_batch, record_failure, remote_of

    settings = workspace.settings
    with workspace.session() as session:
        organisation_id = workspace.organisation(session, organisation_key).id
        remote = remote_of(session, organisation_id=organisation_id, name=name)
    sent = batches = 0
    try:
        while True:
            for attempt in range(settings.lrs_forward_attempts):
                try:
                    with workspace.session() as session:
                        count = forward_batch(session, organisation_id=organisation_id,
                                              name=name, remote=remote,
                                              batch_size=settings.lrs_forward_batch)
                    break
                except ProviderError as error:
                    if attempt + 1 == settings.lrs_forward_attempts:
                        with workspace.session() as session:
                            record_failure(session, organisation_id=organisation_id, name=name,
                                           error=error.message)
                        raise
                    log.warning("forwarding to %s: %s; trying again", name, error.message)
                    time.sleep(FORWARD_FIRST_PAUSE_SECONDS * 2 ** attempt)
            if count == 0:
                return {"forward": name, "sent": sent, "batches": batches}
            sent += count
            batches += 1
    finally:
        remote.close()


def save_upload(upload: BinaryIO, *, folder: Path, filename: str,
                max_bytes: int | None = None) -> Path:
    """Copy an uploaded file into `folder` under a safe version of its name; TooLargeError (and
    nothing left behind) once more than `max_bytes` have come, however the upload arrived."""
    path = folder / safe_file_name(filename)
    copied = 0
    with path.open("wb") as copy:
        while chunk := upload.read(_COPY_CHUNK):
            copied += len(chunk)
            if max_bytes is not None and copied > max_bytes:
                copy.close()
                path.unlink()
                raise TooLargeError(f"{path.name}: the upload is larger than {max_bytes:,} bytes, "
                                    "the most this server accepts (LEARNLOOP_MAX_UPLOAD_BYTES)")
            copy.write(chunk)
    return path


def safe_file_name(filename: str) -> str:
    """The upload's base name, stripped of anything that could leave the job's folder."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename.replace("\\", "/")).name).lstrip(".")
    return base or "upload"


class _EmbeddedConsumer(Consumer):
    """A consumer living inside another program (the API server), which owns the signals."""

    def _set_signal_handlers(self) -> None:
        pass


class _WorkerConsumer(Consumer):
    """The `learnloop worker` consumer: SIGINT and SIGTERM both let running jobs finish."""

    def __init__(self, huey: Huey, **options: Any) -> None:
        super().__init__(huey, **options)
        # (restart, graceful); a second signal of the same kind interrupts the wait
        self._signal_actions = {signal.SIGINT: (False, True), signal.SIGTERM: (False, True)}


def _consumer_options(workers: int) -> dict[str, Any]:
    return {"workers": workers, "worker_type": "thread", "periodic": False,
            "max_delay": MAX_POLL_SECONDS, "shutdown_timeout": SHUTDOWN_TIMEOUT_SECONDS}


def start_in_process(queue: JobQueue, *, workers: int = 1) -> Consumer:
    """Consume jobs on threads of this process (the API server's lifespan starts and stops it)."""
    consumer = _EmbeddedConsumer(queue.huey, **_consumer_options(workers))
    _settle(queue)
    consumer.start()
    return consumer


def stop_in_process(consumer: Consumer) -> None:
    """Let running jobs finish (up to the shutdown timeout), then stop."""
    consumer.stop(graceful=True)
    consumer.huey.notify_interrupted_tasks()


def _settle(queue: JobQueue) -> None:
    try:
        queued = queue.settle()
    except Exception:  # noqa: BLE001 - a worker still starts; deliveries wait for the next one
        log.exception("could not settle deliveries at start")
        return
    if queued:
        log.info("queued %d due deliveries at start", queued)


def _check_redis_answers(huey: Huey, settings: Settings) -> None:
    """Refuse to start a worker whose Redis does not answer: once running, the consumer retries
    through an outage, but a worker that never reached its queue is a configuration mistake."""
    if not settings.redis_url:
        return
    import redis

    try:
        huey.storage.conn.ping()
    except redis.RedisError as error:
        message = f"cannot reach Redis at {mask_url(settings.redis_url)}: {error}"
        raise ConfigError(message) from error


def run_worker(workspace: Workspace, *, workers: int) -> None:
    """Consume jobs until SIGINT or SIGTERM; blocks. Used by `learnloop worker`."""
    logging.basicConfig(level=workspace.settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    queue = JobQueue(workspace)
    _check_redis_answers(queue.huey, workspace.settings)
    log.info("learnloop worker (pid %s) consuming %s with %d thread(s)", os.getpid(),
             "Redis" if workspace.settings.redis_url else workspace.settings.jobs_database_path,
             workers)
    _settle(queue)
    _WorkerConsumer(queue.huey, **_consumer_options(workers)).run()
