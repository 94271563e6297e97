"""`learnloop backup` and `learnloop restore`: copy the embedded SQLite database, safely while
the server runs; on PostgreSQL both say to use pg_dump and pg_restore instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from learnloop.cli.context import opened_workspace, out
from learnloop.errors import InputError

__all__ = ["backup", "restore"]


def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the backup (one SQLite file).")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Back up the database to FILE while the server keeps running (SQLite's online backup)."""
    from learnloop.store.backup import back_up

    # not migrated first: a backup is what one takes before an upgrade
    with opened_workspace(migrate=False) as workspace:
        made = back_up(workspace.database, file, replace=force)
    out.print(f"backed up to {made.path} ({made.size:,} bytes, schema revision {made.revision})",
              highlight=False, markup=False)


def restore(
    file: Annotated[Path, typer.Argument(help="A backup written by `learnloop backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: everything in the database is replaced.")
    ] = False,
) -> None:
    """Replace the database with a checked backup, then migrate it to the newest schema."""
    from learnloop.store.backup import restore as restore_backup

    if not yes:
        raise InputError("restore replaces everything in the database with the backup; "
                         "run again with --yes to confirm")
    with opened_workspace(migrate=False) as workspace:
        restored = restore_backup(workspace.database, file)
    out.print(f"restored {restored.source} (schema revision {restored.restored_revision}, now "
              f"{restored.revision})", highlight=False, markup=False)
