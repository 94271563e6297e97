"""Writes L&D's edits to an objective's priority, weight and reason (the objectives import writes
the rest); learnloop.steering records each edit as an event.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.objectives import Objective
from learnloop.errors import NotFoundError
from learnloop.store import tables
from learnloop.store.catalogue import objective_list

__all__ = ["set_objective_priority"]


def set_objective_priority(session: Session, *, organisation_id: int, objective_key: str,
                           priority: bool, weight: float, reason: str | None) -> Objective:
    row = session.scalar(select(tables.Objective).where(
        tables.Objective.organisation_id == organisation_id,
        tables.Objective.key == objective_key))
    if row is None:
        raise NotFoundError(f"no objective {objective_key!r}")
    row.priority, row.weight, row.reason = priority, weight, reason
    session.flush()
    return next(o for o in objective_list(session, organisation_id=organisation_id)
                if o.key == objective_key)
