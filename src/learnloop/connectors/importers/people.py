"""Imports people, their teams and the management chain from an HR system's CSV export.

Managers may appear later in the file than their reports, so people are written before managers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from learnloop.connectors.importers.cells import as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.people_columns import LIMITS, check_people_batch
from learnloop.connectors.importers.reading import CsvRow, csv_batches
from learnloop.domain.imports import Counts
from learnloop.domain.org import management_cycles
from learnloop.store import tables
from learnloop.store.imports.people import managers_by_key, write_people
from learnloop.store.keys import key_ids

__all__ = ["PeopleImporter"]

REQUIRED = ("id", "name", "team", "department")
OPTIONAL = ("team_name", "email", "role", "manager_id", "location", "time_zone", "hire_date",
            "status")
STATUSES = ("active", "on_leave", "left")
# the stored field each optional column sets; a column missing from the file leaves it alone
STORED = {"email": "email", "role": "role_id", "location": "location", "time_zone": "time_zone",
          "hire_date": "hire_date", "status": "status", "manager_id": "manager",
          "team_name": "team_name"}


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class PeopleImporter(Importer):
    kind = "people"
    description = "People, teams and managers from an HR export (CSV)."
    formats = ("csv",)

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        roles = key_ids(session, tables.Role, organisation_id=org)
        known_managers = managers_by_key(session, organisation_id=org)
        columns, batches = csv_batches(self.context.open_text(path, newline=""), self.problems,
                                       required=REQUIRED, optional=OPTIONAL,
                                       size=self.context.batch_size)
        people: dict[str, dict[str, Any]] = {}
        row_of: dict[str, int] = {}
        teams: dict[str, tuple[str, str, int]] = {}  # key → (department, display name, first row)
        zones: dict[str, bool] = {}

        def zone_ok(zone: str) -> bool:
            if zone not in zones:
                zones[zone] = _valid_zone(zone)
            return zones[zone]

        count = 0
        for batch in batches:
            if batch.clean and (checked := check_people_batch(
                    columns, batch.columns, batch.rows, roles=roles, row_of=row_of, teams=teams,
                    zone_ok=zone_ok, statuses=STATUSES)) is not None:
                people.update(checked[0])
                row_of.update(checked[1])
                teams.update(checked[2])
                count += batch.count
                self.context.report(count, count)
                continue
            count = self._each(batch.each(), count, columns=columns, people=people,
                               row_of=row_of, teams=teams, roles=roles, zone_ok=zone_ok)

        given = {STORED[name] for name in columns if name in STORED}
        self._check_managers(people, row_of, known_managers, given=given)
        if self.problems:
            return Counts(rows=count)
        return self._write(people, teams, count, given=given)

    def _each(self, rows: Iterable[CsvRow], count: int, *, columns: Mapping[str, int],
              people: dict[str, dict[str, Any]], row_of: dict[str, int],
              teams: dict[str, tuple[str, str, int]], roles: Mapping[str, int],
              zone_ok: Callable[[str], bool]) -> int:
        """Rows checked one by one (a batch with a problem), each problem worded; the count."""
        for row, raw in rows:
            count += 1
            cells = as_cells(columns, raw, self.problems, row)
            key = cells.key("id")
            name = cells.text("name", required=True, max_length=LIMITS["name"])
            email = cells.text("email", max_length=LIMITS["email"])
            if email is not None and "@" not in email:
                cells.problem("email", f"{email!r} is not an e-mail address")
            team = cells.key("team")
            department = cells.text("department", required=True,
                                    max_length=LIMITS["department"])
            role = cells.key("role", required=False)
            if role is not None and role not in roles:
                cells.problem("role", f"no role with id {role!r} (import roles first)")
            manager = cells.key("manager_id", required=False)
            zone = cells.text("time_zone", max_length=LIMITS["time_zone"]) or "UTC"
            if not zone_ok(zone):
                cells.problem("time_zone",
                              f"{zone!r} is not an IANA time zone such as Europe/Berlin")
            hire_date = cells.day("hire_date")
            status = cells.choice("status", STATUSES, default="active")
            team_name = cells.text("team_name", max_length=LIMITS["team_name"])
            if team is not None and department is not None:
                seen = teams.setdefault(team, (department, team_name or team, row))
                if seen[0] != department:
                    cells.problem("department", f"team {team!r} is in department {seen[0]!r} "
                                                f"on row {seen[2]}")
                if team_name is not None and seen[1] != team_name:
                    cells.problem("team_name",
                                  f"team {team!r} is named {seen[1]!r} on row {seen[2]}")
            if key is not None and key in row_of:
                cells.problem("id", f"id {key!r} appears more than once (also row {row_of[key]})")
                continue
            if key is not None:
                row_of[key] = row
            if not cells.ok or key is None:
                continue
            location = cells.text("location", max_length=LIMITS["location"])
            people[key] = {"name": name, "email": email, "team": team, "role_id": roles.get(role),
                           "manager": manager, "location": location, "time_zone": zone,
                           "hire_date": hire_date, "status": status}
            if count % self.context.batch_size == 0:
                self.context.report(count, count)
        return count

    def _check_managers(self, people: dict[str, dict[str, Any]], row_of: dict[str, int],
                        known: dict[str, str | None], *, given: set[str]) -> None:
        chain = dict(known)
        for key, person in people.items():
            if "manager" not in given:
                chain.setdefault(key, None)  # managers stay as they are: no new cycle possible
                continue
            manager = person["manager"]
            if manager is not None and manager not in row_of and manager not in known:
                self.problems.add(f"no person with id {manager!r} in this file or already imported",
                                  row=row_of[key], field="manager_id")
            chain[key] = manager
        for cycle in management_cycles(chain):
            in_file = [key for key in cycle if key in row_of]
            if in_file:
                first = min(in_file, key=row_of.__getitem__)
                loop = " → ".join([*cycle, cycle[0]])
                self.problems.add(f"management cycle: {loop}", row=row_of[first],
                                  field="manager_id")

    def _write(self, people: dict[str, dict[str, Any]], teams: dict[str, tuple[str, str, int]],
               count: int, *, given: set[str]) -> Counts:
        return write_people(self.context.session, organisation_id=self.context.organisation_id,
                            teams={team: {"name": name, "department": department}
                                   for team, (department, name, _row) in teams.items()},
                            people=people, rows=count, batch_size=self.context.batch_size,
                            given=given, set_checked_from=self.context.set_check_min_rows)
