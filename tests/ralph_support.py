"""A real Ralph LRS (ralph-malph 5.1.0, file-system backend) on 127.0.0.1, for the
interoperability test and benchmarks/lrs.py.

Ralph pins its own FastAPI, Uvicorn and httpx, which clash with learnloop's, so it lives in a
virtual environment of its own: LEARNLOOP_RALPH_VENV, else `.ralph-venv` at the repository root,
created with pip the first time it is needed (`ralph_python()` says None when that fails).
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from server_support import free_port

RALPH = "ralph-malph[cli,lrs]==5.1.0"
# Ralph 5.1.0's OIDC module imports requests, which none of its extras installs
EXTRA = ("requests",)
ROOT = Path(__file__).resolve().parents[1]
SECONDS = 60


def _venv() -> Path:
    return Path(os.environ.get("LEARNLOOP_RALPH_VENV", ROOT / ".ralph-venv"))


def ralph_python() -> tuple[Path | None, str]:
    """The Ralph environment's `ralph` command (installing it if need be), or None and why."""
    venv = _venv()
    command = venv / "bin" / "ralph"
    if command.exists():
        return command, ""
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                       capture_output=True, timeout=300)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", RALPH, *EXTRA], check=True,
                       capture_output=True, timeout=900)
    except (subprocess.SubprocessError, OSError) as error:
        return None, f"could not install {RALPH} into {venv}: {error}"
    return command, ""


@dataclass
class Ralph:
    base: str
    username: str
    password: str
    process: subprocess.Popen

    @property
    def headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


# Ralph 5.1.0's file-system backend writes with operation type CREATE, which refuses an existing
# file: every POST after the first that holds a new statement answers 500 ("bulk indexation
# failed"). The workaround, loaded at Ralph's start: append instead. Nothing else is changed.
APPEND_PATCH = """
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend
FSDataBackend.default_operation_type = BaseOperationType.APPEND
"""


@contextmanager
def ralph_server(command: Path, folder: Path, *, append: bool = True) -> Iterator[Ralph]:
    """Ralph's LRS with an `all`-scoped user, its statements in `folder`/data; `append` applies
    the workaround above (without it only the first write to the store succeeds)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RALPH_APP_DIR": str(folder / "app"),
           "RALPH_AUTH_FILE": str(folder / "auth.json"), "RALPH_RUNSERVER_BACKEND": "fs"}
    env.pop("PYTHONPATH", None)
    if append:
        (folder / "patch").mkdir(exist_ok=True)
        (folder / "patch" / "sitecustomize.py").write_text(APPEND_PATCH)
        env["PYTHONPATH"] = str(folder / "patch")
    username, password = "learnloop", "ralph-secret"
    subprocess.run([str(command), "auth", "-u", username, "-p", password, "-s", "all",
                    "-M", "mailto:learnloop@example.com", "-w"], env=env, check=True,
                   capture_output=True, timeout=SECONDS)
    port = free_port()
    log = (folder / "ralph.log").open("w")
    process = subprocess.Popen(
        [str(command), "runserver", "-b", "fs", "--fs-default-directory-path",
         str(folder / "data"), "-h", "127.0.0.1", "-p", str(port)],
        # in its own folder: `ralph runserver` reloads when files under its working folder change
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    log.close()
    ralph = Ralph(base=f"http://127.0.0.1:{port}", username=username, password=password,
                  process=process)
    try:
        deadline = time.monotonic() + SECONDS
        while True:
            if process.poll() is not None:
                raise AssertionError((folder / "ralph.log").read_text()[-3000:])
            try:
                if httpx.get(f"{ralph.base}/whoami", headers=ralph.headers,
                             timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("Ralph did not answer in time")
            time.sleep(0.2)
        yield ralph
    finally:
        process.terminate()
        try:
            process.wait(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
