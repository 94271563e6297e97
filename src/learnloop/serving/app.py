"""Builds the web application for one workspace: API routers, console pages, static files, errors,
security headers, sessions, the sign-in throttle, request size limits and the turns at the
database.

`create_app(workspace, consume_jobs=True)` also runs a job consumer for the server's lifetime.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from learnloop import __version__
from learnloop.api.routes import ROUTERS
from learnloop.jobs import JobQueue, start_in_process, stop_in_process
from learnloop.serving.admission import Admission
from learnloop.serving.auth import SESSION_LIFETIME
from learnloop.serving.body_limit import RequestSizeLimit
from learnloop.serving.errors import install_error_handlers
from learnloop.serving.headers import SecurityHeaders
from learnloop.serving.throttle import SignInThrottle
from learnloop.web.rendering import STATIC, error_page
from learnloop.web.routes import router as console_router
from learnloop.workspace import Workspace
from learnloop.xapi.http import XapiVersionHeader
from learnloop.xapi.http import router as xapi_router

__all__ = ["create_app"]

IN_PROCESS_WORKERS = 2


class _LearnloopApp(FastAPI):
    def build_middleware_stack(self):  # type: ignore[no-untyped-def]
        # outside even the server-error layer, so a 500 carries the security headers too
        return SecurityHeaders(XapiVersionHeader(super().build_middleware_stack()))


def create_app(workspace: Workspace, *, consume_jobs: bool = False) -> FastAPI:
    jobs = JobQueue(workspace)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        consumer = start_in_process(jobs, workers=IN_PROCESS_WORKERS) if consume_jobs else None
        # SQLite's write-ahead log is copied back by a thread, never inside a request's commit
        workspace.database.checkpoint_in_background()
        try:
            yield
        finally:
            workspace.database.stop_checkpoints()
            if consumer is not None:
                stop_in_process(consumer)

    app = _LearnloopApp(
        title="learnloop", version=__version__, docs_url="/docs", lifespan=lifespan,
        description="The learnloop API. Authenticate with `Authorization: Bearer <token>`; each "
                    "operation lists the roles it admits and the error answers it can give.")
    app.state.workspace = workspace
    app.state.jobs = jobs
    app.state.sign_in_throttle = SignInThrottle()
    settings = workspace.settings
    app.state.admission = Admission.from_limits(
        writes=settings.concurrent_writes, reads=settings.concurrent_reads,
        waiting=settings.waiting_requests, wait_seconds=settings.wait_seconds)
    # signs the console's session cookie; refuses a default secret in production. The cookie
    # lasts no longer than the server-side session it carries.
    app.add_middleware(SessionMiddleware, secret_key=workspace.settings.session_secret(),
                       max_age=int(SESSION_LIFETIME.total_seconds()), same_site="lax",
                       https_only=workspace.settings.environment == "production")
    # bodies are counted as they arrive: an upload past its limit is never read whole
    app.add_middleware(RequestSizeLimit, upload_bytes=workspace.settings.max_upload_bytes,
                       body_bytes=workspace.settings.max_body_bytes)
    install_error_handlers(app, page=error_page)
    # the LRS first: a request is matched against the routes in order, and an LRS takes
    # statements at hundreds of requests a second (its paths, all under /xapi/, shadow none)
    app.include_router(xapi_router)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(console_router)
    # after the console router, so its own /static/... routes win over the folder
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app
