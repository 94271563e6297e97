"""One of several server processes sharing a port (`learnloop serve --processes N`).

Uvicorn's supervisor starts each process afresh and asks `served_app` for its application: the
process opens the workspace of the environment's settings (the parent migrated it already) and
serves it. Each process has its own GIL, event loop, connections and admission turns; SQLite's
file lock orders writers across them, PostgreSQL lets them write side by side. Background jobs
run in `learnloop worker`, not in these processes.
"""

from __future__ import annotations

from fastapi import FastAPI

from learnloop.config import load_settings
from learnloop.serving.app import create_app
from learnloop.serving.interpreter import tune_server_process
from learnloop.workspace import Workspace

__all__ = ["served_app"]


def served_app() -> FastAPI:
    """The application of one server process among several (a uvicorn factory)."""
    application = create_app(Workspace.open(load_settings(), migrate=False), consume_jobs=False)
    tune_server_process()
    return application
