"""Counts and headline figures about one organisation, for `learnloop status` and the console."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.store import tables

__all__ = ["organisation_counts"]

_COUNTED = {
    "people": (tables.Person, tables.Person.organisation_id),
    "teams": (tables.Team, tables.Team.organisation_id),
    "roles": (tables.Role, tables.Role.organisation_id),
    "skills": (tables.Skill, tables.Skill.organisation_id),
    "objectives": (tables.Objective, tables.Objective.organisation_id),
    "signals": (tables.Signal, tables.Signal.organisation_id),
    "skill_evidence": (tables.SkillEvidence, tables.SkillEvidence.organisation_id),
    "pulse_results": (tables.PulseResult, tables.PulseResult.organisation_id),
    "sources": (tables.SourceDocument, tables.SourceDocument.organisation_id),
    "events": (tables.Event, tables.Event.organisation_id),
}


def organisation_counts(session: Session, organisation_id: int) -> dict[str, int]:
    """How many of each kind of record the organisation holds, in one round trip."""
    columns = [
        select(func.count()).select_from(table).where(org_column == organisation_id)
        .scalar_subquery().label(name)
        for name, (table, org_column) in _COUNTED.items()
    ]
    row = session.execute(select(*columns)).one()
    return {name: int(value) for name, value in zip(_COUNTED, row, strict=True)}
