"""Writing the CSV files learnloop hands out: every export goes through this one writer.

Text a spreadsheet would run as a formula is neutralised (OWASP's CSV injection advice).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

__all__ = ["FORMULA_STARTS", "csv_text", "neutralise", "write_csv"]

# a cell starting with one of these is read as a formula (or a DDE call) by Excel, LibreOffice
# or Google Sheets; the full-width forms are folded to them by some
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# a plain number is never a formula, and a quote in front would spoil a negative value
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> str:
    """A cell's text as an export writes it: blank for None, and a `'` in front of text that
    starts like a formula (`=HYPERLINK(…)` → `'=HYPERLINK(…)`), so spreadsheets show it as
    typed. Numbers, numeric text such as `-3.5` included, are written as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(handle: IO[str], *, header: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> int:
    """Write `header` and `rows` to `handle` (text opened with newline="") as UTF-8-friendly CSV,
    every cell neutralised; returns the number of data rows written."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([neutralise(name) for name in header])
    written = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        written += 1
    return written


def csv_text(*, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole export as one string (an HTTP response body, a small download)."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, header=header, rows=rows)
    return buffer.getvalue()
