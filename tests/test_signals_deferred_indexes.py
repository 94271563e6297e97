"""A signals import on PostgreSQL at least as large as the signals table builds the table's
secondary indexes after its rows, not row by row: they come back exactly as they were, and a
rejected import leaves them untouched."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from database_support import set_check_postgres_workspace
from import_support import import_into
from learnloop.errors import InputError
from learnloop.importing import ImportLimits, import_file
from learnloop.store import bulk
from learnloop.workspace import Workspace

PEOPLE = "id,name,team,department\nP1,Ada,T1,Sales\nP2,Ben,T1,Sales\n"
HEADER = "metric,subject_type,subject,observed_at,value,source\n"


@pytest.fixture
def postgres_workspace(tmp_path: Path, postgres_url: str | None) -> Iterator[Workspace]:
    """A migrated PostgreSQL workspace whose large-import threshold is 3 rows."""
    opened = set_check_postgres_workspace(tmp_path, postgres_url)
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    import_into(opened, kind="people", path=people)
    yield opened
    opened.close()


@pytest.fixture
def dropped(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The index definitions each import dropped to build after its rows."""
    seen: list[list[str]] = []
    real = bulk.drop_secondary_indexes

    def watched(cursor: Any, table: str) -> list[str]:
        definitions = real(cursor, table)
        seen.append(definitions)
        return definitions

    monkeypatch.setattr(bulk, "drop_secondary_indexes", watched)
    return seen


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The index definitions each import built after its rows (none: not called)."""
    seen: list[list[str]] = []
    real = bulk.build_indexes

    def watched(cursor: Any, definitions: list[str]) -> None:
        seen.append(list(definitions))
        real(cursor, definitions)

    monkeypatch.setattr(bulk, "build_indexes", watched)
    return seen


def _signals(tmp_path: Path, days: range, *, name: str = "signals.csv", bad: bool = False) -> Path:
    path = tmp_path / name
    rows = "".join(f"calls,person,P{1 + day % 2},2025-03-{day:02d},{day},crm\n" for day in days)
    path.write_text(HEADER + rows + ("calls,person,P9,2025-03-01,1,crm\n" if bad else ""),
                    encoding="utf-8")
    return path


def _indexes(workspace: Workspace) -> list[tuple[str, str]]:
    with workspace.session() as session:
        cursor = session.connection().connection.driver_connection.cursor()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'signals' "
                       "ORDER BY indexname")
        return [tuple(found) for found in cursor.fetchall()]


def test_a_first_large_import_builds_the_indexes_after_its_rows(
        postgres_workspace: Workspace, dropped: list[list[str]], tmp_path: Path) -> None:
    before = _indexes(postgres_workspace)
    result = import_into(postgres_workspace, kind="signals", path=_signals(tmp_path, range(1, 9)))
    assert (result.rows, result.created) == (8, 8)
    assert [sorted(definitions) for definitions in dropped] == [
        sorted(definition for name, definition in before
               if name in ("ix_signals_series", "ix_signals_metric_time"))]
    assert _indexes(postgres_workspace) == before


def test_an_import_smaller_than_the_table_keeps_the_indexes(
        postgres_workspace: Workspace, dropped: list[list[str]], tmp_path: Path) -> None:
    import_into(postgres_workspace, kind="signals", path=_signals(tmp_path, range(1, 9)))
    again = import_into(postgres_workspace, kind="signals",
                        path=_signals(tmp_path, range(5, 11), name="more.csv"))
    assert (again.created, again.unchanged) == (2, 4)
    assert len(dropped) == 1  # the first import's alone


def test_a_rejected_import_leaves_the_indexes_and_writes_nothing(
        postgres_workspace: Workspace, dropped: list[list[str]], tmp_path: Path) -> None:
    before = _indexes(postgres_workspace)
    with pytest.raises(InputError, match="nothing was imported"):
        import_into(postgres_workspace, kind="signals",
                    path=_signals(tmp_path, range(1, 9), bad=True))
    assert len(dropped) == 1
    assert _indexes(postgres_workspace) == before
    again = import_into(postgres_workspace, kind="signals", path=_signals(tmp_path, range(1, 9)))
    assert again.created == 8


def test_a_reimport_as_large_as_the_table_keeps_the_indexes(
        postgres_workspace: Workspace, built: list[list[str]], tmp_path: Path) -> None:
    # its first key is stored: the drop goes back with that batch, nothing is rebuilt
    before = _indexes(postgres_workspace)
    import_into(postgres_workspace, kind="signals", path=_signals(tmp_path, range(1, 9)))
    assert len(built) == 1
    again = import_into(postgres_workspace, kind="signals",
                        path=_signals(tmp_path, range(1, 9), name="again.csv"))
    assert (again.created, again.unchanged) == (0, 8)
    assert len(built) == 1  # the first import's alone
    assert _indexes(postgres_workspace) == before


def test_new_rows_then_stored_ones_build_the_dropped_indexes_again(
        postgres_workspace: Workspace, built: list[list[str]], tmp_path: Path) -> None:
    # a first batch of new rows drops the indexes; a later batch meeting stored keys must not
    # forget them
    before = _indexes(postgres_workspace)
    import_into(postgres_workspace, kind="signals", path=_signals(tmp_path, range(1, 3)))
    path = tmp_path / "later.csv"
    rows = "".join(f"calls,person,P{1 + day % 2},2025-03-{day:02d},{day},crm\n"
                   for day in (*range(3, 9), 1, 2))
    path.write_text(HEADER + rows, encoding="utf-8")
    limits = replace(ImportLimits.from_settings(postgres_workspace.settings), batch_size=3)
    with postgres_workspace.session() as session:
        again = import_file(session, kind="signals", path=path, limits=limits,
                            organisation_id=postgres_workspace.organisation(session).id)
    assert (again.created, again.unchanged) == (6, 2)
    assert [sorted(definitions) for definitions in built] == [
        sorted(definition for name, definition in before
               if name in ("ix_signals_series", "ix_signals_metric_time"))]
    assert _indexes(postgres_workspace) == before
