"""Every `learnloop` command, run as a person would, in a fresh workspace (LEARNLOOP_HOME is the
test's own folder); the long-running ones are in test_cli_processes.py, failures in
test_cli_errors.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_support import EXAMPLES, count, row, succeeded
from learnloop.store.migrate import head_revision


def test_config_prints_the_effective_settings(tmp_path: Path) -> None:
    output = succeeded("config").stdout
    assert "learnloop configuration" in output
    assert "LEARNLOOP_HOME" in output and str(tmp_path / "home") in output


def test_db_upgrade_migrates_an_empty_database_and_then_has_nothing_to_do() -> None:
    assert succeeded("db", "current").stdout.strip() == f"current: empty  head: {head_revision()}"
    first = succeeded("db", "upgrade").stdout.strip()
    assert first == f"database at revision {head_revision()} (was empty)"
    again = succeeded("db", "upgrade").stdout.strip()
    assert again == f"database at revision {head_revision()} (was {head_revision()})"
    current = succeeded("db", "current").stdout.strip()
    assert current == f"current: {head_revision()}  head: {head_revision()}"


def test_status_counts_the_organisation_asked_for() -> None:
    output = succeeded("status", "--org", "acme").stdout
    assert "acme (acme)" in output
    assert count(output, "people") == 0 and count(output, "events") == 0


def test_import_dry_run_checks_the_file_and_writes_nothing() -> None:
    output = succeeded("import", "skills", str(EXAMPLES / "skills.yaml"), "--dry-run").stdout
    assert output.strip() == "skills: 3 rows valid, nothing written — 3 new, 0 updated, 0 unchanged"
    assert count(succeeded("status").stdout, "skills") == 0


# the documented order: each kind refers to kinds imported before it (people need roles, …)
EXAMPLE_FILES = [("skills", "skills.yaml", 3), ("roles", "roles.yaml", 2),
                 ("people", "people.csv", 3), ("objectives", "objectives.yaml", 2),
                 ("signals", "signals.csv", 4), ("evidence", "evidence.csv", 3),
                 ("pulse", "pulse.csv", 2), ("sources", "sources", 1)]


KINDS = [kind for kind, _, _ in EXAMPLE_FILES]


@pytest.mark.parametrize(("position", "kind"), list(enumerate(KINDS)), ids=KINDS)
def test_import_kind_imports_its_documented_example(position: int, kind: str) -> None:
    for earlier, name, _ in EXAMPLE_FILES[:position]:
        succeeded("import", earlier, str(EXAMPLES / name))
    _, name, rows = EXAMPLE_FILES[position]
    output = succeeded("import", kind, str(EXAMPLES / name)).stdout
    assert output.strip() == f"{kind}: {rows} rows imported — {rows} new, 0 updated, 0 unchanged"
    again = succeeded("import", kind, str(EXAMPLES / name)).stdout
    assert again.strip() == f"{kind}: {rows} rows imported — 0 new, 0 updated, {rows} unchanged"


def test_import_lists_every_registered_kind() -> None:
    output = succeeded("import", "--help").stdout
    assert all(kind in output for kind in KINDS)


def test_a_token_is_created_listed_and_revoked() -> None:
    created = succeeded("token", "create", "--role", "ld", "--name", "L&D console")
    secret = created.stdout.strip()
    assert secret and "\n" not in secret  # stdout holds the secret alone, for scripts
    assert "token 'L&D console' (id 1, role ld) created" in created.stderr
    listed = succeeded("token", "list").stdout
    assert "L&D console" in listed and "ld" in listed and secret not in listed
    assert row(listed, "1")[7] == ""  # not revoked yet
    assert succeeded("token", "revoke", "1").stdout.strip() == "token 1 revoked"
    _, name, role, person, _, _, last_used, revoked = row(
        succeeded("token", "list").stdout, "1")
    assert (name, role, person, last_used) == ("L&D console", "ld", "", "")
    assert revoked.startswith("20")


def test_loop_runs_and_records_its_run_in_the_event_log() -> None:
    result = succeeded("loop")
    # the registered agents ran; on an empty organisation they find nothing
    assert "sensing: 0 new detections" in result.stdout
    assert "skills: 0 proficiencies" in result.stdout
    events = succeeded("events", "--kind", "loop.completed").stdout
    assert "loop.completed" in events and "cli" in events


def test_events_lists_the_newest_first_and_honours_the_limit() -> None:
    succeeded("token", "create", "--role", "admin", "--name", "first")
    succeeded("token", "create", "--role", "admin", "--name", "second")
    output = succeeded("events", "--limit", "1").stdout
    assert "second" in output and "first" not in output
    assert "time (UTC)" in output


def test_demo_without_serving_builds_the_company_and_runs_the_loop(tmp_path: Path) -> None:
    result = succeeded("demo", "--no-serve", "--people", "60", "--seed", "5", "--org", "demo")
    assert "sign in to the console with this admin token: " in result.stdout
    assert (tmp_path / "home" / "demo" / "people.csv").exists()
    assert count(succeeded("status", "--org", "demo").stdout, "people") == 60
    assert "loop.completed" in succeeded("events", "--org", "demo", "--kind",
                                         "loop.completed").stdout


def test_every_command_the_readme_shows_exists() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    shown = re.findall(r"^learnloop ((?:[a-z][a-z-]* ?)+)", readme, re.MULTILINE)
    assert len(shown) >= 10
    for words in shown:
        succeeded(*words.split(), "--help")
