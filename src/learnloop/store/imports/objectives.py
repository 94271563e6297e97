"""The objectives import's writes: objectives, then each one's KPIs and skills as given.

An objective whose KPIs or skills changed counts as updated even when its own fields did not.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import replace_children, sync_rows

__all__ = ["OBJECTIVE_FIELDS", "write_objectives"]

OBJECTIVE_FIELDS = ("title", "description", "owner", "priority", "weight", "reason", "team_keys")


def write_objectives(session: Session, *, organisation_id: int,
                     objectives: Mapping[str, Mapping[str, Any]],
                     kpis: Mapping[str, Set[tuple[Any, ...]]],
                     skill_ids: Mapping[str, Set[int]], batch_size: int) -> Counts:
    """Upsert `objectives` (key → OBJECTIVE_FIELDS) and make each one's KPIs exactly `kpis[key]`
    ((metric, direction, unit, target) each) and its skills exactly `skill_ids[key]`."""
    synced = sync_rows(session, tables.Objective, organisation_id=organisation_id,
                       rows=objectives, batch_size=batch_size, compared=OBJECTIVE_FIELDS)
    changed = replace_children(
        session, tables.Kpi, parent_column="objective_id", batch_size=batch_size,
        wanted={synced.ids[key]: set(wanted) for key, wanted in kpis.items()},
        columns=("metric", "direction", "unit", "target"))
    changed |= replace_children(
        session, tables.ObjectiveSkill, parent_column="objective_id", batch_size=batch_size,
        wanted={synced.ids[key]: {(skill_id,) for skill_id in wanted}
                for key, wanted in skill_ids.items()},
        columns=("skill_id",))
    synced.mark_updated(key for key in objectives if synced.ids[key] in changed)
    return synced.counts(len(objectives))
