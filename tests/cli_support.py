"""Running `learnloop` in the test's process and reading the tables it prints."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from learnloop.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def learnloop(*arguments: str) -> Result:
    """Run `learnloop ARGUMENTS…` in this process, wide enough that tables do not wrap."""
    return CliRunner().invoke(app, list(arguments), env={"COLUMNS": "200"})


def succeeded(*arguments: str) -> Result:
    result = learnloop(*arguments)
    assert result.exit_code == 0, result.output
    return result


def row(table: str, first: str) -> list[str]:
    """The cells of the row of a printed Rich table whose first cell is `first`."""
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if cells[0] == first:
            return cells
    raise AssertionError(f"no {first!r} row in:\n{table}")


def count(table: str, name: str) -> int:
    """The number beside `name` in a `learnloop status` table."""
    return int(row(table, name)[1].replace(",", ""))
