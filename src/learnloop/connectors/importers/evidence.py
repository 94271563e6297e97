"""Imports proficiency evidence (manager ratings, self-assessments, assessments) from CSV, streamed.

Evidence can run to millions of rows (people × skills × reviews), so it streams like signals.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from learnloop.connectors.importers.base import Counts, Importer, as_cells, count_lines, csv_rows
from learnloop.connectors.importers.writing import KeyedStream
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiency import MAX_LEVEL, MIN_LEVEL
from learnloop.store import tables

__all__ = ["EvidenceImporter"]

KINDS = tuple(kind.value for kind in EvidenceKind)


class EvidenceImporter(Importer):
    kind = "evidence"
    description = "Proficiency evidence: manager ratings, self-assessments, assessments (CSV)."
    formats = ("csv",)

    def run(self, path: Path) -> Counts:
        session, org = self.context.session, self.context.organisation_id
        people = dict(session.execute(select(tables.Person.key, tables.Person.id).where(
            tables.Person.organisation_id == org)).all())
        skills = dict(session.execute(select(tables.Skill.key, tables.Skill.id).where(
            tables.Skill.organisation_id == org)).all())
        stream = KeyedStream(session, tables.SkillEvidence, organisation_id=org,
                             columns=("person_id", "skill_id", "kind", "level", "observed_on",
                                      "source"),
                             problems=self.problems, batch_size=self.context.batch_size,
                             noun="evidence id")
        total = max(count_lines(path) - 1, 0)
        columns, rows = csv_rows(path, self.problems, optional=("id",),
                                 required=("person", "skill", "kind", "level", "date", "source"))
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
            else:
                stream.counts.rows += 1
            if row % self.context.batch_size == 0:
                self.context.report(row, total)
        return stream.finish()
