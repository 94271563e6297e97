"""The people import's fast path: a clean CSV batch checked column by column, in C where it can be.

It applies the same rules as the row-by-row check in `people.py` (the limits below are shared) and
answers only "is every row valid?": on any doubt it returns None and the batch is checked row by
row, which words each problem, so messages never depend on the path taken.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from learnloop.connectors.importers.cells import MAX_KEY

__all__ = ["LIMITS", "PeopleBatch", "check_people_batch"]

# the longest text each column takes (keys: MAX_KEY); Cells.text's default is 300
LIMITS = {"id": MAX_KEY, "name": 200, "email": 320, "team": MAX_KEY, "department": 200,
          "role": MAX_KEY, "manager_id": MAX_KEY, "time_zone": 64, "team_name": 200,
          "location": 200, "status": 300}
REQUIRED_TEXT = ("id", "name", "team", "department")

# key → record, key → row, team key → (department, display name, first row)
PeopleBatch = tuple[dict[str, dict[str, Any]], dict[str, int], dict[str, tuple[str, str, int]]]


def check_people_batch(columns: Mapping[str, int], table: Sequence[Sequence[str]],
                       rows: Sequence[int], *, roles: Mapping[str, int],
                       row_of: Mapping[str, int], teams: Mapping[str, tuple[str, str, int]],
                       zone_ok: Callable[[str], bool], statuses: Sequence[str],
                       ) -> PeopleBatch | None:
    """Every row of a clean batch (`table`: its cells column by column) as the row-by-row check
    would record it, or None if any row has a problem. Nothing given is changed."""
    count = len(rows)

    def text(name: str) -> list[str | None] | None:
        """Cells.text of a whole column: stripped, blank as None; None if one is too long or
        a required one is blank."""
        at = columns.get(name)
        if at is None:
            return None if name in REQUIRED_TEXT else [None] * count
        values = list(map(str.strip, table[at]))
        if values and max(map(len, values)) > LIMITS[name]:
            return None
        if "" in values:
            if name in REQUIRED_TEXT:
                return None
            return [value or None for value in values]
        return values

    keys, names, emails = text("id"), text("name"), text("email")
    team_keys, departments, role_keys = text("team"), text("department"), text("role")
    managers, zones, team_names = text("manager_id"), text("time_zone"), text("team_name")
    locations, status_texts = text("location"), text("status")
    if (keys is None or names is None or emails is None or team_keys is None
            or departments is None or role_keys is None or managers is None or zones is None
            or team_names is None or locations is None or status_texts is None):
        return None
    if any(email is not None and "@" not in email for email in set(emails)):
        return None
    if not all(role is None or role in roles for role in set(role_keys)):
        return None
    zones = [zone or "UTC" for zone in zones] if None in zones else zones
    if not all(map(zone_ok, set(zones))):
        return None
    days = _each_distinct(columns, table, "hire_date", count, _day)
    statuses_found = _statuses(status_texts, statuses)
    if days is None or statuses_found is None:
        return None
    if len(set(keys)) != count or any(map(row_of.__contains__, keys)):
        return None  # an id repeated: the row-by-row check names both rows
    new_teams: dict[str, tuple[str, str, int]] = {}
    for team, department, team_name, row in zip(team_keys, departments, team_names, rows,
                                                 strict=True):
        seen = teams.get(team) or new_teams.setdefault(team, (department, team_name or team,
                                                              row))
        if seen[0] != department or (team_name is not None and seen[1] != team_name):
            return None
    role_ids = list(map(roles.get, role_keys)) if any(role_keys) else [None] * count
    people = {key: {"name": name, "email": email, "team": team, "role_id": role_id,
                    "manager": manager, "location": location, "time_zone": zone,
                    "hire_date": day, "status": status}
              for key, name, email, team, role_id, manager, location, zone, day, status
              in zip(keys, names, emails, team_keys, role_ids, managers, locations, zones, days,
                     statuses_found, strict=True)}
    return people, dict(zip(keys, rows, strict=True)), new_teams


def _day(text: str) -> date | None:
    """Cells.day: blank is no date; else YYYY-MM-DD (or another ISO form date reads)."""
    text = text.strip()
    if not text:
        return None
    return date.fromisoformat(text)  # ValueError: the row check words it


def _each_distinct(columns: Mapping[str, int], table: Sequence[Sequence[str]], name: str,
                   count: int, rule: Callable[[str], Any]) -> list[Any] | None:
    at = columns.get(name)
    if at is None:
        return [None] * count
    try:
        answers = {text: rule(text) for text in set(table[at])}
    except ValueError:
        return None
    return list(map(answers.__getitem__, table[at]))


def _statuses(texts: list[str | None], statuses: Sequence[str]) -> list[str] | None:
    """Cells.choice with default "active": blank is active, else one of `statuses`, any case."""
    answers = {}
    for text in set(texts):
        if text is None:
            answers[text] = "active"
        elif text.lower() in statuses:
            answers[text] = text.lower()
        else:
            return None
    return list(map(answers.__getitem__, texts))
