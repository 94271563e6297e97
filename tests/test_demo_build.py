"""`learnloop demo` end to end: files written, imported through the real importers, token issued."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from rich.progress import Progress
from typer.testing import CliRunner

from learnloop.cli import app
from learnloop.demo import DemoSummary, build_demo, generate_company
from learnloop.domain.events import EventKind
from learnloop.store.event_log import EventLog
from learnloop.store.overview import organisation_counts
from learnloop.tokens import authenticate
from learnloop.workspace import Workspace

PEOPLE = 120  # a smaller company keeps the end-to-end tests quick; the shape is the same


def _build(workspace: Workspace, organisation_key: str | None = None, **options) -> DemoSummary:
    """`build_demo` in one transaction of its own, as `learnloop demo` runs it."""
    with workspace.session() as session:
        organisation = workspace.organisation(session, organisation_key)
        return build_demo(session, organisation=organisation, settings=workspace.settings,
                          **options)


def test_demo_imports_every_file_and_records_what_it_did(workspace: Workspace) -> None:
    progress = Progress(console=Console(quiet=True))
    with progress:
        summary = _build(workspace, seed=7, people=PEOPLE, progress=progress)
    company = generate_company(7, people=PEOPLE)
    assert summary.organisation_name == company.name == "Tidewell Logistics"
    assert summary.directory == workspace.settings.workspace / "demo"
    counts = summary.counts
    assert counts["people"] == PEOPLE
    assert counts["teams"] == len(company.teams)
    assert counts["skills"] == len(company.skills)
    assert counts["roles"] == len(company.roles)
    assert counts["objectives"] == len(company.objectives) + len(company.not_priorities)
    assert counts["signals"] == len(company.signals)
    assert counts["skill_evidence"] == len(company.evidence)
    assert counts["pulse_results"] == len(company.pulse)
    assert counts["sources"] == 3
    assert [task.description for task in progress.tasks] == [
        f"importing {kind}"
        for kind in (
            "skills",
            "roles",
            "people",
            "objectives",
            "changes",
            "signals",
            "evidence",
            "pulse",
            "sources",
            "interventions",
        )
    ]
    assert all(task.finished for task in progress.tasks)

    truth = json.loads((summary.directory / "truth.json").read_text())
    assert truth["dip"]["team"] == "support-emea" and truth["dip"]["cause"] == "skill gap"
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        assert organisation.name == "Tidewell Logistics"
        [generated] = EventLog(session, organisation.id).recent(kinds=[EventKind.DEMO_GENERATED])
        imports = EventLog(session, organisation.id).recent(kinds=[EventKind.IMPORT_COMPLETED])
        principal = authenticate(session, summary.admin_token)
    assert generated.actor == "demo"
    assert generated.payload["seed"] == 7 and generated.payload["people"] == PEOPLE
    assert "people.csv" in generated.payload["files"]
    assert len(imports) == 10 and {event.actor for event in imports} == {"demo"}
    assert principal.role == "admin"


def test_running_the_demo_twice_changes_nothing_but_the_token(sqlite_workspace: Workspace) -> None:
    first = _build(sqlite_workspace, seed=7, people=PEOPLE)
    files = {path: path.read_bytes() for path in first.directory.rglob("*") if path.is_file()}
    second = _build(sqlite_workspace, seed=7, people=PEOPLE)
    assert second.admin_token != first.admin_token
    counts = {name: value for name, value in second.counts.items() if name != "events"}
    assert counts == {name: value for name, value in first.counts.items() if name != "events"}
    assert {path: path.read_bytes() for path in files} == files
    with sqlite_workspace.session() as session:
        organisation = sqlite_workspace.organisation(session)
        latest = EventLog(session, organisation.id).recent(
            kinds=[EventKind.IMPORT_COMPLETED], limit=9
        )
    assert all(event.payload["created"] == event.payload["updated"] == 0 for event in latest)


def test_demo_goes_into_the_organisation_asked_for(sqlite_workspace: Workspace) -> None:
    _build(sqlite_workspace, "tidewell", seed=3, people=60)
    with sqlite_workspace.session() as session:
        demo = sqlite_workspace.organisation(session, "tidewell")
        default = sqlite_workspace.organisation(session)
        assert organisation_counts(session, demo.id)["people"] == 60
        assert organisation_counts(session, default.id)["people"] == 0


def test_learnloop_demo_command_builds_the_company(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARNLOOP_HOME", str(tmp_path / "cli-home"))
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--people", "60", "--seed", "11"])
    assert result.exit_code == 0, result.output
    assert "Tidewell Logistics" in result.output
    assert "admin token" in result.output
    assert (tmp_path / "cli-home" / "demo" / "truth.json").exists()
    status = CliRunner().invoke(app, ["status"])
    assert status.exit_code == 0 and "Tidewell Logistics" in status.output
