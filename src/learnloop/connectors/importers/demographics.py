"""Imports demographic attributes (CSV: person, attribute, value) for the fairness audit only.

Kept apart from the people import: only admin and ld read them, and no agent but the fairness
audit does; they are never an input to a recommendation.
"""

from __future__ import annotations

from pathlib import Path

from learnloop.connectors.importers.cells import as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows
from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.imports.demographics import write_demographics
from learnloop.store.keys import key_ids

__all__ = ["DemographicsImporter"]


class DemographicsImporter(Importer):
    kind = "demographics"
    description = ("Demographic attributes per person, for the fairness audit only (CSV: "
                   "person, attribute, value); read by admin and ld, never by recommendations.")
    formats = ("csv",)

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        people = key_ids(session, tables.Person, organisation_id=org)
        columns, records = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                    required=("person", "attribute", "value"))
        values: dict[tuple[int, str], dict[str, str]] = {}
        row_of: dict[tuple[int, str], int] = {}
        rows = 0
        for row, raw in records:
            rows += 1
            cells = as_cells(columns, raw, self.problems, row)
            person = cells.key("person")
            attribute = cells.key("attribute", max_length=64)
            value = cells.text("value", required=True, max_length=200)
            if person is not None and person not in people:
                cells.problem("person", f"no person {person!r} (people come from the people "
                                        "import)")
            if not cells.ok or person is None or attribute is None or value is None:
                continue
            key = (people[person], attribute.lower())
            if key in row_of:
                cells.problem("attribute", f"{person!r} already has {attribute!r} on row "
                                           f"{row_of[key]}")
                continue
            row_of[key] = row
            values[key] = {"value": value}
        if self.problems:
            return Counts(rows=rows)
        return write_demographics(session, organisation_id=org, values=values, rows=rows,
                                  batch_size=self.context.batch_size)
