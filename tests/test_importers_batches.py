"""Batches checked column by column answer exactly as rows checked one by one, or hand over."""

from __future__ import annotations

import csv
import io
from datetime import date

from learnloop.connectors.importers.people_columns import check_people_batch
from learnloop.connectors.importers.reading import csv_batches, csv_rows
from learnloop.connectors.importers.signal_rules import REQUIRED, signal_checks
from learnloop.domain.imports import Problems

PEOPLE = {"E1": 1, "E2": 2}
TEAMS = {"sales": 7}
SIGNAL_NAMES = ("id", *REQUIRED, "volume")
UNTIDY = [
    ["", " m ", " Person ", " E2 ", " 2025-03-01T10:00:00+02:00 ", " 4 ", " crm ", ""],
    [" k1 ", "m", "ORGANISATION", "", "2025-03-01", "1_000", "crm", " 3 "],
    ["", "m", "team", "sales", "2025-03-02", "-0.5e3", "crm", "0"],
    ["", "m", "person", "E1", "2025-03-02T00:00:00.000005", "2", "hr", ""],
]


def _columns(rows: list[list[str]]) -> list[tuple[str, ...]]:
    return list(zip(*rows, strict=True))


def _checks():  # noqa: ANN202
    return signal_checks(people=PEOPLE, teams=TEAMS,
                         columns={name: at for at, name in enumerate(SIGNAL_NAMES)})


def test_a_batch_of_untidy_signals_is_stored_as_each_row_would_be() -> None:
    checks = _checks()
    keys, columns = checks.batch(_columns(UNTIDY))
    by_rows = [checks.row(row, cells) for row, cells in enumerate(UNTIDY, start=2)]
    assert list(zip(keys, zip(*columns, strict=True), strict=True)) == by_rows
    assert keys[1] == "k1" and columns[2][1] is None  # the organisation: no subject id


def test_one_faulty_signal_hands_the_batch_to_the_row_check() -> None:
    for at, bad in ((1, ""), (2, "robot"), (3, "E9"), (4, "soon"), (5, "nan"), (7, "-1"),
                    (0, "k" * 301)):
        rows = [list(row) for row in UNTIDY]
        rows[2][at] = bad
        checks = _checks()
        assert checks.batch(_columns(rows)) is None
        assert checks.row(4, rows[2]) is None


def _read(text: str, size: int) -> list[tuple[int, list[str]]]:
    problems = Problems("f.csv", limit=100)
    _columns_found, batches = csv_batches(io.StringIO(text, newline=""), problems,
                                          required=("a", "b", "c"), size=size)
    return [(row, list(cells)) for batch in batches for row, cells in batch.each()]


def test_plain_lines_and_quoted_ones_are_read_as_the_csv_reader_reads_them() -> None:
    plain = "".join(f"{n},x{n}, y \n" for n in range(7))
    texts = [plain, plain[:-1], plain.replace("\n", "\r\n"),
             plain + '"1,5",x,"multi\nline"\n' + plain, plain + "\n\n" + plain]
    for text in texts:
        expected = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
        for size in (1, 3, 5000):
            read = _read("a,b,c\n" + text, size)
            assert [cells for _row, cells in read] == expected
    read = _read("a,b,c\n" + plain + "\n" + plain, 3)
    assert [row for row, _cells in read][6:8] == [8, 10]  # a blank line is a row of its own


def test_csv_rows_still_name_short_rows_and_unclosed_quotes() -> None:
    problems = Problems("f.csv", limit=100)
    _columns_found, rows = csv_rows(io.StringIO('a,b,c\n1,2,3\n1,2\n1,2,"3\n', newline=""),
                                    problems, required=("a", "b", "c"))
    assert [row for row, _cells in rows] == [2]
    assert [str(problem) for problem in problems.listed] == [
        "f.csv:3: has 2 cells, the header has 3",
        "f.csv:4: unclosed quote: a quoted cell opens on this row and never closes (write \"\" "
        "for a quote inside a quoted cell)"]


PEOPLE_COLUMNS = {name: at for at, name in enumerate(
    ("id", "name", "team", "department", "email", "time_zone", "hire_date", "status"))}


def _people(rows: list[list[str]], **known):  # noqa: ANN003, ANN202
    return check_people_batch(PEOPLE_COLUMNS, _columns(rows), range(2, 2 + len(rows)),
                              roles={}, row_of=known.get("row_of", {}),
                              teams=known.get("teams", {}), zone_ok=lambda zone: zone != "Mars",
                              statuses=("active", "on_leave", "left"))


def test_a_clean_people_batch_is_recorded_as_the_rows_would_be() -> None:
    people, rows, teams = _people([
        [" E1 ", "Ada", "t1", "Sales", "a@x.org", "", " 2020-01-02 ", "LEFT"],
        ["E2", "Bo", "t1", "Sales", "", "Europe/Paris", "", ""]])
    assert people["E1"] == {"name": "Ada", "email": "a@x.org", "team": "t1", "role_id": None,
                            "manager": None, "location": None, "time_zone": "UTC",
                            "hire_date": date(2020, 1, 2), "status": "left"}
    assert people["E2"]["status"] == "active" and people["E2"]["email"] is None
    assert rows == {"E1": 2, "E2": 3} and teams == {"t1": ("Sales", "t1", 2)}


def test_any_doubt_in_a_people_batch_hands_it_to_the_row_check() -> None:
    good = ["E1", "Ada", "t1", "Sales", "a@x.org", "UTC", "2020-01-02", "active"]
    for at, bad in ((0, ""), (1, "n" * 201), (4, "nope"), (5, "Mars"), (6, "2020-13-01"),
                    (7, "gone")):
        row = list(good)
        row[at] = bad
        assert _people([["E0", *good[1:]], row]) is None
    assert _people([good, good]) is None  # the same id twice
    assert _people([good], row_of={"E1": 2}) is None
    assert _people([good], teams={"t1": ("Other", "t1", 2)}) is None
