"""Imports proficiency evidence (manager ratings, self-assessments, assessments) from CSV, streamed.

Evidence can run to millions of rows (people × skills × reviews), so it streams like signals.
"""

from __future__ import annotations

from pathlib import Path

from learnloop.connectors.importers.cells import as_cells
from learnloop.connectors.importers.importer import Importer
from learnloop.connectors.importers.reading import csv_rows
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.imports import Counts
from learnloop.domain.proficiency import MAX_LEVEL, MIN_LEVEL
from learnloop.store import tables
from learnloop.store.imports.streams import evidence_stream
from learnloop.store.keys import key_ids

__all__ = ["EvidenceImporter"]

KINDS = tuple(kind.value for kind in EvidenceKind)

REQUIRED = ("person", "skill", "kind", "level", "date", "source")


class EvidenceImporter(Importer):
    kind = "evidence"
    description = "Proficiency evidence: manager ratings, self-assessments, assessments (CSV)."
    formats = ("csv",)

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        people = key_ids(session, tables.Person, organisation_id=org)
        skills = key_ids(session, tables.Skill, organisation_id=org)
        with evidence_stream(session, organisation_id=org, problems=self.problems,
                             batch_size=self.context.batch_size) as stream:
            total = max(self.context.line_total(path) - 1, 0)
            columns, rows = csv_rows(self.context.open_text(path, newline=""), self.problems,
                                     optional=("id",), required=REQUIRED)
            for row, raw in rows:
                cells = as_cells(columns, raw, self.problems, row)
                person = cells.key("person")
                skill = cells.key("skill")
                kind = cells.choice("kind", KINDS)
                level = cells.number("level", low=MIN_LEVEL, high=MAX_LEVEL)
                observed_on = cells.day("date", required=True)
                source = cells.key("source")
                if person is not None and person not in people:
                    cells.problem("person", f"no person with id {person!r}")
                if skill is not None and skill not in skills:
                    cells.problem("skill", f"no skill {skill!r} in the taxonomy")
                key = cells.key("id", required=False, max_length=300)
                if cells.ok:
                    key = key or f"{kind}|{person}|{skill}|{observed_on.isoformat()}|{source}"
                    stream.add(row, key, (people[person], skills[skill], kind, level, observed_on,
                                          source))
                if row % self.context.batch_size == 0:
                    self.context.report(row, total)
            return stream.finish()
