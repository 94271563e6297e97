"""`learnloop serve --processes 2`, on SQLite and PostgreSQL: two server processes share the port,
concurrent statement writes through both are stored exactly once, and reads see them all."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from load_support import SECONDS, Server, _environment, create_lrs_client, stored_statement_ids
from xapi_support import statement

POSTERS = 6
POSTS = 15
BATCH = 10


def _workers(server: Server, count: int) -> list[int]:
    """The server's worker processes (not multiprocessing's resource tracker), once `count` of
    them have started their application."""
    deadline = time.monotonic() + SECONDS
    while server.log().count("Application startup complete.") < count:
        assert time.monotonic() < deadline, server.log()
        time.sleep(0.1)
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children
            if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes()]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / 100


def _post(server: Server, headers: dict[str, str], acknowledged: list[str],
          refused: list[str]) -> None:
    # a connection per post: the kernel hands each new connection to either process
    for _ in range(POSTS):
        batch = [statement(learner=n) for n in range(BATCH)]
        response = httpx.post(f"{server.base}/xapi/statements", json=batch, headers=headers,
                              timeout=SECONDS)
        if response.status_code == 200 and response.json() == [item["id"] for item in batch]:
            acknowledged.extend(item["id"] for item in batch)
        else:
            refused.append(f"{response.status_code} {response.text[:200]}")


def test_two_server_processes_store_concurrent_writes_exactly_once(
        tmp_path: Path, database_url: str) -> None:
    home = tmp_path / "home"
    headers = create_lrs_client(home, database_url)
    server = Server(home=home, database_url=database_url, processes=2)
    server.start()
    try:
        workers = _workers(server, 2)
        assert len(workers) == 2, server.log()
        before = {pid: _cpu_seconds(pid) for pid in workers}
        acknowledged: list[list[str]] = [[] for _ in range(POSTERS)]
        refused: list[str] = []
        posters = [threading.Thread(target=_post, args=(server, headers, acknowledged[n],
                                                        refused)) for n in range(POSTERS)]
        for poster in posters:
            poster.start()
        for poster in posters:
            poster.join()
        assert refused == []
        every = [key for keys in acknowledged for key in keys]
        assert len(every) == POSTERS * POSTS * BATCH
        # both processes answered: each spent CPU on requests
        assert all(_cpu_seconds(pid) > before[pid] + 0.05 for pid in workers), server.log()
        answer = httpx.get(f"{server.base}/xapi/statements", params={"limit": 1},
                           headers={**headers, "X-Experience-API-Version": "1.0.3"},
                           timeout=SECONDS)
        assert answer.status_code == 200 and len(answer.json()["statements"]) == 1
    finally:
        server.stop()
    assert server.process.returncode == 0 and not any(
        Path(f"/proc/{pid}").exists() for pid in workers), "a worker outlived the server"
    stored = stored_statement_ids(tmp_path / "reader", database_url)
    assert all(stored[key] == 1 for key in every) and len(stored) == len(every)


def test_jobs_are_left_to_learnloop_worker_when_serving_several_processes(
        tmp_path: Path) -> None:
    # processes consuming jobs would race one another: the server says where they run instead
    # (an address that cannot be bound ends it right after)
    done = subprocess.run(
        [sys.executable, "-m", "learnloop.cli", "serve", "--port", "1", "--processes", "2",
         "--host", "256.0.0.1"],
        env=_environment(tmp_path / "home", None), capture_output=True, text=True,
        timeout=SECONDS)
    assert "run `learnloop worker` beside it" in " ".join(done.stderr.split())
    assert done.returncode != 0
