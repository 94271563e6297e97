"""Background jobs: queued through the API, run by a consumer in this process or a separate worker.

The Redis test starts a real `learnloop worker` process and checks it, not the test, did the work.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_support import bearer, build_org, secret_for
from conftest import make_settings
from learnloop.domain.events import Event
from learnloop.domain.jobs import JobState, job_status
from learnloop.jobs import QUEUE_NAME, JobQueue, build_huey
from learnloop.serving.app import create_app
from learnloop.store.event_log import EventLog
from learnloop.workspace import Workspace

REDIS_DB = int(os.environ.get("LEARNLOOP_TEST_REDIS_DB", "11"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


def _wait_for_job(client: TestClient, job_id: str, headers: dict, *, seconds: float = 30.0,
                  worker: subprocess.Popen | None = None) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (worker is None or worker.poll() is None):
        job = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} not finished; worker exit code "
                       f"{worker.poll() if worker else None}")


def _events(workspace: Workspace, kind: str) -> list[Event]:
    with workspace.session() as session:
        return EventLog(session, workspace.organisation(session).id).recent(kinds=[kind])


def test_loop_run_job_runs_on_the_in_process_consumer(workspace) -> None:
    headers = bearer(secret_for(workspace, "ld"))
    with TestClient(create_app(workspace, consume_jobs=True)) as client:
        response = client.post("/api/loop/run", headers=headers)
        assert response.status_code == 202
        job_id = response.json()["job_id"]
        assert response.json()["status_url"] == f"/api/jobs/{job_id}"
        job = _wait_for_job(client, job_id, headers)
    assert job["state"] == "done", job
    assert job["task"] == "run_loop" and job["worker"]["pid"] == os.getpid()
    # the registered agents ran, finding nothing in an empty organisation
    assert job["result"]["failures"] == {}
    assert job["result"]["agents"]["sensing"] == ("0 new detections; 0 series-weeks evaluated "
                                                  "(0 series resumed, 0 rebuilt)")
    assert job["result"]["agents"]["skills"].startswith("0 proficiencies")
    assert [e.actor for e in _events(workspace, "loop.completed")] == ["token:ld"]


def test_unknown_job_is_404(sqlite_workspace) -> None:
    client = TestClient(create_app(sqlite_workspace))
    response = client.get("/api/jobs/nope", headers=bearer(secret_for(sqlite_workspace, "admin")))
    assert response.status_code == 404 and response.json()["error"]["type"] == "not_found"


def test_queued_job_waits_for_a_consumer(sqlite_workspace) -> None:
    headers = bearer(secret_for(sqlite_workspace, "admin"))
    client = TestClient(create_app(sqlite_workspace, consume_jobs=False))
    job_id = client.post("/api/loop/run", headers=headers).json()["job_id"]
    time.sleep(0.3)
    assert client.get(f"/api/jobs/{job_id}", headers=headers).json()["state"] == "queued"
    assert len(build_huey(sqlite_workspace.settings)) == 1  # still in the SQLite queue


def test_a_job_is_queued_when_the_callers_transaction_commits(sqlite_workspace) -> None:
    queue = JobQueue(sqlite_workspace)
    with sqlite_workspace.session() as session:
        job_id = queue.enqueue_loop(session, organisation_key="default", actor="test")
    with sqlite_workspace.session() as session:
        status = queue.status(session, job_id=job_id,
                              organisation_id=sqlite_workspace.organisation(session).id)
    assert status.state is JobState.QUEUED and status.task == "run_loop"


CSV = ("id,metric,subject_type,subject,observed_at,value,source\n"
       "c1,renewal_rate,team,sales,2025-04-01,90,crm\n")


def test_background_upload_is_copied_into_the_workspace_and_imported(workspace) -> None:
    build_org(workspace)
    headers = bearer(secret_for(workspace, "integration"))
    with TestClient(create_app(workspace, consume_jobs=True)) as client:
        good = client.post("/api/imports/signals", headers=headers, params={"background": True},
                           files={"file": ("../../kpis.csv", CSV.encode(), "text/csv")})
        assert good.status_code == 202
        bad = client.post("/api/imports/signals", headers=headers, params={"background": True},
                          files={"file": ("bad.csv", CSV.replace("sales", "x").encode())})
        done = _wait_for_job(client, good.json()["job_id"], headers)
        failed = _wait_for_job(client, bad.json()["job_id"], headers)
    assert done["state"] == "done", done
    assert done["result"]["created"] == 1 and done["result"]["file"] == "kpis.csv"
    assert {event.payload["file"] for event in _events(workspace, "job.queued")} == {
        "kpis.csv", "bad.csv"}
    assert failed["state"] == "failed"
    assert failed["error"]["type"] == "InputError"
    assert failed["error"]["problems"][0]["field"] == "subject"
    # the copies lived in the workspace only while their jobs needed them
    uploads = workspace.settings.workspace / "uploads"
    assert uploads.is_dir() and list(uploads.iterdir()) == []


def test_a_final_job_state_stays_final() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    events = [Event(kind=kind, actor="t", payload={"task": "run_loop"}, id=i, occurred_at=at)
              for i, kind in enumerate(["job.queued", "job.started", "job.failed",
                                        "job.started"], start=1)]
    status = job_status("j", reversed(events))
    assert status is not None and status.state is JobState.FAILED
    assert job_status("j", []) is None


def test_redis_url_selects_the_redis_queue(tmp_path: Path) -> None:
    huey = build_huey(make_settings(tmp_path, redis_url=REDIS_URL))
    assert type(huey).__name__ == "RedisHuey" and huey.name == QUEUE_NAME
    assert type(build_huey(make_settings(tmp_path))).__name__ == "SqliteHuey"


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.redis
def test_separate_worker_process_runs_jobs_from_redis(tmp_path: Path) -> None:
    if not _redis_answers():
        pytest.skip(f"no Redis answering at {REDIS_URL}")
    database_url = f"sqlite:///{tmp_path / 'learnloop.db'}"
    workspace = Workspace.open(make_settings(tmp_path, database_url, redis_url=REDIS_URL))
    JobQueue(workspace).huey.flush()  # nothing left over from an earlier run of this test
    env = {**os.environ, "LEARNLOOP_HOME": str(tmp_path / "home"),
           "LEARNLOOP_DATABASE_URL": database_url, "LEARNLOOP_REDIS_URL": REDIS_URL}
    log = (tmp_path / "worker.log").open("w+")
    worker = subprocess.Popen([sys.executable, "-m", "learnloop.cli", "worker", "--workers", "1"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        headers = bearer(secret_for(workspace, "admin"))
        with TestClient(create_app(workspace, consume_jobs=False)) as client:
            job_id = client.post("/api/loop/run", headers=headers).json()["job_id"]
            try:
                job = _wait_for_job(client, job_id, headers, seconds=60, worker=worker)
            except TimeoutError as error:
                raise AssertionError((tmp_path / "worker.log").read_text()) from error
        assert job["state"] == "done", job
        assert job["worker"]["pid"] == worker.pid != os.getpid()
        assert len(_events(workspace, "loop.completed")) == 1
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0  # SIGTERM stops the worker cleanly
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        log.close()
        workspace.close()
