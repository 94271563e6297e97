"""The long-running commands in processes of their own, as they run in production: `serve`
answers HTTP and runs jobs on its in-process consumer, `worker` consumes the SQLite queue; both
stop cleanly on SIGTERM. Every wait is bounded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from cli_support import succeeded
from learnloop.config import Settings
from learnloop.domain.jobs import JobState, JobStatus
from learnloop.jobs import JobQueue
from learnloop.workspace import Workspace
from server_support import free_port

SECONDS = 30  # the longest any step may take before the test fails


@contextmanager
def _learnloop(home: Path, *arguments: str) -> Iterator[subprocess.Popen]:
    """`learnloop ARGUMENTS…` in a process of its own; killed if the test leaves it running."""
    log = (home.parent / "process.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "learnloop.cli", *arguments],
        env={**os.environ, "LEARNLOOP_HOME": str(home)}, stdout=log, stderr=subprocess.STDOUT,
        text=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def _output(home: Path) -> str:
    return (home.parent / "process.log").read_text()


def _stopped_by_sigterm(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=SECONDS)


def _until(check, *, process: subprocess.Popen, home: Path):  # noqa: ANN001, ANN202
    """Poll `check` until it returns something; fail with the process's output otherwise."""
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{_output(home)}")
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up after {SECONDS} s:\n{_output(home)}")


def test_serve_answers_runs_a_job_in_process_and_stops_on_sigterm(tmp_path: Path) -> None:
    home = tmp_path / "home"  # the test's LEARNLOOP_HOME, so the token is in the served database
    secret = succeeded("token", "create", "--role", "ld").stdout.strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with _learnloop(home, "serve", "--port", str(port)) as server:

        def health() -> httpx.Response | None:
            try:
                return httpx.get(f"{base}/api/health", timeout=1)
            except httpx.TransportError:
                return None

        assert _until(health, process=server, home=home).status_code == 200
        headers = {"Authorization": f"Bearer {secret}"}
        job_id = httpx.post(f"{base}/api/loop/run", headers=headers).json()["job_id"]

        def finished() -> dict | None:
            job = httpx.get(f"{base}/api/jobs/{job_id}", headers=headers).json()
            return job if job["state"] in ("done", "failed") else None

        job = _until(finished, process=server, home=home)
        assert job["state"] == "done" and job["worker"]["pid"] == server.pid
        # uvicorn shuts down gracefully, then re-raises SIGTERM so the process ends by it
        assert _stopped_by_sigterm(server) in (0, -signal.SIGTERM)
    output = _output(home)
    assert f"console on http://127.0.0.1:{port}" in output
    assert "Application shutdown complete" in output


def test_worker_consumes_the_sqlite_queue_and_stops_on_sigterm(tmp_path: Path) -> None:
    home = tmp_path / "home"
    workspace = Workspace.open(Settings(home=home))
    try:
        queue = JobQueue(workspace)
        with workspace.session() as session:
            job_id = queue.enqueue_loop(session, organisation_key="default", actor="test")
        with _learnloop(home, "worker", "--workers", "1") as worker:

            def finished() -> JobStatus | None:
                with workspace.session() as session:
                    status = queue.status(session, job_id=job_id,
                                          organisation_id=workspace.organisation(session).id)
                return status if status.state in (JobState.DONE, JobState.FAILED) else None

            status = _until(finished, process=worker, home=home)
            assert status.state is JobState.DONE, status
            assert status.worker["pid"] == worker.pid
            assert _stopped_by_sigterm(worker) == 0
    finally:
        workspace.close()


def test_serve_on_a_port_in_use_fails_and_says_so(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with _learnloop(home, "serve", "--port", str(port), "--no-worker") as server:
            assert server.wait(timeout=SECONDS) != 0
    assert "address already in use" in _output(home).lower()
