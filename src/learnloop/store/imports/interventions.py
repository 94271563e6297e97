"""The interventions import's writes: an intervention per id with its assignment, created or,
when the file says something new about it, updated (its assignment replaced whole).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts
from learnloop.domain.interventions import Group
from learnloop.store import tables
from learnloop.store.interventions import create_intervention
from learnloop.store.reading import chunks

__all__ = ["write_interventions"]

_COMPARED = ("title", "start", "need_id", "kpi_metric", "kpi_direction", "behaviour_metrics",
             "skill_key", "delivered")


def _stored_groups(session: Session, intervention_id: int) -> dict[int, str]:
    table = tables.InterventionAssignment
    return dict(session.execute(select(table.person_id, table.arm).where(
        table.intervention_id == intervention_id)).all())


def write_interventions(session: Session, *, organisation_id: int,
                        interventions: Mapping[str, Mapping[str, Any]], rows: int,
                        people: Mapping[str, int]) -> Counts:
    """Create or update each intervention (id → details and groups: person key → group); the
    counts are of rows (people), each counted as its intervention was."""
    existing = {row.key: row for row in session.scalars(select(tables.Intervention).where(
        tables.Intervention.organisation_id == organisation_id,
        tables.Intervention.key.in_(sorted(interventions))))} if interventions else {}
    created = updated = unchanged = 0
    for key, item in interventions.items():
        details = {name: item.get(name) for name in _COMPARED}
        details["title"] = details["title"] or key
        details["delivered"] = details["delivered"] or ""
        details["behaviour_metrics"] = list(details["behaviour_metrics"] or ())
        groups: dict[str, str] = dict(item["groups"])
        row = existing.get(key)
        if row is None:
            create_intervention(
                session, organisation_id=organisation_id, need_id=details["need_id"],
                person_keys=(), holdout=0.0, start=details["start"], source="external",
                title=details["title"], delivered=details["delivered"], groups=groups,
                population={"imported": key}, created_by="import", key=key,
                kpi_metric=details["kpi_metric"], kpi_direction=details["kpi_direction"],
                behaviour_metrics=details["behaviour_metrics"], skill_key=details["skill_key"])
            created += len(groups)
            continue
        wanted = {people[person]: group for person, group in groups.items()}
        same = all(getattr(row, name) == value for name, value in details.items())
        if same and _stored_groups(session, row.id) == wanted:
            unchanged += len(groups)
            continue
        for name, value in details.items():
            setattr(row, name, value)
        row.holdout = sum(group == Group.HOLDOUT for group in wanted.values()) / len(wanted)
        session.execute(delete(tables.InterventionAssignment).where(
            tables.InterventionAssignment.intervention_id == row.id))
        assigned = [{"intervention_id": row.id, "person_id": person, "arm": group}
                    for person, group in sorted(wanted.items())]
        for part in chunks(assigned):
            session.execute(insert(tables.InterventionAssignment), list(part))
        session.flush()
        updated += len(groups)
    return Counts(rows=rows, created=created, updated=updated, unchanged=unchanged)
