"""Every `learnloop` command fails with `error: …` and exit code 1, never a traceback: bad
settings, a database URL that is not one, a database that does not answer, bad input."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli_support import EXAMPLES, count, succeeded
from learnloop.cli import app

# every command that opens the workspace, with the arguments it needs to get that far
COMMANDS = [
    ["db", "upgrade"],
    ["db", "current"],
    ["status"],
    ["import", "people", "people.csv"],
    ["import", "people", "people.csv", "--dry-run"],
    ["token", "create", "--role", "ld"],
    ["token", "list"],
    ["token", "revoke", "1"],
    ["loop"],
    ["events"],
    ["demo", "--no-serve", "--people", "60"],
    ["serve", "--no-worker"],
    ["worker"],
    ["person", "export", "E001"],
    ["person", "erase", "E001", "--yes"],
    ["backup", "backup.db"],
    ["restore", "backup.db", "--yes"],
]


def _failed_cleanly(arguments: list[str]) -> str:
    """Run the command; it must exit 1 on purpose (no exception escaped); return its stderr."""
    result = CliRunner().invoke(app, arguments, env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    return " ".join(result.stderr.split())  # Rich wraps long lines


@pytest.mark.parametrize("arguments", COMMANDS, ids=" ".join)
def test_a_database_url_that_is_not_one_is_reported(
    arguments: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", "x")
    message = _failed_cleanly(arguments)
    assert message == "error: LEARNLOOP_DATABASE_URL is not a database URL: 'x'"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("arguments", COMMANDS, ids=" ".join)
def test_a_database_that_does_not_answer_is_reported_with_its_password_masked(
    arguments: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql+psycopg://app:s3cret@127.0.0.1:{_closed_port()}/learnloop"
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", url)
    message = _failed_cleanly(arguments)
    assert message.startswith(
        f"error: cannot reach the database at {url.replace('s3cret', '********')}: ")
    assert "Connection refused" in message and "s3cret" not in message


def test_a_worker_whose_redis_does_not_answer_does_not_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEARNLOOP_REDIS_URL", f"redis://:s3cret@127.0.0.1:{_closed_port()}/0")
    message = _failed_cleanly(["worker"])
    assert message.startswith("error: cannot reach Redis at redis://:********@127.0.0.1:")
    assert "s3cret" not in message


def test_a_database_without_its_driver_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", "mysql://app:s3cret@db/learnloop")
    message = _failed_cleanly(["status"])
    assert message.startswith("error: no driver installed for LEARNLOOP_DATABASE_URL "
                              "mysql://app:********@db/learnloop")


def test_a_workspace_folder_that_cannot_be_created_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("LEARNLOOP_HOME", str(tmp_path / "file" / "home"))
    message = _failed_cleanly(["status"])
    assert message.startswith(f"error: cannot create the workspace folder {tmp_path}/file/home")


def test_invalid_settings_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNLOOP_PORT", "eighty")
    for arguments in (["config"], ["status"], ["serve"]):
        assert _failed_cleanly(arguments).startswith("error: invalid configuration:")


def test_an_organisation_key_that_cannot_be_one_is_reported() -> None:
    message = _failed_cleanly(["status", "--org", "Not A Key"])
    assert message.startswith("error: organisation key 'Not A Key' must be")


def test_a_file_with_problems_lists_each_and_writes_nothing() -> None:
    # people refer to roles, and no roles have been imported
    message = _failed_cleanly(["import", "people", str(EXAMPLES / "people.csv")])
    assert "error: people.csv: 3 problems found; nothing was imported" in message
    assert "people.csv:2:role: no role with id 'sales-manager' (import roles first)" in message
    assert count(succeeded("status").stdout, "people") == 0


def test_unknown_and_revoked_tokens_are_reported() -> None:
    assert _failed_cleanly(["token", "revoke", "99"]).startswith("error: ")
    assert _failed_cleanly(["token", "create", "--role", "learner"]).startswith("error: ")


def test_a_real_process_prints_the_error_and_no_traceback(tmp_path) -> None:
    env = {**os.environ, "LEARNLOOP_HOME": str(tmp_path / "home"), "LEARNLOOP_DATABASE_URL": "x"}
    for command in (["db", "current"], ["db", "upgrade"]):
        finished = subprocess.run([sys.executable, "-m", "learnloop.cli", *command], env=env,
                                  capture_output=True, text=True, timeout=60)
        assert finished.returncode == 1
        assert finished.stderr.strip() == "error: LEARNLOOP_DATABASE_URL is not a database URL: 'x'"
        assert finished.stdout == ""
