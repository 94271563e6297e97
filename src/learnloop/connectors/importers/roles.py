"""Imports roles and the skill levels they require: YAML (nested) or CSV (a row per requirement).

The requirements in the file become the role's requirements; skills must already be imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import Cells, as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows, read_yaml, yaml_cells
from learnloop.domain.imports import Counts
from learnloop.domain.proficiency import MAX_LEVEL, MIN_LEVEL, Criticality
from learnloop.store import tables
from learnloop.store.imports.catalogue import ROLE_FIELDS, write_roles
from learnloop.store.keys import key_ids

__all__ = ["RolesImporter"]

CRITICALITIES = tuple(level.value for level in Criticality)


class RolesImporter(Importer):
    kind = "roles"
    description = "Roles and the skill levels they require (YAML or CSV)."
    formats = ("yaml", "yml", "csv")

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        self._skills = key_ids(session, tables.Skill, organisation_id=org)
        self._roles: dict[str, dict[str, Any]] = {}
        self._requirements: dict[str, dict[int, tuple[int, str]]] = {}
        self._first_row: dict[str, int] = {}
        self._compared = ROLE_FIELDS
        rows = self._read_csv(path) if path.suffix.lower() == ".csv" else self._read_yaml(path)
        if self.problems:
            return Counts(rows=rows)
        return write_roles(session, organisation_id=org, roles=self._roles,
                           requirements=self._requirements, batch_size=self.context.batch_size,
                           compared=self._compared)

    def _read_yaml(self, path: Path) -> int:
        document = read_yaml(self.context.open_text(path), self.problems)
        for cells in yaml_cells(document, "roles", self.problems):
            cells.only(("id", "name", "description", "requirements"))
            key = self._role(cells)
            if key is None:
                continue
            for requirement in cells.nested("requirements"):
                requirement.only(("skill", "level", "criticality"))
                self._requirement(key, requirement)
        return len(self._roles)

    def _read_csv(self, path: Path) -> int:
        columns, records = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                    required=("role", "name"),
                                    optional=("description", "skill", "level", "criticality"))
        # a column the file leaves out keeps what is stored: descriptions, or requirements
        if "description" not in columns:
            self._compared = ("name",)
        keep_requirements = "skill" not in columns
        for row, raw in records:
            cells = as_cells(columns, raw, self.problems, row)
            key = self._role(cells, key_field="role")
            if key is not None and cells.raw("skill") is not None:
                self._requirement(key, cells)
            elif key is not None and (cells.raw("level") is not None
                                      or cells.raw("criticality") is not None):
                cells.problem("skill", "is required when level or criticality is given")
        if keep_requirements:
            self._requirements = {}
        return len(self._roles)

    def _role(self, cells: Cells, *, key_field: str = "id") -> str | None:
        key = cells.key(key_field)
        name = cells.text("name", required=True, max_length=200)
        description = cells.text("description", max_length=10_000) or ""
        if key is None or name is None:
            return None
        values = {"name": name, "description": description}
        if key not in self._roles:
            self._roles[key] = values
            self._requirements[key] = {}
            self._first_row[key] = cells.row or 0
        elif key_field == "id":
            cells.problem(key_field, f"role {key!r} appears more than once "
                                     f"(also row {self._first_row[key]})")
        elif self._roles[key] != values:
            cells.problem("name", f"role {key!r} has a different name or description on row "
                                  f"{self._first_row[key]}")
        return key

    def _requirement(self, role: str, cells: Cells) -> None:
        skill = cells.key("skill")
        level = cells.whole("level", low=MIN_LEVEL, high=MAX_LEVEL)
        criticality = cells.choice("criticality", CRITICALITIES)
        if skill is not None and skill not in self._skills:
            cells.problem("skill", f"no skill {skill!r} in the taxonomy (import skills first)")
            return
        if skill is None or level is None or criticality is None:
            return
        needs = self._requirements[role]
        if self._skills[skill] in needs:
            cells.problem("skill", f"skill {skill!r} is required twice by role {role!r}")
            return
        needs[self._skills[skill]] = (level, criticality)
