"""CSV that learnloop hands out cannot run as a spreadsheet formula, and reads back as written."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from learnloop.csv_export import csv_text, neutralise, write_csv


@pytest.mark.parametrize("typed", [
    "=HYPERLINK(\"http://evil.example\",\"click\")", "+cmd|' /C calc'!A0", "-2+3",
    "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "＝1+1", "-", "+",
])
def test_a_cell_that_starts_like_a_formula_is_shown_as_typed(typed) -> None:
    assert neutralise(typed) == "'" + typed


@pytest.mark.parametrize(("value", "written"), [
    ("Ada Moreau", "Ada Moreau"), ("a=b", "a=b"), ("", ""), (None, ""), (-3, "-3"),
    (-2.5, "-2.5"), ("-3.5", "-3.5"), ("+44", "+44"), ("-1e3", "-1e3"), (Decimal("-0.1"), "-0.1"),
    (True, "true"), ("'quoted'", "'quoted'"),
])
def test_ordinary_cells_and_numbers_are_written_as_they_are(value, written) -> None:
    assert neutralise(value) == written


def test_an_export_reads_back_with_every_formula_neutralised() -> None:
    rows = [("E1", "=1+1", -4), ("E2", "Ada, \"the boss\"", "@here")]
    text = csv_text(header=("id", "=name", "score"), rows=rows)
    assert list(csv.reader(io.StringIO(text))) == [
        ["id", "'=name", "score"], ["E1", "'=1+1", "-4"], ["E2", "Ada, \"the boss\"", "'@here"]]


def test_write_csv_counts_the_data_rows() -> None:
    buffer = io.StringIO(newline="")
    assert write_csv(buffer, header=("a",), rows=iter([("1",), ("2",)])) == 2
    assert buffer.getvalue() == "a\n1\n2\n"
