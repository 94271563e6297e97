"""People imports: HR CSV in, teams and management chain out; bad files change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from import_support import import_into
from learnloop.errors import InputError
from learnloop.store import tables
from learnloop.store.overview import organisation_counts

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
HEADER = "id,name,email,team,department,role,manager_id,location,time_zone,hire_date\n"
BAD_PEOPLE = HEADER + (
    "E1,Ada,ada@example.com,t1,Sales,,,Paris,Europe/Paris,2020-01-01\n"
    ",Nobody,no@example.com,t1,Sales,,E1,Paris,Europe/Paris,2020-01-01\n"
    "E3,Cy,cy@example.com,t1,Sales,,E1,Paris,Europe/Paris,2020-13-01\n"
    "E4,Di,di@example.com,t1,Sales,,E99,Paris,Europe/Paris,2020-01-01\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _snapshot(workspace) -> dict[str, int]:
    with workspace.session() as session:
        return organisation_counts(session, workspace.organisation(session).id)


def _foundation(workspace) -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml")):
        import_into(workspace, kind=kind, path=EXAMPLES / name)


def test_three_faulty_rows_are_all_reported_and_nothing_changes(workspace, tmp_path) -> None:
    _foundation(workspace)
    before = _snapshot(workspace)
    with pytest.raises(InputError) as caught:
        import_into(workspace, kind="people", path=_write(tmp_path, "bad.csv", BAD_PEOPLE))
    lines = [str(problem) for problem in caught.value.problems]
    assert len(lines) == 3, lines
    assert lines[0] == "bad.csv:3:id: is required"
    assert lines[1].startswith("bad.csv:4:hire_date: '2020-13-01' is not a date")
    assert lines[2].startswith("bad.csv:5:manager_id: no person with id 'E99'")
    assert _snapshot(workspace) == before


def test_importing_the_same_people_twice_changes_nothing_the_second_time(workspace) -> None:
    _foundation(workspace)
    first = import_into(workspace, kind="people", path=EXAMPLES / "people.csv")
    second = import_into(workspace, kind="people", path=EXAMPLES / "people.csv")
    assert (first.rows, first.created, first.updated, first.unchanged) == (3, 3, 0, 0)
    assert (second.rows, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        events = session.scalars(select(tables.Event).where(
            tables.Event.organisation_id == organisation.id,
            tables.Event.kind == "import.completed", tables.Event.subject_id == "people")).all()
        ben = session.scalar(select(tables.Person).where(tables.Person.key == "E002"))
        ada = session.scalar(select(tables.Person).where(tables.Person.key == "E001"))
    assert [event.id for event in events] == [first.event_id, second.event_id]
    assert events[0].payload["file"] == "people.csv" and len(events[0].payload["sha256"]) == 64
    assert events[1].payload["unchanged"] == 3 and events[1].actor == "cli"
    assert ben.manager_id == ada.id


def test_a_changed_manager_counts_as_an_update(workspace, tmp_path) -> None:
    _foundation(workspace)
    import_into(workspace, kind="people", path=EXAMPLES / "people.csv")
    moved = (EXAMPLES / "people.csv").read_text().replace(
        "E003,Chloe Tan,chloe.tan@example.com,sales-emea,Sales,account-executive,E001",
        "E003,Chloe Tan,chloe.tan@example.com,sales-emea,Sales,account-executive,E002")
    result = import_into(workspace, kind="people", path=_write(tmp_path, "people.csv", moved))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)


def test_dry_run_reports_counts_and_writes_nothing(workspace) -> None:
    _foundation(workspace)
    before = _snapshot(workspace)
    result = import_into(workspace, kind="people", path=EXAMPLES / "people.csv", dry_run=True)
    assert (result.created, result.dry_run, result.event_id) == (3, True, None)
    assert _snapshot(workspace) == before


def test_cycles_unknown_roles_zones_and_duplicates_are_refused(workspace, tmp_path) -> None:
    _foundation(workspace)
    text = HEADER + (
        "A,Ann,,t1,Sales,,B,,UTC,\n"
        "B,Bob,,t1,Sales,,A,,UTC,\n"
        "C,Cat,,t1,Sales,astronaut,,,Mars/Olympus,\n"
        "C,Cat again,,t2,Ops,,,,UTC,\n"
        "D,Dan,not-an-email,t2,Sales,,,,UTC,\n"
    )
    with pytest.raises(InputError) as caught:
        import_into(workspace, kind="people", path=_write(tmp_path, "people.csv", text),
                    display_name="hr-export.csv")
    lines = {str(problem) for problem in caught.value.problems}
    assert "hr-export.csv:4:role: no role with id 'astronaut' (import roles first)" in lines
    assert any(line.startswith("hr-export.csv:4:time_zone: 'Mars/Olympus'") for line in lines)
    assert any(line.startswith("hr-export.csv:5:id: id 'C' appears more than once")
               for line in lines)
    assert any(line.startswith("hr-export.csv:6:department: team 't2'") for line in lines)
    assert any(line.startswith("hr-export.csv:6:email:") for line in lines)
    assert "hr-export.csv:2:manager_id: management cycle: A → B → A" in lines
    assert caught.value.total == 6


def test_unknown_columns_and_missing_files_are_clear_errors(sqlite_workspace, tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        import_into(sqlite_workspace, kind="people",
                    path=_write(tmp_path, "p.csv", "id,name,team,departmnt\n"))
    assert [str(p) for p in caught.value.problems] == [
        "p.csv:1:department: required column 'department' is missing",
        "p.csv:1:departmnt: unknown column 'departmnt'; did you mean 'department'? "
        "expected id, name, team, department, "
        "team_name, email, role, manager_id, location, time_zone, hire_date, status"]
    with pytest.raises(InputError, match="no such file"):
        import_into(sqlite_workspace, kind="people", path=tmp_path / "missing.csv")
    with pytest.raises(InputError, match="unknown import kind 'payroll'"):
        import_into(sqlite_workspace, kind="payroll", path=tmp_path / "p.csv")
    with pytest.raises(InputError, match=r"people imports read \.csv, not a \.xlsx file"):
        import_into(sqlite_workspace, kind="people", path=_write(tmp_path, "p.xlsx", "x"))


def test_problem_lists_are_capped_and_the_rest_counted(tmp_path) -> None:
    from learnloop.config import Settings
    from learnloop.workspace import Workspace

    workspace = Workspace.open(Settings(home=tmp_path / "home", max_reported_problems=2))
    rows = "".join(f",Nobody {n},,t1,Sales,,,,UTC,\n" for n in range(5))
    with pytest.raises(InputError) as caught:
        import_into(workspace, kind="people", path=_write(tmp_path, "p.csv", HEADER + rows))
    assert (len(caught.value.problems), caught.value.total) == (2, 5)
    workspace.close()


def test_cli_prints_every_problem_on_stderr_and_fails(tmp_path, monkeypatch) -> None:
    from learnloop.cli import app

    monkeypatch.setenv("LEARNLOOP_HOME", str(tmp_path / "cli-home"))
    runner = CliRunner()
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml")):
        assert runner.invoke(app, ["import", kind, str(EXAMPLES / name)]).exit_code == 0
    bad = _write(tmp_path, "bad.csv", BAD_PEOPLE)
    result = runner.invoke(app, ["import", "people", str(bad)])
    assert result.exit_code == 1
    stderr = result.stderr
    assert "bad.csv:3:id: is required" in stderr
    assert "bad.csv:4:hire_date: '2020-13-01' is not a date" in stderr
    assert "bad.csv:5:manager_id: no person with id 'E99'" in stderr
    assert "3 problems found; nothing was imported" in stderr


def _people(workspace) -> dict[str, tables.Person]:
    with workspace.session() as session:
        found = session.scalars(select(tables.Person)).all()
        session.expunge_all()
        return {person.key: person for person in found}


SHORT_HEADER = "id,name,email,team,department,manager_id\n"


def test_a_file_without_some_columns_leaves_those_fields_alone(workspace, tmp_path) -> None:
    _foundation(workspace)
    import_into(workspace, kind="people", path=EXAMPLES / "people.csv")
    before = _people(workspace)
    short = SHORT_HEADER + (
        "E001,Ada Moreau,ada.moreau@example.com,sales-emea,Sales,\n"
        "E002,Ben Okafor,ben.okafor@example.com,sales-emea,Sales,E001\n"
        "E003,Chloe Tan,chloe.tan@example.com,sales-emea,Sales,E001\n")
    result = import_into(workspace, kind="people", path=_write(tmp_path, "short.csv", short))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    after = _people(workspace)
    for key, person in before.items():
        kept = after[key]
        assert (kept.role_id, kept.location, kept.hire_date, kept.time_zone, kept.status) == (
            person.role_id, person.location, person.hire_date, person.time_zone, person.status)
    assert after["E002"].location == "Lagos" and after["E002"].time_zone == "Africa/Lagos"


def test_a_present_blank_cell_clears_the_field(workspace, tmp_path) -> None:
    _foundation(workspace)
    import_into(workspace, kind="people", path=EXAMPLES / "people.csv")
    blank = ("id,name,team,department,location,time_zone,hire_date,role,status\n"
             "E002,Ben Okafor,sales-emea,Sales,,,,,\n")
    result = import_into(workspace, kind="people", path=_write(tmp_path, "blank.csv", blank))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    ben = _people(workspace)["E002"]
    assert (ben.location, ben.time_zone, ben.hire_date, ben.role_id, ben.status) == (
        None, "UTC", None, None, "active")
    assert ben.email == "ben.okafor@example.com"  # not in the file: kept
    assert ben.manager_id is not None


def test_new_people_from_a_short_file_get_the_defaults(workspace, tmp_path) -> None:
    _foundation(workspace)
    import_into(workspace, kind="people", path=EXAMPLES / "people.csv")
    short = SHORT_HEADER + "E009,Dee Lane,,sales-emea,Sales,E001\n"
    result = import_into(workspace, kind="people", path=_write(tmp_path, "new.csv", short))
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    people = _people(workspace)
    dee = people["E009"]
    assert (dee.email, dee.role_id, dee.location, dee.time_zone, dee.hire_date, dee.status) == (
        None, None, None, "UTC", None, "active")
    assert dee.manager_id == people["E001"].id


def test_a_file_without_manager_or_team_name_keeps_the_chart(workspace, tmp_path) -> None:
    _foundation(workspace)
    named = ("id,name,team,team_name,department,manager_id\n"
             "E1,Ada,t1,Team One,Sales,\nE2,Ben,t1,Team One,Sales,E1\n")
    import_into(workspace, kind="people", path=_write(tmp_path, "named.csv", named))
    bare = "id,name,team,department\nE1,Ada,t1,Sales\nE2,Ben,t1,Sales\n"
    result = import_into(workspace, kind="people", path=_write(tmp_path, "bare.csv", bare))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    people = _people(workspace)
    assert people["E2"].manager_id == people["E1"].id
    with workspace.session() as session:
        assert session.scalar(select(tables.Team.name).where(tables.Team.key == "t1")) == "Team One"
