"""A learnloop server in a process of its own and a crowd of concurrent clients, on 127.0.0.1 only:
what the load tests, the SIGKILL test and benchmarks/load_webhook.py share."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from server_support import free_port

SECONDS = 60  # the longest a server may take to start


def _environment(home: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "LEARNLOOP_HOME": str(home)}
    if database_url:
        env["LEARNLOOP_DATABASE_URL"] = database_url
    return env


def create_lrs_client(home: Path, database_url: str | None) -> dict[str, str]:
    """Basic-auth headers of an LRS client made by `learnloop lrs client create --json` (which
    also migrates)."""
    from xapi_support import basic

    done = subprocess.run(
        [sys.executable, "-m", "learnloop.cli", "lrs", "client", "create", "--name", "load",
         "--scope", "statements/write,statements/read", "--json"],
        env=_environment(home, database_url), capture_output=True, text=True, timeout=SECONDS,
        check=True)
    found = json.loads(done.stdout)
    return basic(found["username"], found["password"])


def stored_statement_ids(home: Path, database_url: str | None) -> Counter[str]:
    """How many times each statement id is stored, read by a workspace of its own at `home`."""
    from sqlalchemy import select

    from learnloop.config import Settings
    from learnloop.store.tables import XapiStatement
    from learnloop.workspace import Workspace

    workspace = Workspace.open(Settings(home=home, database_url=database_url))
    try:
        with workspace.session() as session:
            return Counter(session.scalars(select(XapiStatement.statement_id)))
    finally:
        workspace.close()


def create_token(home: Path, *, database_url: str | None, role: str) -> str:
    """A token of `role` made by `learnloop token create` (which also migrates the database)."""
    command = [sys.executable, "-m", "learnloop.cli", "token", "create", "--role", role]
    done = subprocess.run(command, env=_environment(home, database_url), capture_output=True,
                          text=True, timeout=SECONDS, check=True)
    return done.stdout.strip().splitlines()[-1]


@dataclass
class Server:
    """`learnloop serve --no-worker` on a free port of 127.0.0.1; `restart()` starts it again."""

    home: Path
    database_url: str | None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    processes: int = 1  # `--processes`: above 1, uvicorn's supervisor and its workers

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.home.parent / "server.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "learnloop.cli", "serve", "--port", str(self.port),
             "--no-worker", "--processes", str(self.processes)],
            env=_environment(self.home, self.database_url),
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited with {self.process.returncode}:\n"
                                     f"{self.log()}")
            try:
                if httpx.get(f"{self.base}/api/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server did not answer in {SECONDS} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no rollback, no flush."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=SECONDS)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        path = self.home.parent / "server.log"
        return path.read_text()[-5000:] if path.exists() else ""


@contextmanager
def serving(home: Path, *, database_url: str | None) -> Iterator[Server]:
    server = Server(home=home, database_url=database_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def signal_batch(*ids: str, value: float = 1.0) -> dict[str, object]:
    """A webhook batch of organisation-wide signals (no people needed) with these ids."""
    return {"signals": [{"id": key, "metric": "load", "subject_type": "organisation",
                         "observed_at": "2025-03-01", "value": value, "source": "load-test"}
                        for key in ids]}


def signals_csv(*ids: str) -> bytes:
    rows = "".join(f"{key},load,organisation,,2025-03-02,2,load-test\n" for key in ids)
    return ("id,metric,subject_type,subject,observed_at,value,source\n" + rows).encode()


@dataclass(frozen=True, slots=True)
class Outcome:
    """One request's answer: status (0 when the connection failed), body, seconds taken."""

    status: int
    body: dict
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)


def send(client: httpx.Client, method: str, url: str, **options: object) -> Outcome:
    started = time.monotonic()
    try:
        response = client.request(method, url, **options)  # type: ignore[arg-type]
    except httpx.TransportError:
        return Outcome(0, {}, time.monotonic() - started)
    try:
        body = response.json()
    except ValueError:
        body = {"text": response.text[:200]}
    return Outcome(response.status_code, body if isinstance(body, dict) else {"items": body},
                   time.monotonic() - started, dict(response.headers))


def crowd(requests: list[Callable[[httpx.Client], Outcome]], *,
          timeout: float = 120) -> list[Outcome]:
    """Every request at once, one thread and one connection each; answers in request order."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=len(requests))
    with httpx.Client(timeout=timeout, limits=limits) as client, \
            ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(lambda request: request(client=client), requests))
