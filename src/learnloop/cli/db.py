"""`learnloop db`: apply the schema migrations and show the database's revision.

Both open the workspace without migrating it, so they work on a database that is behind.
"""

from __future__ import annotations

import typer

from learnloop.cli.context import opened_workspace, out

__all__ = ["db_app"]

db_app = typer.Typer(help="Database schema: migrate and inspect.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (also done on every start)."""
    from learnloop.store.migrate import current_revision, upgrade

    with opened_workspace(migrate=False) as workspace:
        before = current_revision(workspace.database)
        after = upgrade(workspace.database)
    out.print(f"database at revision {after} (was {before or 'empty'})")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision and the newest one this version knows."""
    from learnloop.store.migrate import current_revision, head_revision

    with opened_workspace(migrate=False) as workspace:
        current = current_revision(workspace.database)
    out.print(f"current: {current or 'empty'}  head: {head_revision()}")
