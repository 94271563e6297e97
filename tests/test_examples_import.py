"""Every example file in docs/examples imports cleanly, in the documented order: docs stay true."""

from __future__ import annotations

from pathlib import Path

from import_support import import_into
from learnloop.store.overview import organisation_counts

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
ORDER = [("skills", "skills.yaml"), ("roles", "roles.yaml"), ("people", "people.csv"),
         ("objectives", "objectives.yaml"), ("changes", "changes.csv"),
         ("signals", "signals.csv"), ("signals", "signals.json"),
         ("evidence", "evidence.csv"), ("pulse", "pulse.csv"), ("sources", "sources"),
         ("demographics", "demographics.csv"), ("interventions", "interventions.csv"),
         ("esco", "esco")]


def test_every_documented_example_imports(workspace) -> None:
    results = [import_into(workspace, kind=kind, path=EXAMPLES / name) for kind, name in ORDER]
    assert [result.created for result in results] == [3, 2, 3, 2, 3, 4, 2, 3, 2, 1, 5, 3, 6]
    with workspace.session() as session:
        counts = organisation_counts(session, workspace.organisation(session).id)
    assert counts["people"] == 3 and counts["teams"] == 1 and counts["signals"] == 6
    again = [import_into(workspace, kind=kind, path=EXAMPLES / name) for kind, name in ORDER]
    assert all(result.unchanged == result.rows and result.created == 0 for result in again)


def test_every_example_file_is_used_by_the_test() -> None:
    # the review policy is no import: tests/test_govern_domain.py loads it;
    # assignment.csv is imported by `learnloop intervention import` (test_cli_interventions)
    used = {name for _kind, name in ORDER} | {"review-policy.yaml", "assignment.csv"}
    assert {path.name for path in EXAMPLES.iterdir()} == used
