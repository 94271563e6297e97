"""The team-week summary kept by the signals writer equals one rebuilt from the signals: after
imports that add rows, re-imports that change values, weeks, subjects and metrics, people moving
team and a person's signals erased (on SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from learnloop.errors import InputError
from learnloop.importing import ImportLimits, import_file
from learnloop.privacy import erase_person
from learnloop.store import tables
from learnloop.store.team_weeks import rebuild_team_weeks
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
HEADER = "id,metric,subject_type,subject,observed_at,value,source,volume\n"
PEOPLE = ("id,name,email,team,department,role,manager_id,location,time_zone,hire_date,status\n"
          "E001,Ada,ada@example.com,sales-emea,Sales,sales-manager,,Paris,Europe/Paris,"
          "2019-04-01,active\n"
          "E002,Ben,ben@example.com,{e002},Sales,account-executive,E001,Lagos,Africa/Lagos,"
          "2022-09-12,active\n"
          "E003,Chloe,chloe@example.com,{e003},Sales,account-executive,E001,London,"
          "Europe/London,2023-01-16,active\n")


def _import(workspace: Workspace, tmp_path: Path, kind: str, text: str, *,
            batch_size: int = 3, suffix: str = ".csv"):
    path = tmp_path / f"{kind}{suffix}"
    path.write_text(text, encoding="utf-8")
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        # small batches: updates and new rows meet across batch boundaries
        limits = replace(ImportLimits.from_settings(workspace.settings), batch_size=batch_size)
        return import_file(session, organisation_id=organisation.id, kind=kind, path=path,
                           limits=limits)


def _organisation(workspace: Workspace, tmp_path: Path) -> None:
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml")):
        _import(workspace, tmp_path, kind, (EXAMPLES / name).read_text(encoding="utf-8"),
                suffix=".yaml")
    _import(workspace, tmp_path, "people", PEOPLE.format(e002="sales-emea", e003="support"))


def _summary(session) -> list[tuple]:
    table = tables.TeamWeek
    return [tuple(row) for row in session.execute(
        select(table.metric, table.team_id, table.subject_type, table.week, table.weighted,
               table.weight, table.volume, table.row_count)
        .order_by(table.metric, table.team_id, table.subject_type, table.week))]


def _kept_equals_rebuilt(workspace: Workspace) -> list[tuple]:
    with workspace.session() as session:
        kept = _summary(session)
        savepoint = session.begin_nested()
        rebuild_team_weeks(session, organisation_id=workspace.organisation(session).id)
        rebuilt = _summary(session)
        savepoint.rollback()
    assert [row[:4] for row in kept] == [row[:4] for row in rebuilt]
    for ours, theirs in zip(kept, rebuilt, strict=True):
        assert (ours[6] is None) == (theirs[6] is None), ours[:4]    # no volume given: NULL
        assert [x or 0 for x in ours[4:]] == pytest.approx([x or 0 for x in theirs[4:]],
                                                           rel=1e-12), ours[:4]
    return kept


ROWS = ("a,fcr,person,E002,2025-03-05T23:00:00Z,80,desk,30\n"
        "b,fcr,person,E003,2025-03-09T12:00:00Z,60,desk,10\n"
        "c,fcr,person,E002,2025-03-17,70,desk,\n"
        "d,fcr,team,sales-emea,2025-03-03,75,desk,\n"
        "e,aht,person,E001,2025-03-10,300,desk,12\n"
        "f,aht,organisation,,2025-03-10,310,desk,\n")


def test_new_rows_are_added_to_their_team_weeks(workspace: Workspace, tmp_path: Path) -> None:
    _organisation(workspace, tmp_path)
    _import(workspace, tmp_path, "signals", HEADER + ROWS)
    first = _kept_equals_rebuilt(workspace)
    # more rows in the same weeks and new ones: added to the cells already there
    _import(workspace, tmp_path, "signals", HEADER + ROWS
            + "g,fcr,person,E003,2025-03-04,90,desk,5\n"
              "h,fcr,person,E002,2025-03-24,72,desk,8\n"
              "i,aht,person,E001,2025-03-11,280,desk,\n")
    kept = _kept_equals_rebuilt(workspace)
    assert len(kept) == len(first) + 1
    fcr_people = [row for row in kept if row[0] == "fcr" and row[2] == "person"]
    week = min(row[3] for row in fcr_people)
    # E002 and E003's first week: 30 + 10 + 5 (E003 is in support: its own team-week)
    assert sum(row[7] for row in fcr_people if row[3] == week) == 3


@pytest.mark.parametrize("every_team_from", [1000, 1], ids=["by-team", "every-team"])
def test_a_reimport_that_changes_values_weeks_and_subjects_keeps_the_sums(
        workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        every_team_from: int) -> None:
    # every-team: the stale cells recomputed for every team of their metric and weeks at once,
    # as a re-import changing values in a thousand teams and more does
    from learnloop.store import team_weeks

    monkeypatch.setattr(team_weeks, "_EVERY_TEAM_FROM", every_team_from)
    _organisation(workspace, tmp_path)
    _import(workspace, tmp_path, "signals", HEADER + ROWS)
    changed = (ROWS.replace("a,fcr,person,E002,2025-03-05T23:00:00Z,80,desk,30",
                            "a,fcr,person,E002,2025-03-05T23:00:00Z,40,desk,30")  # value
                   .replace("b,fcr,person,E003,2025-03-09T12:00:00Z,60,desk,10",
                            "b,fcr,person,E003,2025-03-31,60,desk,10")            # week
                   .replace("c,fcr,person,E002,2025-03-17,70,desk,",
                            "c,fcr,team,support,2025-03-17,70,desk,")             # subject
                   .replace("e,aht,person,E001", "e,fcr,person,E001"))          # metric
    result = _import(workspace, tmp_path, "signals", HEADER + changed
                     + "j,fcr,person,E003,2025-03-31,50,desk,2\n")
    assert (result.created, result.updated, result.unchanged) == (1, 4, 2)
    kept = _kept_equals_rebuilt(workspace)
    assert not [row for row in kept if row[0] == "aht" and row[2] == "person"]
    # the same file again changes nothing, in the signals or in the summary
    again = _import(workspace, tmp_path, "signals", HEADER + changed
                    + "j,fcr,person,E003,2025-03-31,50,desk,2\n")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert _kept_equals_rebuilt(workspace) == kept


def test_a_rejected_import_leaves_the_summary_as_it_was(
        workspace: Workspace, tmp_path: Path) -> None:
    _organisation(workspace, tmp_path)
    _import(workspace, tmp_path, "signals", HEADER + ROWS)
    before = _kept_equals_rebuilt(workspace)
    # the repeated key is found in the third batch, once the first two are written
    with pytest.raises(InputError, match="nothing was imported"):
        _import(workspace, tmp_path, "signals", HEADER
                + "k,fcr,person,E002,2025-04-07,1,desk,1\n" + ROWS.replace("80", "10")
                + "k,fcr,person,E002,2025-04-07,1,desk,1\n")
    assert _kept_equals_rebuilt(workspace) == before


def test_people_who_move_team_take_their_rows_along(workspace: Workspace,
                                                    tmp_path: Path) -> None:
    _organisation(workspace, tmp_path)
    _import(workspace, tmp_path, "signals", HEADER + ROWS)
    _import(workspace, tmp_path, "people", PEOPLE.format(e002="support", e003="sales-emea"))
    kept = _kept_equals_rebuilt(workspace)
    with workspace.session() as session:
        support = session.scalar(select(tables.Team.id).where(tables.Team.key == "support"))
    # E002's three fcr rows now count in support (and sales-emea keeps its own team row)
    assert sum(row[7] for row in kept if row[1] == support and row[0] == "fcr") == 2


def test_erased_signals_leave_their_team_weeks(workspace: Workspace, tmp_path: Path) -> None:
    _organisation(workspace, tmp_path)
    _import(workspace, tmp_path, "signals", HEADER + ROWS)
    with workspace.session() as session:
        erase_person(session, organisation_id=workspace.organisation(session).id, key="E002",
                     actor="cli")
    kept = _kept_equals_rebuilt(workspace)
    assert sum(row[7] for row in kept if row[2] == "person") == 2


def test_the_sums_hold_when_a_cell_outgrows_its_bits(workspace: Workspace, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # one bit per code: from the second metric, team or week on, the cells are numbered by
    # Python's own integers, and must sum exactly as before
    from learnloop.store import team_week_sums

    monkeypatch.setattr(team_week_sums, "_BITS", (1, 1, 1, 1))
    _organisation(workspace, tmp_path)
    _import(workspace, tmp_path, "signals", HEADER + ROWS)
    _import(workspace, tmp_path, "signals", HEADER + ROWS
            + "g,fcr,person,E003,2025-03-04,90,desk,5\n"
              "h,fcr,person,E002,2025-03-24,72,desk,8\n"
              "i,aht,team,support,2025-03-11,280,desk,\n")
    kept = _kept_equals_rebuilt(workspace)
    assert len({row[3] for row in kept}) > 2 and len({row[1] for row in kept}) == 2
