"""Imports the skills taxonomy: YAML grouped by category, or CSV with one skill per row.

Skills come first: roles, evidence and objectives refer to their keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import Cells, as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows, read_yaml, yaml_cells
from learnloop.domain.imports import Counts
from learnloop.store.imports.catalogue import write_skills

__all__ = ["SkillsImporter"]


class SkillsImporter(Importer):
    kind = "skills"
    description = "The skills taxonomy (YAML by category, or CSV)."
    formats = ("yaml", "yml", "csv")

    def run(self, path: Path) -> Counts:
        skills: dict[str, dict[str, Any]] = {}
        self._row_of: dict[str, tuple[int, str]] = {}
        rows = 0
        compared = ("name", "category", "description")
        if path.suffix.lower() == ".csv":
            columns, records = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                        required=("id", "name", "category"),
                                        optional=("description",))
            if "description" not in columns:
                compared = ("name", "category")  # no column: descriptions stay as they are
            for row, raw in records:
                rows += 1
                self._add(skills, as_cells(columns, raw, self.problems, row), category=None)
        else:
            document = read_yaml(self.context.open_text(path), self.problems)
            for category_cells in yaml_cells(document, "categories", self.problems,
                                             shape="a mapping with name and skills"):
                category_cells.only(("name", "skills"))
                category = category_cells.text("name", required=True, max_length=200)
                for cells in category_cells.nested("skills"):
                    rows += 1
                    self._add(skills, cells, category=category or "")
        if self.problems:
            return Counts(rows=rows)
        return write_skills(self.context.session, organisation_id=self.context.organisation_id,
                            skills=skills, rows=rows, batch_size=self.context.batch_size,
                            compared=compared)

    def _add(self, skills: dict[str, dict[str, Any]], cells: Cells, *,
             category: str | None) -> None:
        if category is None:
            category = cells.text("category", required=True, max_length=200)
        else:
            cells.only(("id", "name", "description"))
        key = cells.key("id")
        name = cells.text("name", required=True, max_length=200)
        description = cells.text("description", max_length=10_000) or ""
        if key is not None and key in self._row_of:
            row, where = self._row_of[key]
            cells.problem("id", f"skill {key!r} appears more than once (also row {row}"
                                f"{', ' + where if where else ''})")
        elif key is not None:
            self._row_of[key] = (cells.row or 0, cells.prefix)
        if cells.ok and key is not None:
            skills[key] = {"name": name, "category": category, "description": description}
