"""Imports the change log: what happened in the organisation and when (CSV).

Process changes, outages, launches, reorganisations and holidays, each with a date or a range and
a team (blank: organisation-wide); the sensing agent uses them to explain dips and to discount.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows
from learnloop.domain.imports import Counts
from learnloop.domain.sensing.series import ChangeKind
from learnloop.store import tables
from learnloop.store.imports.changes import write_changes
from learnloop.store.keys import key_ids

__all__ = ["ChangesImporter"]

KINDS = tuple(kind.value for kind in ChangeKind)


class ChangesImporter(Importer):
    kind = "changes"
    description = ("The change log: process changes, outages, launches, reorganisations and "
                   "holidays, with dates and an optional team (CSV).")
    formats = ("csv",)

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        teams = key_ids(session, tables.Team, organisation_id=org)
        columns, records = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                    required=("id", "kind", "start"),
                                    optional=("end", "team", "description"))
        changes: dict[str, dict[str, Any]] = {}
        row_of: dict[str, int] = {}
        rows = 0
        for row, raw in records:
            rows += 1
            cells = as_cells(columns, raw, self.problems, row)
            key = cells.key("id")
            kind = cells.choice("kind", KINDS)
            starts = cells.day("start", required=True)
            ends = cells.day("end") or starts
            team = cells.key("team", required=False)
            description = cells.text("description", max_length=2000) or ""
            if team is not None and team not in teams:
                cells.problem("team", f"no team {team!r} (teams come from the people import)")
            if starts is not None and ends is not None and ends < starts:
                cells.problem("end", f"{ends} is before the start {starts}")
            if key is not None and key in row_of:
                cells.problem("id", f"same id as row {row_of[key]}")
            if not cells.ok or key is None:
                continue
            row_of[key] = row
            changes[key] = {"kind": kind, "starts": starts, "ends": ends,
                            "team_id": teams[team] if team is not None else None,
                            "description": description}
        if self.problems:
            return Counts(rows=rows)
        return write_changes(session, organisation_id=org, changes=changes, rows=rows,
                             batch_size=self.context.batch_size)
