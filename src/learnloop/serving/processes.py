"""One of several server processes sharing a port (`learnloop serve --processes N`).

Uvicorn's supervisor starts each process afresh and asks `served_app` for its application: the
process opens the workspace of the environment's settings (the parent migrated it already) and
serves it. Each process has its own GIL, event loop, connections and admission turns; SQLite's
file lock orders writers across them, PostgreSQL lets them write side by side. Background jobs
run in `learnloop worker`, not in these processes.
"""

from __future__ import annotations

import sys

from fastapi import FastAPI

from learnloop.config import load_settings
from learnloop.serving.app import create_app
from learnloop.workspace import Workspace

__all__ = ["SWITCH_INTERVAL_SECONDS", "served_app"]

# how long a thread may keep the GIL while another waits for it (Python's default: 5 ms). A
# request thread holding SQLite's write gate gives the GIL up at every database call and must win
# it back from the threads busy parsing other requests; at 5 ms a turn, the gate's holder waited
# longer for the GIL than for the database. Half a millisecond keeps the gate's turns short.
SWITCH_INTERVAL_SECONDS = 0.0005


def served_app() -> FastAPI:
    """The application of one server process among several (a uvicorn factory)."""
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    return create_app(Workspace.open(load_settings(), migrate=False), consume_jobs=False)
