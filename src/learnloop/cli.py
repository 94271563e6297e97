"""The `learnloop` command: a thin Typer layer over the workspace, importers, jobs and server.

Every command turns a LearnloopError into a clear message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import DEFAULT_MARKUP_MODE, TyperGroup
from typer.main import get_command_from_info
from typer.models import CommandInfo

from learnloop.config import Settings, load_settings
from learnloop.errors import InputError, LearnloopError
from learnloop.workspace import Workspace

app = typer.Typer(
    help="learnloop: a learning operating system for workplace L&D.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema: migrate and inspect.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens: create, list and revoke.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")

out = Console()
err = Console(stderr=True)

OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organisation key (default: LEARNLOOP_ORGANISATION).")
]


@contextmanager
def _reported_errors() -> Iterator[None]:
    """Print a LearnloopError for a person to read and exit non-zero; other errors stay loud."""
    try:
        yield
    except InputError as error:
        err.print(f"[bold red]error:[/] {error.message}", highlight=False)
        for problem in error.problems:
            err.print(str(problem), markup=False, highlight=False)
        if error.total > len(error.problems):
            err.print(
                f"... and {error.total - len(error.problems)} more problems ({error.total} in all)",
                highlight=False,
            )
        raise typer.Exit(1) from None
    except LearnloopError as error:
        err.print(f"[bold red]error:[/] {error.message}", highlight=False)
        raise typer.Exit(1) from None


def _settings() -> Settings:
    with _reported_errors():
        return load_settings()


def _open_workspace() -> Workspace:
    with _reported_errors():
        return Workspace.open(_settings())


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


@app.command("config")
def show_config() -> None:
    """Print the effective configuration, secrets masked."""
    table = Table("setting", "value", title="learnloop configuration")
    for name, value in _settings().described().items():
        table.add_row(name, value)
    out.print(table)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (also done on every start)."""
    from learnloop.store.migrate import current_revision, upgrade

    workspace = Workspace.open(_settings(), migrate=False)
    with _reported_errors():
        before = current_revision(workspace.database)
        after = upgrade(workspace.database)
    out.print(f"database at revision {after} (was {before or 'empty'})")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision and the newest one this version knows."""
    from learnloop.store.migrate import current_revision, head_revision

    workspace = Workspace.open(_settings(), migrate=False)
    out.print(
        f"current: {current_revision(workspace.database) or 'empty'}  head: {head_revision()}"
    )


@app.command("status")
def status(org: OrgOption = None) -> None:
    """Print how many people, teams, skills, signals, sources and events the organisation holds."""
    from learnloop.store.overview import organisation_counts

    workspace = _open_workspace()
    with _reported_errors(), workspace.session() as session:
        organisation = workspace.organisation(session, org)
        counts = organisation_counts(session, organisation.id)
    table = Table("records", "count", title=f"{organisation.name} ({organisation.key})")
    for name, count in counts.items():
        table.add_row(name.replace("_", " "), f"{count:,}")
    out.print(table)


def _import_command(kind: str) -> Callable[..., None]:
    def command(
        path: Annotated[Path, typer.Argument(help="File (or folder, for sources) to import.")],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Validate only; write nothing.")
        ] = False,
        org: OrgOption = None,
    ) -> None:
        from learnloop.importing import ImportLimits, import_file

        workspace = _open_workspace()
        with _reported_errors(), _progress() as progress, workspace.session() as session:
            task = progress.add_task(f"{'checking' if dry_run else 'importing'} {kind}", total=None)
            result = import_file(
                session,
                organisation_id=workspace.organisation(session, org).id,
                kind=kind,
                path=path,
                limits=ImportLimits.from_settings(workspace.settings),
                dry_run=dry_run,
                actor="cli",
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        verb = "valid, nothing written" if dry_run else "imported"
        out.print(
            f"{kind}: {result.rows:,} rows {verb} — {result.created:,} new, "
            f"{result.updated:,} updated, {result.unchanged:,} unchanged"
        )

    return command


class _ImportCommands(TyperGroup):
    """One `learnloop import KIND` per registered importer, found only when `import` is used,
    so a broken importer plugin cannot stop `serve`, `worker` or `config` from starting."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(_importers())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        importer = _importers().get(name)
        if importer is None:
            return None
        info = CommandInfo(name=name, help=importer.description, callback=_import_command(name))
        return get_command_from_info(info, pretty_exceptions_short=True,
                                     rich_markup_mode=DEFAULT_MARKUP_MODE)


def _importers() -> dict[str, type]:
    from learnloop.connectors.importers.registry import importers

    with _reported_errors():
        return importers()


import_app = typer.Typer(
    cls=_ImportCommands,
    help="Import an organisation's data from documented CSV/YAML/JSON files.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")


@token_app.command("create")
def token_create(
    role: Annotated[
        str, typer.Option("--role", help="admin, ld, reviewer, manager, learner or integration.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="A label to recognise the token by.")
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Person key (required for manager and learner).")
    ] = None,
    org: OrgOption = None,
) -> None:
    """Create an API token; the secret is printed once and stored only as a hash."""
    from learnloop.tokens import issue_token

    workspace = _open_workspace()
    with _reported_errors(), workspace.session() as session:
        organisation = workspace.organisation(session, org)
        issued = issue_token(
            session,
            organisation_id=organisation.id,
            role=role,
            name=name,
            person_key=person,
            actor="cli",
        )
    err.print(
        f"token {issued.name!r} (id {issued.id}, role {issued.role}) created; "
        "store it now, it is not shown again:"
    )
    out.print(issued.secret, markup=False, highlight=False, soft_wrap=True)


@token_app.command("list")
def token_list(org: OrgOption = None) -> None:
    """List the organisation's tokens (never their secrets)."""
    from learnloop.tokens import list_tokens

    workspace = _open_workspace()
    with _reported_errors(), workspace.session() as session:
        organisation = workspace.organisation(session, org)
        tokens = list_tokens(session, organisation_id=organisation.id)
    table = Table("id", "name", "role", "person", "prefix", "created", "last used", "revoked")
    for token in tokens:
        table.add_row(
            str(token.id),
            token.name,
            token.role,
            token.person_key or "",
            token.prefix,
            f"{token.created_at:%Y-%m-%d %H:%M}",
            f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "",
            f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "",
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Token id from `learnloop token list`.")],
    org: OrgOption = None,
) -> None:
    """Revoke a token: it stops working at once."""
    from learnloop.tokens import revoke_token

    workspace = _open_workspace()
    with _reported_errors(), workspace.session() as session:
        organisation = workspace.organisation(session, org)
        revoke_token(session, organisation_id=organisation.id, token_id=token_id, actor="cli")
    out.print(f"token {token_id} revoked")


@app.command("loop")
def loop(org: OrgOption = None) -> None:
    """Run every registered agent once, in loop order (sense, decide, … measure)."""
    from learnloop.agents import registered_agents

    workspace = _open_workspace()
    with _reported_errors():
        agents = registered_agents()
        report = _run_loop_with_progress(workspace, agents, org)
    for line in report.reports:
        out.print(f"{line.agent}: {line.summary}")
    for name, failure in report.failures.items():
        err.print(f"[bold red]{name} failed:[/] {failure}", highlight=False)
    if not agents:
        out.print("no agents registered yet: the loop recorded its run and did nothing else")
    if not report.ok:
        raise typer.Exit(1)


def _run_loop_with_progress(workspace: Workspace, agents: list, org: str | None):  # noqa: ANN202
    from learnloop.agents import run_loop

    with _progress() as progress, workspace.session() as session:
        task = progress.add_task("running the loop", total=len(agents))
        report = run_loop(
            session,
            organisation_id=workspace.organisation(session, org).id,
            agents=agents,
            actor="cli",
            on_agent=lambda agent: progress.update(
                task, advance=1, description=f"{agent.stage}: {agent.name}"
            ),
        )
        progress.update(task, completed=len(agents), description="loop done")
    return report


@app.command("events")
def events(
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, newest first.")] = 20,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this event kind.")] = None,
    org: OrgOption = None,
) -> None:
    """Print the newest entries of the append-only event log."""
    from learnloop.store.event_log import EventLog

    workspace = _open_workspace()
    with _reported_errors(), workspace.session() as session:
        organisation = workspace.organisation(session, org)
        rows = EventLog(session, organisation.id).recent(
            limit=limit, kinds=[kind] if kind else None
        )
    table = Table("id", "time (UTC)", "actor", "kind", "subject", "payload")
    for event in rows:
        subject = f"{event.subject_type}:{event.subject_id}" if event.subject_type else ""
        table.add_row(
            str(event.id),
            f"{event.occurred_at:%Y-%m-%d %H:%M:%S}",
            event.actor,
            event.kind,
            subject,
            _short(event.payload),
        )
    out.print(table)


def _short(payload: dict, width: int = 80) -> str:
    text = ", ".join(f"{key}={value}" for key, value in payload.items())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("demo")
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
    from learnloop.agents import registered_agents
    from learnloop.demo import build_demo

    workspace = _open_workspace()
    with _reported_errors():
        with _progress() as progress:
            summary = build_demo(
                workspace, seed=seed, people=people, organisation_key=org, progress=progress
            )
        report = _run_loop_with_progress(workspace, registered_agents(), org)
    out.print(f"demo organisation {summary.organisation_name!r}: files in {summary.directory}")
    for failure in report.failures.values():
        err.print(f"[bold red]agent failed:[/] {failure}", highlight=False)
    out.print(
        f"sign in to the console with this admin token: {summary.admin_token}",
        markup=False,
        soft_wrap=True,
    )
    if serve_after:
        _serve(workspace, host=workspace.settings.host, port=workspace.settings.port, worker=True)


@app.command("serve")
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
) -> None:
    """Serve the API (OpenAPI at /docs) and the console."""
    workspace = _open_workspace()
    _serve(
        workspace,
        host=host or workspace.settings.host,
        port=port or workspace.settings.port,
        worker=worker and workspace.settings.jobs_in_process,
    )


def _serve(workspace: Workspace, *, host: str, port: int, worker: bool) -> None:
    import uvicorn

    from learnloop.serving.app import create_app

    with _reported_errors():
        application = create_app(workspace, consume_jobs=worker)
    out.print(f"console on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(application, host=host, port=port, log_level=workspace.settings.log_level.lower())


@app.command("worker")
def worker(
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Jobs run at the same time.")
    ] = 2,
) -> None:
    """Consume background jobs (imports, loop runs) until stopped; Redis when configured."""
    from learnloop.jobs import run_worker

    workspace = _open_workspace()
    with _reported_errors():
        run_worker(workspace, workers=workers)


if __name__ == "__main__":  # pragma: no cover
    app()
