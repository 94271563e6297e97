"""Imports pulse survey results: one aggregate score per team, question and period (CSV).

Groups under MIN_PULSE_RESPONSES answers are refused: their scores could be traced to people.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from learnloop.connectors.importers.base import Counts, Importer, as_cells, csv_rows
from learnloop.domain.evidence import MIN_PULSE_RESPONSES
from learnloop.store import tables
from learnloop.store.bulk import sync_rows

__all__ = ["PulseImporter"]

_KEY = ("survey", "team_id", "question", "period")


class PulseImporter(Importer):
    kind = "pulse"
    description = "Pulse survey results per team, question and period (CSV)."
    formats = ("csv",)

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        teams = self.context.key_ids(tables.Team)
        columns, records = csv_rows(path, self.problems, required=(
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
        synced = sync_rows(session, tables.PulseResult, organisation_id=org, rows=results,
                           key_columns=_KEY, compared=("score", "responses"),
                           batch_size=self.context.batch_size)
        return synced.counts(rows)
