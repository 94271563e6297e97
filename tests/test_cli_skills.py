"""`learnloop skills health` and `learnloop skills export`, run as a person would, before and
after the loop has assessed the example company."""

from __future__ import annotations

import csv
from pathlib import Path

from cli_support import EXAMPLES, learnloop, row, succeeded

EXAMPLE_FILES = [("skills", "skills.yaml"), ("roles", "roles.yaml"), ("people", "people.csv"),
                 ("objectives", "objectives.yaml"), ("evidence", "evidence.csv")]


def _assessed_example_company() -> None:
    for kind, name in EXAMPLE_FILES:
        succeeded("import", kind, str(EXAMPLES / name))
    assert "skills: 2 proficiencies" in succeeded("loop").stdout


def test_before_the_loop_has_run_health_says_so() -> None:
    assert "nothing assessed yet: run `learnloop loop` first" in succeeded(
        "skills", "health").stdout


def test_health_shows_each_team_role_and_skill_with_its_uncertainty() -> None:
    _assessed_example_company()
    output = succeeded("skills", "health").stdout
    assert "skill health on" in output
    team, role, skill, required, people, meeting, coverage, single, change = row(
        output, "sales-emea")[:9]
    assert (team, role, skill, required, people) == (
        "sales-emea", "account-executive", "discovery", "3", "2")
    assert "(" in meeting and "-" in meeting and coverage.endswith("%")
    assert single.startswith(("yes", "no"))  # discovery is critical for account executives
    assert "no skill health for team 'support'" in succeeded(
        "skills", "health", "--team", "support").stdout
    assert row(succeeded("skills", "health", "--team", "sales-emea").stdout, "sales-emea")


def test_export_writes_person_skill_level_lower_upper(tmp_path: Path) -> None:
    _assessed_example_company()
    target = tmp_path / "proficiencies.csv"
    result = succeeded("skills", "export", str(target))
    assert "wrote 2 proficiencies" in result.stderr
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert rows[0] == ["person", "skill", "level", "lower", "upper"]
    assert [(person, skill) for person, skill, *_ in rows[1:]] == [
        ("E002", "negotiation"), ("E003", "discovery")]
    for _, _, level, lower, upper in rows[1:]:
        assert 0 <= float(lower) <= float(level) <= float(upper) <= 4


def test_export_to_a_folder_is_an_error_to_read(tmp_path: Path) -> None:
    result = learnloop("skills", "export", str(tmp_path))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.output
