"""A server process, one alone (`learnloop serve`) or one of several (`--processes`), sets up
Python for serving once its application is built: short GIL turns, the application frozen out of
the cycle collector's sight, a larger youngest generation. Each runs in a fresh interpreter here:
the settings are process-wide."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from learnloop.serving.interpreter import SWITCH_INTERVAL_SECONDS, YOUNG_OBJECTS_PER_COLLECTION
from load_support import _environment

_REPORT = """
import gc, json, sys
def report(*_args, **_kwargs):
    print(json.dumps({"frozen": gc.get_freeze_count(), "young": gc.get_threshold()[0],
                      "switch": sys.getswitchinterval()}))
"""

_ONE_PROCESS = _REPORT + """
import uvicorn
from learnloop.cli.serve import _serve
from learnloop.config import load_settings
from learnloop.workspace import Workspace
uvicorn.run = report  # the application is built and the process set up; no need to serve
_serve(Workspace.open(load_settings()), host="127.0.0.1", port=1, worker=False)
"""

_ONE_OF_SEVERAL = _REPORT + """
from learnloop.config import load_settings
from learnloop.serving.processes import served_app
from learnloop.workspace import Workspace
Workspace.open(load_settings()).close()  # migrated first, as the parent process does
before = gc.get_freeze_count()
served_app()
assert before == 0, before
report()
"""


def _run(script: str, home: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", script], env=_environment(home, None),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_lone_server_process_and_one_of_several_are_set_up_for_serving(tmp_path: Path) -> None:
    for script in (_ONE_PROCESS, _ONE_OF_SEVERAL):
        state = _run(script, tmp_path / "home")
        # the application's objects (tens of thousands at least) are out of the collector's sight
        assert state["frozen"] > 20_000, state
        assert state["young"] == YOUNG_OBJECTS_PER_COLLECTION > 700
        assert state["switch"] == SWITCH_INTERVAL_SECONDS
