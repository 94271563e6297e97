"""Long-running commands: `serve` (API and console), `worker` (job consumer), and `demo`, which
builds the demo company and then serves it.

They keep their workspace open until the process stops.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from learnloop.cli.context import (
    OrgOption,
    err,
    open_workspace,
    opened_workspace,
    organisation_session,
    out,
    progress_bar,
)
from learnloop.cli.loop import run_agents
from learnloop.config import load_settings
from learnloop.workspace import Workspace

__all__ = ["demo", "serve", "worker"]


def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Bind address (default LEARNLOOP_HOST).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Port (default LEARNLOOP_PORT).")
    ] = None,
    worker: Annotated[
        bool,
        typer.Option("--worker/--no-worker", help="Also consume background jobs in this process."),
    ] = True,
    processes: Annotated[
        int,
        typer.Option("--processes", min=1, max=64,
                     help="Server processes sharing the port: more requests at once, on more "
                          "cores. Above 1, background jobs run in `learnloop worker` only."),
    ] = 1,
) -> None:
    """Serve the API (OpenAPI at /docs) and the console."""
    workspace = open_workspace()
    host, port = host or workspace.settings.host, port or workspace.settings.port
    worker = worker and workspace.settings.jobs_in_process
    if processes > 1:
        _serve_processes(workspace, host=host, port=port, processes=processes, worker=worker)
    else:
        _serve(workspace, host=host, port=port, worker=worker)


def _serve(workspace: Workspace, *, host: str, port: int, worker: bool) -> None:
    import uvicorn

    from learnloop.serving.app import create_app
    from learnloop.serving.interpreter import tune_server_process

    application = create_app(workspace, consume_jobs=worker)
    tune_server_process()
    out.print(f"console on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(application, host=host, port=port, log_level=workspace.settings.log_level.lower())


def _serve_processes(workspace: Workspace, *, host: str, port: int, processes: int,
                     worker: bool) -> None:
    """`processes` uvicorn workers, each serving the workspace migrated here (see
    `serving/processes.py`)."""
    import uvicorn

    log_level = workspace.settings.log_level.lower()
    workspace.close()  # each process opens its own
    if worker:
        err.print("background jobs are not run by a server of several processes: run "
                  "`learnloop worker` beside it", highlight=False)
    out.print(f"console on http://{host}:{port}  (API docs: http://{host}:{port}/docs), "
              f"{processes} processes")
    uvicorn.run("learnloop.serving.processes:served_app", factory=True, workers=processes,
                host=host, port=port, log_level=log_level)


def worker(
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Jobs run at the same time.")
    ] = 2,
) -> None:
    """Consume background jobs (imports, loop runs) until stopped; Redis when configured."""
    from learnloop.jobs import run_worker

    run_worker(open_workspace(), workers=workers)


def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the console afterwards.")
    ] = True,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same company.")
    ] = 7,
    people: Annotated[
        int, typer.Option("--people", min=60, help="Head count of the company.")
    ] = 400,
    org: OrgOption = None,
) -> None:
    """Generate a demo company, import it as a user would, run the loop, serve the console."""
    from learnloop.agents import agent_options, registered_agents
    from learnloop.demo import build_demo
    from learnloop.demo.delivery import DemoMailbox, plan_top_need

    settings = load_settings()
    mailbox = None
    if not settings.smtp_host:
        # no SMTP server configured: the demo starts one that keeps messages as files
        mailbox = DemoMailbox(settings.workspace / "demo" / "mailbox").start()
        os.environ["LEARNLOOP_SMTP_HOST"] = "127.0.0.1"
        os.environ["LEARNLOOP_SMTP_PORT"] = str(mailbox.port)
    # one transaction: a demo that fails part-way leaves nothing behind
    with organisation_session(org) as (workspace, session, organisation):
        with progress_bar() as progress:
            summary = build_demo(session, organisation=organisation, settings=workspace.settings,
                                 seed=seed, people=people, progress=progress)
        report = run_agents(session, organisation_id=organisation.id, agents=registered_agents(),
                            options=agent_options(workspace.settings))
        planned = plan_top_need(session, organisation_id=organisation.id,
                                settings=workspace.settings) if report.ok else None
    out.print(f"demo organisation {summary.organisation_name!r}: files in {summary.directory}")
    for failure in report.failures.values():
        err.print(f"[bold red]agent failed:[/] {failure}", highlight=False)
    if planned is not None:
        from learnloop.jobs import JobQueue

        with opened_workspace() as workspace:
            sent = JobQueue(workspace).deliver([delivery_id for delivery_id, _ in planned.queued])
        out.print(f"top need {planned.need_title!r}: plan demo-top-need, {planned.treated} "
                  f"treated, {planned.held_out} held out (they receive nothing); "
                  f"{sum(one.status == 'sent' for one in sent)} delivered in-app and by email"
                  + (f" (the demo's mailbox: {mailbox.folder})" if mailbox else ""),
                  markup=False, soft_wrap=True)
    out.print(
        f"sign in to the console with this admin token: {summary.admin_token}",
        markup=False,
        soft_wrap=True,
    )
    if mailbox is not None and not serve_after:
        mailbox.stop()
    if serve_after:
        workspace = open_workspace()
        _serve(workspace, host=workspace.settings.host, port=workspace.settings.port, worker=True)
