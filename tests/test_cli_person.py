"""`learnloop person export|erase`, `learnloop backup` and `learnloop restore`, run as a person
would in a fresh SQLite workspace."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from cli_support import EXAMPLES, count, learnloop, succeeded


def _people() -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv"), ("evidence", "evidence.csv")):
        succeeded("import", kind, str(EXAMPLES / name))


def test_person_export_prints_everything_held_as_json(tmp_path: Path) -> None:
    _people()
    document = json.loads(succeeded("person", "export", "E002").stdout)
    assert document["person"]["name"] == "Ben Okafor"
    assert document["person"]["manager"] == "E001"
    assert set(document) == {"person", "evidence", "signals", "tokens", "events", "proficiencies",
                             "needs", "demographics", "interventions", "detections"}
    succeeded("person", "export", "E002", "--out", str(tmp_path / "ben.json"))
    assert json.loads((tmp_path / "ben.json").read_text()) == document


def test_person_erase_needs_confirmation_then_leaves_no_trace() -> None:
    _people()
    refused = learnloop("person", "erase", "E002")
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert count(succeeded("status").stdout, "people") == 3
    output = succeeded("person", "erase", "E002", "--yes").stdout
    assert output.startswith("person E002 erased")
    assert count(succeeded("status").stdout, "people") == 2
    missing = learnloop("person", "export", "E002")
    assert missing.exit_code == 1 and "no person with key 'E002'" in missing.stderr
    assert "person.erased" in succeeded("events", "--kind", "person.erased").stdout


def test_backup_then_restore_brings_the_database_back(tmp_path: Path) -> None:
    _people()
    backup = tmp_path / "learnloop-backup.db"
    assert "backed up to" in succeeded("backup", str(backup)).stdout
    assert learnloop("backup", str(backup)).exit_code == 1  # never overwritten silently
    succeeded("person", "erase", "E002", "--yes")
    refused = learnloop("restore", str(backup))
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert "restored" in succeeded("restore", str(backup), "--yes").stdout
    assert count(succeeded("status").stdout, "people") == 3


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    result = learnloop("restore", str(notes), "--yes")
    assert result.exit_code == 1
    assert "not a SQLite database" in " ".join(result.stderr.split())


def test_backup_and_restore_on_postgresql_point_to_pg_dump(
        tmp_path: Path, postgres_url: str | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if postgres_url is None:
        pytest.skip("PostgreSQL is not reachable")
    monkeypatch.setenv("LEARNLOOP_DATABASE_URL", postgres_url)
    for arguments in (["backup", str(tmp_path / "b.db")],
                      ["restore", str(tmp_path / "b.db"), "--yes"]):
        result = learnloop(*arguments)
        assert result.exit_code == 1
        message = " ".join(result.stderr.split())
        assert "pg_dump" in message and "docs/operations.md" in message


def test_an_erased_person_is_gone_from_the_database_files_too(tmp_path: Path) -> None:
    _people()
    succeeded("token", "create", "--role", "learner", "--person", "E002")
    [database] = (tmp_path / "home").rglob("learnloop.db")
    with closing(sqlite3.connect(database)) as server:  # a running server keeps the log open
        server.execute("SELECT count(*) FROM people").fetchall()
        succeeded("person", "erase", "E002", "--yes")
        files = sorted(database.parent.glob("learnloop.db*"))
        # the database, its write-ahead log and its index, and the writers' (empty) lock file
        assert [file.name for file in files] == [
            "learnloop.db", "learnloop.db-shm", "learnloop.db-wal", "learnloop.db-writers"]
        for file in files:
            data = file.read_bytes()
            for identifier in (b"E002", b"Ben Okafor", b"ben.okafor@example.com"):
                assert identifier not in data, (file.name, identifier)
