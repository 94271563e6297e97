"""Tests import files as the CLI does: one transaction per import, committed by the caller."""

from __future__ import annotations

from typing import Any

from learnloop.importing import ImportLimits, ImportResult, import_file
from learnloop.workspace import Workspace


def import_into(workspace: Workspace, *, organisation_key: str | None = None,
                **arguments: Any) -> ImportResult:
    """`import_file` in a transaction of its own, with the workspace's limits."""
    with workspace.session() as session:
        organisation = workspace.organisation(session, organisation_key)
        return import_file(session, organisation_id=organisation.id,
                           limits=ImportLimits.from_settings(workspace.settings), **arguments)
