"""People imports on PostgreSQL that write many rows check their foreign keys as a set: the
constraints are dropped and added back inside the import, exactly as they were, or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from database_support import set_check_postgres_workspace
from import_support import import_into
from learnloop.store import bulk, tables
from learnloop.store.foreign_keys import foreign_keys
from learnloop.workspace import Workspace

HEADER = "id,name,team,department,manager_id\n"


@pytest.fixture
def postgres_workspace(tmp_path: Path, postgres_url: str | None) -> Iterator[Workspace]:
    """A migrated PostgreSQL workspace whose people imports check as a set from 3 rows on."""
    opened = set_check_postgres_workspace(tmp_path, postgres_url)
    yield opened
    opened.close()


@pytest.fixture
def set_checks(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Each set-wise check an import makes: its table and the foreign keys left in place while
    the rows were written. `orphan` (when set) writes a person of no team during the writes."""
    seen: list[dict[str, Any]] = []
    real = bulk.checked_as_a_set

    @contextmanager
    def watched(cursor: Any, table: str, **options: Any) -> Iterator[None]:
        with real(cursor, table, **options):
            entry = {"table": table, "during": foreign_keys(cursor, table)}
            seen.append(entry)
            if getattr(watched, "orphan", False):
                cursor.execute("INSERT INTO people (organisation_id, key, name, team_id, "
                               "time_zone, status) SELECT id, 'orphan', 'Orphan', 999999, "
                               "'UTC', 'active' FROM organisations LIMIT 1")
            yield

    monkeypatch.setattr(bulk, "checked_as_a_set", watched)
    seen.append({"watcher": watched})
    return seen


def _people(tmp_path: Path, count: int, *, name: str = "people.csv") -> Path:
    path = tmp_path / name
    rows = "".join(f"P{n},Person {n},T{n % 2},Sales,{'' if n < 2 else f'P{n % 2}'}\n"
                   for n in range(count))
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _constraints(workspace: Workspace) -> list[tuple[str, str, str]]:
    with workspace.session() as session:
        cursor = session.connection().connection.driver_connection.cursor()
        return foreign_keys(cursor, "people")


def _indexes(workspace: Workspace) -> list[tuple[str, str]]:
    with workspace.session() as session:
        return [tuple(found) for found in session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'people' "
            "ORDER BY indexname"))]


def _people_rows(workspace: Workspace) -> list[tuple[Any, ...]]:
    with workspace.session() as session:
        return [tuple(row) for row in session.execute(
            select(tables.Person.key, tables.Person.name, tables.Person.team_id,
                   tables.Person.manager_id).order_by(tables.Person.key))]


def test_a_large_people_import_checks_as_a_set_and_leaves_the_same_constraints(
        postgres_workspace, set_checks, tmp_path) -> None:
    before = _constraints(postgres_workspace)
    indexes = _indexes(postgres_workspace)
    assert {name for name, _definition, _table in before} == {
        "fk_people_manager_id_people", "fk_people_organisation_id_organisations",
        "fk_people_role_id_roles", "fk_people_team_id_teams"}
    result = import_into(postgres_workspace, kind="people", path=_people(tmp_path, 5))
    assert (result.rows, result.created) == (5, 5)
    # the secondary indexes, built after the rows (as many as the table held), are back
    assert _indexes(postgres_workspace) == indexes
    checks = [entry for entry in set_checks if "table" in entry]
    assert [entry["table"] for entry in checks] == ["people"]
    # while the rows went in, only the key to organisations (which every request reads) stayed
    assert [name for name, _definition, _table in checks[0]["during"]] == [
        "fk_people_organisation_id_organisations"]
    after = _constraints(postgres_workspace)
    assert after == before  # names, definitions, ON DELETE CASCADE on the organisation's
    assert "ON DELETE CASCADE" in dict((n, d) for n, d, _t in after)[
        "fk_people_organisation_id_organisations"]
    with postgres_workspace.session() as session:
        managed = session.scalar(select(func.count()).where(tables.Person.manager_id.is_not(None)))
    assert managed == 3


def test_a_small_people_import_checks_row_by_row(postgres_workspace, set_checks,
                                                 tmp_path) -> None:
    result = import_into(postgres_workspace, kind="people", path=_people(tmp_path, 2))
    assert result.created == 2
    assert [entry for entry in set_checks if "table" in entry] == []


def test_a_constraint_failing_when_added_back_rolls_the_whole_import_back(
        postgres_workspace, set_checks, tmp_path) -> None:
    import_into(postgres_workspace, kind="people", path=_people(tmp_path, 3, name="first.csv"))
    before, constraints = _people_rows(postgres_workspace), _constraints(postgres_workspace)
    set_checks[0]["watcher"].orphan = True
    with pytest.raises(Exception, match="fk_people_team_id_teams"):
        import_into(postgres_workspace, kind="people", path=_people(tmp_path, 6))
    assert _people_rows(postgres_workspace) == before
    assert _constraints(postgres_workspace) == constraints
    with postgres_workspace.session() as session:
        assert session.scalar(text("SELECT count(*) FROM teams")) == 2
