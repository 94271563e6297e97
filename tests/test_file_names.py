"""File names users give are stored and echoed recognisable but harmless."""

from __future__ import annotations

import pytest

from learnloop.domain.imports import MAX_FILE_NAME, file_name_shown


@pytest.mark.parametrize(("given", "shown"), [
    ("kpis.csv", "kpis.csv"),
    ("../../kpis.csv", "kpis.csv"),
    ("C:\\Users\\ada\\people export.csv", "people export.csv"),
    ("/etc/passwd", "passwd"),
    ("line\nbreak\r\t.csv", "linebreak.csv"),
    ("evil\u202egpj.csv", "evilgpj.csv"),
    ("Überstunden März.csv", "Überstunden März.csv"),
    ("../..", "upload"),
    ("", "upload"),
    ("  \x00 ", "upload"),
])
def test_a_file_name_is_shown_without_paths_or_control_characters(given, shown) -> None:
    assert file_name_shown(given) == shown


def test_a_long_file_name_is_cut_but_keeps_its_suffix() -> None:
    shown = file_name_shown("q" * 1000 + ".jsonl")
    assert len(shown) == MAX_FILE_NAME and shown.endswith("q….jsonl")
    assert len(file_name_shown("x" * 1000)) == MAX_FILE_NAME
