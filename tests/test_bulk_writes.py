"""The bulk writers on both databases: exact counts, repeated keys across batches, one transaction.

PostgreSQL stages rows by COPY and writes them in sets; these check it tells the same story.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import make_settings
from learnloop.errors import InputError
from learnloop.importing import ImportLimits, import_file
from learnloop.store import tables
from learnloop.workspace import Workspace

HEADER = "id,metric,subject_type,subject,observed_at,value,source\n"
ROWS = "".join(f"k{n},m,organisation,,2025-01-0{n + 1},{n},crm\n" for n in range(5))


@pytest.fixture
def small_batches(tmp_path: Path, database_url: str) -> Iterator[Workspace]:
    workspace = Workspace.open(make_settings(tmp_path, database_url, import_batch_size=2))
    yield workspace
    workspace.close()


def _import(workspace: Workspace, session, path: Path):  # noqa: ANN001, ANN202
    return import_file(session, organisation_id=workspace.organisation(session).id,
                       kind="signals", path=path,
                       limits=ImportLimits.from_settings(workspace.settings))


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_a_key_repeated_in_a_later_batch_is_a_problem_on_every_database(small_batches,
                                                                          tmp_path) -> None:
    new = _file(tmp_path, "new.csv", ROWS + "k1,m,organisation,,2025-02-01,2,crm\n")
    with pytest.raises(InputError) as caught, small_batches.session() as session:
        _import(small_batches, session, new)
    assert [str(problem) for problem in caught.value.problems] == [
        "new.csv:7:id: signal id 'k1' appears more than once in this file"]
    with small_batches.session() as session:
        _import(small_batches, session, _file(tmp_path, "ok.csv", ROWS))
    again = _file(tmp_path, "again.csv", ROWS + "k0,m,organisation,,2025-02-01,2,crm\n")
    with pytest.raises(InputError) as caught, small_batches.session() as session:
        _import(small_batches, session, again)
    assert [str(problem) for problem in caught.value.problems] == [
        "again.csv:7:id: signal id 'k0' appears more than once in this file"]


def test_two_imports_in_one_transaction_count_and_write_exactly(small_batches,
                                                                tmp_path) -> None:
    changed = (ROWS.replace("2025-01-03,2,", "2025-01-03,2.5,")
               + "k9,m,organisation,,2025-03-01,9,crm\n")
    with small_batches.session() as session:
        first = _import(small_batches, session, _file(tmp_path, "a.csv", ROWS))
        second = _import(small_batches, session, _file(tmp_path, "b.csv", changed))
    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (1, 1, 4)
    with small_batches.session() as session:
        values = dict(session.execute(select(tables.Signal.key, tables.Signal.value)).all())
    assert values == {"k0": 0, "k1": 1, "k2": 2.5, "k3": 3, "k4": 4, "k9": 9}


def test_a_batch_in_key_order_and_one_out_of_it_store_the_same_rows(small_batches,
                                                                     tmp_path) -> None:
    # a batch whose ids are in order is written as it comes, any other sorted first
    backwards = "".join(reversed(ROWS.splitlines(keepends=True)))
    stored = []
    for name, text in (("ordered.csv", ROWS), ("backwards.csv", backwards)):
        with small_batches.session() as session:
            result = _import(small_batches, session, _file(tmp_path, name, text))
            assert (result.created, result.updated, result.unchanged) in ((5, 0, 0), (0, 0, 5))
            stored.append(sorted(session.execute(select(
                tables.Signal.key, tables.Signal.metric, tables.Signal.observed_at,
                tables.Signal.value, tables.Signal.source)).all()))
            session.execute(tables.Signal.__table__.delete())
    assert stored[0] == stored[1] and len(stored[0]) == 5


def test_new_rows_then_stored_ones_count_exactly_whichever_thread_writes(small_batches,
                                                                          tmp_path) -> None:
    # a load larger than the table starts on the writer thread (SQLite: and a smaller page
    # cache); the batches after one meeting stored keys go on the caller's thread
    with small_batches.session() as session:
        _import(small_batches, session, _file(tmp_path, "a.csv", ROWS))
    later = ("".join(f"k{n},m,organisation,,2025-02-0{n - 4},{n},crm\n" for n in range(5, 9))
             + ROWS.splitlines(keepends=True)[0]
             + ROWS.splitlines(keepends=True)[1].replace(",1,crm", ",1.5,crm")
             + "k9,m,organisation,,2025-03-01,9,crm\n"
             + ROWS.splitlines(keepends=True)[2].replace(",2,crm", ",2.5,crm")
             + "k10,m,organisation,,2025-03-02,10,crm\n")
    with small_batches.session() as session:
        result = _import(small_batches, session, _file(tmp_path, "later.csv", later))
    assert (result.rows, result.created, result.updated, result.unchanged) == (9, 6, 2, 1)
    with small_batches.session() as session:
        values = dict(session.execute(select(tables.Signal.key, tables.Signal.value)).all())
    assert values == {"k0": 0, "k1": 1.5, "k2": 2.5, "k3": 3, "k4": 4, "k5": 5, "k6": 6,
                      "k7": 7, "k8": 8, "k9": 9, "k10": 10}
