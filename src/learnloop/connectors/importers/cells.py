"""Checking one row's cells (a CSV row or a YAML item) field by field, each failure a Problem.

A problem names the place the way a user finds it: CSV row (header = 1) or list item and key path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from difflib import get_close_matches
from typing import Any

from learnloop.domain.imports import Problems

__all__ = ["MAX_KEY", "Cells", "as_cells", "did_you_mean", "parse_time"]

MAX_KEY = 128


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`did you mean 'team'? ` when a known name is close to `name`, else nothing."""
    close = get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}? " if close else ""



def parse_time(value: str) -> datetime:
    """ISO 8601 time in UTC: a date alone is midnight UTC, a time without offset is UTC.

    Raises ValueError for anything else, a time whose UTC falls outside years 1–9999 included.
    """
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError as error:  # 9999-12-31T23:00-05:00 is in year 10000 in UTC
        raise ValueError(f"{value!r} is outside years 1–9999 in UTC") from error


class Cells:
    """One row's values (a CSV row or a YAML item), checked field by field.

    Each check returns the value, or None after recording a problem, so one pass finds every
    problem in the row. `prefix` turns a field into its key path (`roles[3].requirements[1]`).
    """

    def __init__(self, values: Mapping[str, Any], problems: Problems, *, row: int | None,
                 prefix: str = "") -> None:
        self.values = values
        self.problems = problems
        self.row = row
        self.prefix = prefix
        self.ok = True

    def where(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def problem(self, name: str, message: str) -> None:
        self.ok = False
        self.problems.add(message, row=self.row, field=self.where(name))

    def raw(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, name: str, *, required: bool = False, max_length: int = 300) -> str | None:
        value = self.values.get(name)
        if type(value) is str:  # every CSV cell, and most pass: answered before the general path
            value = value.strip()
            if value and "\x00" not in value and len(value) <= max_length:
                return value
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(name, f"must be text, not {type(value).__name__}")
            return None
        value = str(value)
        if "\x00" in value:  # no database text holds one (PostgreSQL refuses it)
            self.problem(name, "holds a NUL character, which text cannot hold")
            return None
        if len(value) > max_length:
            self.problem(name, f"is {len(value)} characters long; at most {max_length}")
            return None
        return value

    def key(self, name: str, *, required: bool = True, max_length: int = MAX_KEY) -> str | None:
        return self.text(name, required=required, max_length=max_length)

    def choice(self, name: str, options: Iterable[str], *, required: bool = True,
               default: str | None = None) -> str | None:
        value = self.text(name, required=required and default is None)
        if value is None:
            return default
        allowed = list(options)
        if value.lower() not in allowed:
            self.problem(name, f"{value!r} is not one of {', '.join(allowed)}")
            return None
        return value.lower()

    def number(self, name: str, *, required: bool = True, low: float | None = None,
               high: float | None = None) -> float | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        try:
            if isinstance(value, bool):
                raise ValueError
            number = float(value)
        except (TypeError, ValueError):
            self.problem(name, f"{value!r} is not a number")
            return None
        if not math.isfinite(number):
            self.problem(name, f"{value!r} is not a finite number")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self.problem(name, f"{value!r} is outside {_fmt(low)}–{_fmt(high)}")
            return None
        return number

    def whole(self, name: str, *, required: bool = True, low: int | None = None,
              high: int | None = None) -> int | None:
        value = self.raw(name)
        number = self.number(name, required=required)
        if number is None:
            return None
        if number != int(number):
            self.problem(name, f"{value!r} is not a whole number")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            bound = f"{low}–{high}" if high is not None else f"at least {low}"
            self.problem(name, f"{value!r} must be {bound}")
            return None
        return int(number)

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.problem(name, "is required")
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(name, f"{value!r} is not a date (use YYYY-MM-DD)")
            return None

    def _list(self, name: str) -> list[Any]:
        """The list under `name` (blank means empty), or empty after reporting it is no list."""
        value = self.values.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(name, "must be a list")
            return []
        return value

    def key_list(self, name: str) -> list[tuple[str, str]]:
        """(key path, key) for a list of keys such as `skills: [a, b]`; blank means none."""
        found: list[tuple[str, str]] = []
        for index, item in enumerate(self._list(name), start=1):
            if isinstance(item, bool) or not isinstance(item, str | int) or not str(item).strip():
                self.problem(f"{name}[{index}]", "must be a non-empty key")
                continue
            found.append((f"{name}[{index}]", str(item).strip()))
        return found

    def nested(self, name: str) -> list[Cells]:
        """Cells for each mapping in a nested list such as `requirements:`."""
        found: list[Cells] = []
        for index, item in enumerate(self._list(name), start=1):
            path = f"{name}[{index}]"
            if not isinstance(item, Mapping):
                self.problem(path, "must be a mapping")
                continue
            found.append(Cells(item, self.problems, row=self.row, prefix=self.where(path)))
        return found

    def only(self, names: Iterable[str]) -> None:
        """Refuse keys nobody reads: a misspelt key would otherwise lose data silently."""
        allowed = set(names)
        for name in self.values:
            if name not in allowed:
                self.problem(str(name), f"unknown key; {did_you_mean(str(name), allowed)}"
                                        f"expected {', '.join(sorted(allowed))}")


def _fmt(bound: float | None) -> str:
    if bound is None:
        return "…"
    return str(int(bound)) if bound == int(bound) else str(bound)


def as_cells(columns: Mapping[str, int], cells: list[str], problems: Problems, row: int) -> Cells:
    """A CSV row as Cells keyed by column name."""
    return Cells({name: cells[index] for name, index in columns.items()}, problems, row=row)
