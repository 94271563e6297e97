"""Imports interventions delivered elsewhere with the assignment made for them (CSV: one row per
person with their group; the intervention's details on its first row).

Re-importing the same file changes nothing; a changed assignment replaces the stored one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import Cells, as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows
from learnloop.domain.imports import Counts
from learnloop.domain.interventions import Group
from learnloop.store import tables
from learnloop.store.imports.interventions import write_interventions
from learnloop.store.keys import key_ids

__all__ = ["InterventionsImporter"]

GROUPS = tuple(group.value for group in Group)
# the intervention's details: given on its first row, blank or the same on the others
DETAILS = ("title", "start", "need", "kpi", "direction", "behaviour", "skill", "delivered")
_COLUMN_OF = {"need_id": "need", "kpi_metric": "kpi", "kpi_direction": "direction",
              "behaviour_metrics": "behaviour", "skill_key": "skill"}


class InterventionsImporter(Importer):
    kind = "interventions"
    description = ("Interventions delivered elsewhere and who was treated or held out (CSV: "
                   "intervention, person, group, and the details on each one's first row).")
    formats = ("csv",)

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        people = key_ids(session, tables.Person, organisation_id=org)
        needs = key_ids(session, tables.Need, organisation_id=org)
        columns, records = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                    required=("intervention", "person", "group"),
                                    optional=DETAILS)
        found: dict[str, dict[str, Any]] = {}
        rows = 0
        for row, raw in records:
            rows += 1
            cells = as_cells(columns, raw, self.problems, row)
            key = cells.key("intervention")
            person = cells.key("person")
            group = cells.choice("group", GROUPS)
            details = self._details(cells, needs)
            if person is not None and person not in people:
                cells.problem("person", f"no person {person!r} (people come from the people "
                                        "import)")
            if not cells.ok or key is None or person is None or group is None:
                continue
            item = found.setdefault(key, {"groups": {}, "row": row, "details": {}})
            self._merge(cells, item["details"], details)
            if person in item["groups"]:
                cells.problem("person", f"{person!r} is listed twice for {key!r}")
            item["groups"][person] = group
        for key, item in found.items():
            if item["details"].get("start") is None:
                self.problems.add(f"intervention {key!r} has no start date", row=item["row"],
                                  field="start")
            groups = set(item["groups"].values())
            if groups != set(GROUPS):
                self.problems.add(f"intervention {key!r} needs people in both groups "
                                  "(treated and holdout) to be measured", row=item["row"],
                                  field="group")
        if self.problems:
            return Counts(rows=rows)
        return write_interventions(session, organisation_id=org, rows=rows, interventions={
            key: {**item["details"], "groups": item["groups"]} for key, item in found.items()},
            people=people)

    @staticmethod
    def _details(cells: Cells, needs: dict[str, int]) -> dict[str, Any]:
        need = cells.key("need", required=False)
        if need is not None and need not in needs:
            cells.problem("need", f"no need {need!r}")
        behaviour = cells.text("behaviour", max_length=1000)
        return {
            "title": cells.text("title"), "start": cells.day("start"),
            "need_id": needs.get(need) if need is not None else None,
            "kpi_metric": cells.key("kpi", required=False),
            "kpi_direction": cells.choice("direction", ("up", "down"), required=False),
            "behaviour_metrics": tuple(part.strip() for part in behaviour.split(";")
                                       if part.strip()) if behaviour else None,
            "skill_key": cells.key("skill", required=False),
            "delivered": cells.text("delivered", max_length=2000),
        }

    @staticmethod
    def _merge(cells: Cells, kept: dict[str, Any], details: dict[str, Any]) -> None:
        for name, value in details.items():
            if value is None:
                continue
            if kept.get(name) is None:
                kept[name] = value
            elif kept[name] != value:
                cells.problem(_COLUMN_OF.get(name, name),
                              f"differs from the intervention's first row ({kept[name]!s})")
