"""Bad files end as problems a person can act on: never a traceback, repeats collapsed, near misses
named; and the digest an import records is the file's own sha256, taken while reading it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from import_support import import_into
from learnloop.connectors.importers.registry import importers
from learnloop.domain.imports import REPEATS_SPELLED_OUT, Problems
from learnloop.errors import InputError
from learnloop.store import tables

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
MISSPELT_SIGNALS = ("metrc,subject_type,subject,observed_at,value,source\n"
                    "calls,organisation,,2025-01-01,1,crm\n")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(workspace, **arguments) -> list[str]:
    with pytest.raises(InputError) as caught:
        import_into(workspace, **arguments)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_misspelt_signals_column_is_a_problem_not_a_crash(sqlite_workspace, tmp_path,
                                                           dry_run) -> None:
    path = _write(tmp_path, "s.csv", MISSPELT_SIGNALS)
    problems = _problems(sqlite_workspace, kind="signals", path=path, dry_run=dry_run)
    assert problems == [
        "s.csv:1:metric: required column 'metric' is missing",
        "s.csv:1:metrc: unknown column 'metrc'; did you mean 'metric'? expected metric, "
        "subject_type, subject, observed_at, value, source, id, volume"]


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_empty_signals_file_is_a_problem_not_a_crash(sqlite_workspace, tmp_path,
                                                        dry_run) -> None:
    problems = _problems(sqlite_workspace, kind="signals", path=_write(tmp_path, "s.csv", ""),
                         dry_run=dry_run)
    assert problems[0] == "s.csv:1: the file is empty; expected a header row"
    assert "s.csv:1:metric: required column 'metric' is missing" in problems


@pytest.mark.parametrize("arguments", [[], ["--dry-run"]])
def test_the_cli_reports_a_misspelt_column_and_fails(tmp_path, monkeypatch, arguments) -> None:
    from learnloop.cli import app

    monkeypatch.setenv("LEARNLOOP_HOME", str(tmp_path / "cli-home"))
    path = _write(tmp_path, "s.csv", MISSPELT_SIGNALS)
    result = CliRunner().invoke(app, ["import", "signals", str(path), *arguments])
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)  # an uncaught error would be kept here
    assert "s.csv:1:metric: required column 'metric' is missing" in result.stderr
    assert "Traceback" not in result.output


def test_the_learnloop_command_reports_a_misspelt_column_without_a_traceback(tmp_path) -> None:
    path = _write(tmp_path, "s.csv", MISSPELT_SIGNALS)
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("LEARNLOOP_")}
    environment["LEARNLOOP_HOME"] = str(tmp_path / "home")
    done = subprocess.run([sys.executable, "-c", "from learnloop.cli import app; app()",
                           "import", "signals", str(path)],
                          capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode != 0
    assert "s.csv:1:metric:" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# (kind, file name, text): every importer, given empty, foreign, list-shaped and non-UTF-8 files
UNUSABLE = [(kind, name, text)
            for kind, suffix in (("people", "csv"), ("skills", "csv"), ("skills", "yaml"),
                                 ("roles", "csv"), ("roles", "yaml"), ("objectives", "yaml"),
                                 ("signals", "csv"), ("signals", "json"), ("signals", "jsonl"),
                                 ("evidence", "csv"), ("pulse", "csv"), ("sources", "yaml"),
                                 ("sources", "md"), ("changes", "csv"), ("demographics", "csv"),
                                 ("interventions", "csv"), ("esco", "csv"))
            for name, text in ((f"empty.{suffix}", ""), (f"odd.{suffix}", "tem,x\n1,2\n"),
                               (f"list.{suffix}", "- 1\n- [2]\n"), (f"bin.{suffix}", "\udcff"))]


@pytest.mark.parametrize(("kind", "name", "text"), UNUSABLE)
def test_no_importer_crashes_on_an_odd_file(sqlite_workspace, tmp_path, kind, name,
                                                     text) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    try:  # some are valid (a Markdown source is any text): only a crash fails
        import_into(sqlite_workspace, kind=kind, path=path)
    except InputError as error:
        assert error.problems


def test_every_kind_is_covered_by_the_unusable_files() -> None:
    assert {kind for kind, _name, _text in UNUSABLE} == set(importers())


def test_an_unknown_yaml_key_suggests_the_closest(sqlite_workspace, tmp_path) -> None:
    text = "categories:\n  - name: Selling\n    skils:\n      - {id: a, name: A}\n"
    assert _problems(sqlite_workspace, kind="skills", path=_write(tmp_path, "s.yaml", text)) == [
        "s.yaml:1:categories[1].skils: unknown key; did you mean 'skills'? expected name, skills"]
    far = _problems(sqlite_workspace, kind="objectives",
                    path=_write(tmp_path, "o.yaml", "objectives: []\nbudget: 3\n"))
    assert far == ["o.yaml:budget: unknown key; expected objectives, not_priorities"]


def test_thousands_of_rows_naming_the_same_missing_role_are_one_line(sqlite_workspace,
                                                                    tmp_path) -> None:
    rows = "".join(f"E{n},Person {n},sales,Sales,astronaut\n" for n in range(5000))
    path = _write(tmp_path, "p.csv", "id,name,team,department,role\n" + rows)
    with pytest.raises(InputError) as caught:
        import_into(sqlite_workspace, kind="people", path=path)
    assert [str(problem) for problem in caught.value.problems] == [
        "p.csv:2:role: no role with id 'astronaut' (import roles first) "
        "(and 4,999 more rows like it: rows 3, 4, 5, …)"]
    assert caught.value.problems[0].row == 2
    assert caught.value.total == 5000 and caught.value.covered == 5000


def test_the_cli_counts_no_more_problems_than_its_collapsed_line_left_out(tmp_path,
                                                                          monkeypatch) -> None:
    from learnloop.cli import app

    monkeypatch.setenv("LEARNLOOP_HOME", str(tmp_path / "cli-home"))
    rows = "".join(f"E{n},Person {n},sales,Sales,astronaut\n" for n in range(5000))
    path = _write(tmp_path, "p.csv", "id,name,team,department,role\n" + rows)
    result = CliRunner().invoke(app, ["import", "people", str(path)])
    assert result.exit_code == 1
    assert "4,999 more rows like it" in result.stderr
    assert "more problems" not in result.stderr


def test_a_few_repeats_stay_one_line_each_among_the_other_problems() -> None:
    problems = Problems("f.csv", limit=100)
    problems.add("is required", row=2, field="id")
    problems.add("not a date", row=3, field="day")
    for row in range(4, 4 + REPEATS_SPELLED_OUT - 1):
        problems.add("is required", row=row, field="id")
    lines = [str(problem) for problem in problems.listed]
    assert lines[:3] == ["f.csv:2:id: is required", "f.csv:3:day: not a date",
                         "f.csv:4:id: is required"]
    assert len(lines) == REPEATS_SPELLED_OUT + 1
    problems.add("is required", row=99, field="id")
    assert [str(problem) for problem in problems.listed] == [
        f"f.csv:2:id: is required (and {REPEATS_SPELLED_OUT:,} more rows like it: "
        "rows 4, 5, 6, …)", "f.csv:3:day: not a date"]
    assert problems.total == REPEATS_SPELLED_OUT + 2


def test_the_recorded_digest_is_the_files_sha256(workspace) -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv"), ("signals", "signals.csv")):
        result = import_into(workspace, kind=kind, path=EXAMPLES / name)
        expected = hashlib.sha256((EXAMPLES / name).read_bytes()).hexdigest()
        with workspace.session() as session:
            payload = session.get(tables.Event, result.event_id).payload
        assert payload["sha256"] == expected, kind


def test_a_folders_digest_covers_every_file_by_name(sqlite_workspace, tmp_path) -> None:
    folder = tmp_path / "sources"
    (folder / "notes").mkdir(parents=True)
    files = {"a.md": b"# Alpha\nText.\n", "b.txt": b"Beta\r\n", "notes/c.md": b"# C\n",
             "picture.png": b"\x89PNG not a document"}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    result = import_into(sqlite_workspace, kind="sources", path=folder)
    expected = hashlib.sha256()
    for name in sorted(files):
        expected.update(name.encode() + b"\0" + files[name])
    with sqlite_workspace.session() as session:
        recorded = session.scalar(select(tables.Event.payload).where(
            tables.Event.id == result.event_id))
    assert (result.created, recorded["sha256"]) == (2, expected.hexdigest())


def test_an_unclosed_quote_is_named_at_the_row_where_it_opens(sqlite_workspace,
                                                              tmp_path) -> None:
    text = ("id,name,category,description\n"
            "negotiation,Negotiation,Customer,fine\n"
            'discovery,Discovery,Customer,"Finding the real problem\n'
            "spreadsheet-analysis,Spreadsheet analysis,Data,\n")
    lines = _problems(sqlite_workspace, kind="skills", path=_write(tmp_path, "skills.csv", text))
    assert lines == ["skills.csv:3: unclosed quote: a quoted cell opens on this row and never "
                     'closes (write "" for a quote inside a quoted cell)']


@pytest.mark.parametrize("text", [
    'id,name,"category\nnegotiation,Negotiation,Customer\n',  # in the header
    'id,name,category\nnegotiation,Negotiation,"Customer',  # in the last cell, no newline
])
def test_an_unclosed_quote_anywhere_is_named(sqlite_workspace, tmp_path, text) -> None:
    lines = _problems(sqlite_workspace, kind="skills", path=_write(tmp_path, "skills.csv", text))
    assert len(lines) == 1 and "unclosed quote" in lines[0], lines


def test_a_closed_quoted_cell_over_several_lines_still_imports(sqlite_workspace,
                                                               tmp_path) -> None:
    text = ('id,name,category,description\nnegotiation,Negotiation,Customer,"Two\nlines"\n'
            'discovery,Discovery,Customer,"ends ""quoted"""')
    result = import_into(sqlite_workspace, kind="skills",
                         path=_write(tmp_path, "skills.csv", text))
    assert result.created == 2


# found by the property tests (test_importers_properties.py): each was a traceback before
@pytest.mark.parametrize(("kind", "name", "text", "expected"), [
    ("skills", "skills.yaml", "categories: " + "9" * 5000 + "\n",
     "skills.yaml: not valid YAML: a number has more than 4,300 digits"),
    ("skills", "skills.yaml", "categories:\n  - name: x\n    when: 2025-13-45\n",
     "skills.yaml: not valid YAML: month must be in 1..12"),
    ("signals", "signals.json", '{"signals": [' + "1" * 5000 + "]}",
     "signals.json: not valid JSON: a number has more than 4,300 digits"),
    ("signals", "signals.json", "[" * 100_000,
     "signals.json: not valid JSON: nested too deeply"),
    ("signals", "signals.jsonl", '{"value": ' + "1" * 5000 + "}\n",
     "signals.jsonl:1: not valid JSON: a number has more than 4,300 digits"),
    ("signals", "signals.csv", "metric,subject_type,subject,observed_at,value,source\n"
     "calls,organisation,,9999-12-31T23:00:00-05:00,1,crm\n",
     "signals.csv:2:observed_at: '9999-12-31T23:00:00-05:00' is not an ISO 8601 time"),
    ("sources", "sources.yaml", 'sources:\n  - id: a\n    file: "a\\0b.md"\n',
     "sources.yaml:1:sources[1].file: holds a NUL character, which text cannot hold"),
    ("sources", "sources.yaml", f"sources:\n  - id: a\n    file: {'x' * 300}.md\n",
     f"sources.yaml:1:sources[1].file: '{'x' * 300}.md' is not a usable file name"),
])
def test_values_beyond_pythons_limits_are_problems_not_tracebacks(sqlite_workspace, tmp_path,
                                                                   kind, name, text,
                                                                   expected) -> None:
    lines = _problems(sqlite_workspace, kind=kind, path=_write(tmp_path, name, text))
    assert lines[0].startswith(expected), lines


def test_a_yaml_alias_bomb_is_refused_at_once(sqlite_workspace, tmp_path) -> None:
    # 40 kB that the roles importer would walk as four million requirements (half a minute)
    requirements = "      - &q {skill: negotiation, level: 3, criticality: high}\n" + (
        "      - *q\n" * 1999)
    text = ("roles:\n  - &r\n    id: a\n    name: A\n    requirements:\n" + requirements
            + "  - *r\n" * 2000)
    started = time.perf_counter()
    lines = _problems(sqlite_workspace, kind="roles", path=_write(tmp_path, "roles.yaml", text))
    assert time.perf_counter() - started < 5
    assert lines == ["roles.yaml: holds more than 1,000,000 values once its aliases (*name) are "
                     "expanded; write the repeated parts out"]


def test_yaml_aliases_that_share_a_few_values_still_import(sqlite_workspace, tmp_path) -> None:
    import_into(sqlite_workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    text = ("roles:\n  - id: a\n    name: A\n    requirements: &shared\n"
            "      - {skill: negotiation, level: 3, criticality: high}\n"
            "  - id: b\n    name: B\n    requirements: *shared\n")
    result = import_into(sqlite_workspace, kind="roles", path=_write(tmp_path, "roles.yaml", text))
    assert result.created == 2


def test_a_nul_character_is_a_problem_on_every_database(workspace, tmp_path) -> None:
    # PostgreSQL text cannot hold NUL: found by the property tests, refused as input everywhere
    import_into(workspace, kind="skills", path=EXAMPLES / "skills.yaml")
    csv_path = _write(tmp_path, "skills.csv", "id,name,category\nabc,Ab\x00c,Customer\n")
    with pytest.raises(InputError) as caught:
        import_into(workspace, kind="skills", path=csv_path)
    assert [str(problem) for problem in caught.value.problems] == [
        "skills.csv:2:name: holds a NUL character, which text cannot hold (is this a binary "
        "file?)"]
    text_path = tmp_path / "notes.txt"
    text_path.write_bytes(b"policy\x00text")
    with pytest.raises(InputError) as caught:
        import_into(workspace, kind="sources", path=text_path)
    assert "NUL characters" in str(caught.value.problems[0])
