"""Imports pulse survey results: one aggregate score per team, question and period (CSV).

Groups under MIN_PULSE_RESPONSES answers are refused: their scores could be traced to people.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnloop.connectors.importers.cells import as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows
from learnloop.domain.evidence import MIN_PULSE_RESPONSES
from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.imports.pulse import write_pulse
from learnloop.store.keys import key_ids

__all__ = ["PulseImporter"]


class PulseImporter(Importer):
    kind = "pulse"
    description = "Pulse survey results per team, question and period (CSV)."
    formats = ("csv",)

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        teams = key_ids(session, tables.Team, organisation_id=org)
        columns, records = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                    required=(
            "survey", "team", "question", "period", "score", "responses"))
        results: dict[tuple[Any, ...], dict[str, Any]] = {}
        row_of: dict[tuple[Any, ...], int] = {}
        rows = 0
        for row, raw in records:
            rows += 1
            cells = as_cells(columns, raw, self.problems, row)
            survey = cells.key("survey")
            team = cells.key("team")
            question = cells.text("question", required=True)
            period = cells.day("period", required=True)
            score = cells.number("score")
            responses = cells.whole("responses", low=0)
            if team is not None and team not in teams:
                cells.problem("team", f"no team {team!r} (teams come from the people import)")
            if responses is not None and responses < MIN_PULSE_RESPONSES:
                cells.problem("responses", f"{responses} answers is fewer than "
                                           f"{MIN_PULSE_RESPONSES}: too few to keep anonymous")
            if not cells.ok:
                continue
            key = (survey, teams[team], question, period)
            if key in row_of:
                cells.problem("question", f"same survey, team, question and period as row "
                                          f"{row_of[key]}")
                continue
            row_of[key] = row
            results[key] = {"score": score, "responses": responses}
        if self.problems:
            return Counts(rows=rows)
        return write_pulse(session, organisation_id=org, results=results, rows=rows,
                           batch_size=self.context.batch_size)
