"""The transaction rule: services work inside the caller's transaction and never commit it."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnloop.importing import import_file
from learnloop.store.overview import organisation_counts
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


class _Abandon(Exception):
    pass


def _skills(workspace: Workspace) -> int:
    with workspace.session() as session:
        return organisation_counts(session, workspace.organisation(session).id)["skills"]


def _existing_organisation(workspace: Workspace) -> None:
    # created in a transaction of its own, so the caller's transaction below starts with reads
    with workspace.session() as session:
        workspace.organisation(session)


def test_an_import_is_undone_when_the_callers_transaction_rolls_back(workspace) -> None:
    _existing_organisation(workspace)
    with pytest.raises(_Abandon), workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        result = import_file(session, organisation_id=organisation_id, kind="skills",
                             path=EXAMPLES / "skills.yaml")
        assert result.created == 3
        raise _Abandon  # the caller changes its mind after the import returned
    assert _skills(workspace) == 0


def test_a_dry_run_leaves_the_callers_other_work_in_place(workspace) -> None:
    _existing_organisation(workspace)
    with workspace.session() as session:
        organisation_id = workspace.organisation(session).id
        import_file(session, organisation_id=organisation_id, kind="skills",
                    path=EXAMPLES / "skills.yaml")
        dry = import_file(session, organisation_id=organisation_id, kind="skills",
                          path=EXAMPLES / "skills.yaml", dry_run=True)
        assert dry.unchanged == 3
    assert _skills(workspace) == 3
