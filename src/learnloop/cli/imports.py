"""`learnloop import KIND PATH`: one command per registered importer, all through `import_file`.

The commands are found only when `import` is used, so a broken importer plugin cannot stop
`serve`, `worker` or `config` from starting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer
from typer.core import DEFAULT_MARKUP_MODE, TyperGroup
from typer.main import get_command_from_info
from typer.models import CommandInfo

from learnloop.cli.context import OrgOption, organisation_session, out, progress_bar

if TYPE_CHECKING:
    from learnloop.store import Session

__all__ = ["import_app"]


def _import_command(kind: str) -> Callable[..., None]:
    def command(
        path: Annotated[Path, typer.Argument(help="File (or folder, for sources) to import.")],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Validate only; write nothing.")
        ] = False,
        org: OrgOption = None,
    ) -> None:
        from learnloop.agents.sensing_arrivals import sense_after_import
        from learnloop.importing import ImportLimits, import_file

        with organisation_session(org) as (workspace, session, organisation), \
                progress_bar() as progress:
            task = progress.add_task(f"{'checking' if dry_run else 'importing'} {kind}", total=None)
            result, sensed = sense_after_import(
                session, organisation_id=organisation.id, kind=kind, dry_run=dry_run,
                run=lambda: import_file(
                    session,
                    organisation_id=organisation.id,
                    kind=kind,
                    path=path,
                    limits=ImportLimits.from_settings(workspace.settings),
                    dry_run=dry_run,
                    actor="cli",
                    progress=lambda done, total: progress.update(task, completed=done,
                                                                 total=total),
                ),
                settings=workspace.settings)
            stale = _stale_since(session, organisation.id, result.event_id)
        verb = "valid, nothing written" if dry_run else "imported"
        out.print(
            f"{kind}: {result.rows:,} rows {verb} — {result.created:,} new, "
            f"{result.updated:,} updated, {result.unchanged:,} unchanged"
        )
        if sensed is not None and sensed.detections:
            out.print(f"sensed on arrival: {len(sensed.detections)} new detection(s) "
                      "(`learnloop detections`)")
        if stale:
            out.print(f"{stale} published component(s) cite passages this import changed: "
                      "marked stale and redrafted for review (`learnloop review list`)")

    return command


def _stale_since(session: Session, organisation_id: int, event_id: int | None) -> int:
    """How many components the import made stale (living components, docs: "Govern")."""
    from learnloop.store.event_log import EventLog

    if event_id is None:
        return 0
    return len(EventLog(session, organisation_id).since(event_id, kinds=["component.stale"]))


class _ImportCommands(TyperGroup):
    """One `learnloop import KIND` per registered importer."""

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

    return importers()


import_app = typer.Typer(
    cls=_ImportCommands,
    help="Import an organisation's data from documented CSV/YAML/JSON files.",
    no_args_is_help=True,
)
