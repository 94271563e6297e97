"""What every command shares: the consoles, the error reporter, and the one helper that opens the
workspace, a transaction and the organisation a command works on.

The root command group runs every command inside `reported_errors`, so a LearnloopError raised
anywhere (settings, database URL, an import) becomes `error: …` and exit code 1, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from learnloop.config import load_settings
from learnloop.errors import InputError, LearnloopError
from learnloop.workspace import Workspace

if TYPE_CHECKING:
    from learnloop.store import Session
    from learnloop.store.tables import Organisation

__all__ = [
    "ErrorReportingGroup",
    "OrgOption",
    "err",
    "open_workspace",
    "opened_workspace",
    "organisation_session",
    "out",
    "progress_bar",
    "reported_errors",
]

out = Console()
err = Console(stderr=True)

OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organisation key (default: LEARNLOOP_ORGANISATION).")
]


@contextmanager
def reported_errors() -> Iterator[None]:
    """Print a LearnloopError for a person to read and exit non-zero; other errors stay loud."""
    try:
        yield
    except InputError as error:
        err.print(f"[bold red]error:[/] {error.message}", highlight=False)
        for problem in error.problems:
            err.print(str(problem), markup=False, highlight=False, soft_wrap=True)
        if error.total > error.covered:
            err.print(
                f"... and {error.total - error.covered} more problems ({error.total} in all)",
                highlight=False,
            )
        raise typer.Exit(1) from None
    except LearnloopError as error:
        err.print(f"[bold red]error:[/] {error.message}", highlight=False)
        raise typer.Exit(1) from None


class ErrorReportingGroup(TyperGroup):
    """The root `learnloop` group: whatever command runs below it runs inside `reported_errors`,
    so a new command cannot forget the error handling."""

    def invoke(self, ctx: click.Context) -> Any:
        with reported_errors():
            return super().invoke(ctx)


def open_workspace(*, migrate: bool = True) -> Workspace:
    """The workspace of the current settings, for commands that keep it open (serve, worker)."""
    return Workspace.open(load_settings(), migrate=migrate)


@contextmanager
def opened_workspace(*, migrate: bool = True) -> Iterator[Workspace]:
    """The workspace for the length of one command, its connections closed afterwards."""
    workspace = open_workspace(migrate=migrate)
    try:
        yield workspace
    finally:
        workspace.close()


@contextmanager
def organisation_session(org: str | None) -> Iterator[tuple[Workspace, Session, Organisation]]:
    """Open the workspace, one transaction and the organisation `--org` names (default
    LEARNLOOP_ORGANISATION): the transaction commits when the block ends, rolls back on error."""
    with opened_workspace() as workspace, workspace.session() as session:
        yield workspace, session, workspace.organisation(session, org)


def progress_bar() -> Progress:
    """A progress display on stderr, so stdout keeps only what scripts read."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
