"""The fairness audit on the organisation's data: by demographic group, the rates of being
recommended (named by a need), delivered to (treated by an intervention), developed (at the
required level of the intervention's skill) and improved (KPI up against their own baseline).

The only reader of demographics; what it returns goes to admin and ld alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import numpy as np

from learnloop.domain.analytics import FairnessAudit, audit_fairness
from learnloop.domain.interventions import Group
from learnloop.domain.needs import NeedStatus
from learnloop.domain.signals import SubjectType
from learnloop.store import Session
from learnloop.store.imports.demographics import demographics_by_person
from learnloop.store.interventions import assignment, intervention_list
from learnloop.store.needs import needs
from learnloop.store.people import requirements_by_person
from learnloop.store.proficiencies import proficiency_list
from learnloop.store.series import signal_columns

__all__ = ["FAIRNESS_COLUMNS", "fairness_audit", "fairness_fields", "fairness_rows"]

FAIRNESS_COLUMNS = ("attribute", "stage", "group", "eligible", "selected", "rate", "ratio",
                    "flagged")


def _improved(session: Session, *, organisation_id: int, metric: str, direction: str,
              treated: list[str], start) -> set[str]:
    """Treated people whose KPI mean after the start beats their own mean before it."""
    columns = signal_columns(session, organisation_id=organisation_id, metric=metric,
                             subject_type=SubjectType.PERSON, subject_keys=treated)
    if not len(columns):
        return set()
    origin = datetime.combine(start, time(), tzinfo=UTC)
    subjects = np.asarray(columns.subjects, dtype=object)[
        np.asarray(columns.subject_index, dtype=np.int64)]
    after = np.array([moment >= origin for moment in columns.observed_at])
    values = np.asarray(columns.values, dtype=float)
    better = set()
    for key in set(subjects.tolist()):
        mine = subjects == key
        if (mine & after).any() and (mine & ~after).any():
            change = values[mine & after].mean() - values[mine & ~after].mean()
            if (change > 0) == (direction != "down") and change != 0:
                better.add(key)
    return better


def fairness_audit(session: Session, *, organisation_id: int,
                   minimum_group_size: int) -> FairnessAudit:
    """Audit every demographic attribute across the stages the organisation has data for."""
    groups = demographics_by_person(session, organisation_id=organisation_id)
    outcomes: dict[str, set[str]] = {}
    raised = [need for need in needs(session, organisation_id=organisation_id)
              if need.status is not NeedStatus.DISMISSED]
    if raised:
        outcomes["recommended"] = {key for need in raised for key in need.person_keys}
    items = intervention_list(session, organisation_id=organisation_id)
    treated_by: dict[int, list[str]] = {}
    for item in items:
        found = assignment(session, organisation_id=organisation_id, intervention_id=item.id)
        treated_by[item.id] = found.people(Group.TREATED)
    if items:
        outcomes["delivered"] = {key for people in treated_by.values() for key in people}
        skills = {item.skill_key for item in items if item.skill_key}
        required = requirements_by_person(session, organisation_id=organisation_id)
        levels = {(row.person_key, row.skill_key): row.level
                  for row in proficiency_list(session, organisation_id=organisation_id)
                  if row.skill_key in skills}
        outcomes["developed"] = {
            key for item in items if item.skill_key for key in treated_by[item.id]
            if any(need.skill_key == item.skill_key and levels.get((key, item.skill_key), -1)
                   >= need.level for need in required.get(key, ()))}
        improved: set[str] = set()
        for item in items:
            if item.kpi_metric:
                improved |= _improved(session, organisation_id=organisation_id,
                                      metric=item.kpi_metric,
                                      direction=item.kpi_direction or "up",
                                      treated=treated_by[item.id], start=item.start)
        outcomes["improved"] = improved
    return audit_fairness(groups, outcomes, minimum_group_size=minimum_group_size)


def fairness_fields(audit: FairnessAudit) -> dict[str, Any]:
    return {
        "minimum_group_size": audit.minimum_group_size,
        "findings": list(audit.findings),
        "stages": [{"attribute": stage.attribute, "stage": stage.stage,
                    "reference_group": stage.reference_group,
                    "suppressed": len(stage.suppressed),
                    "groups": [{"group": group.group, "eligible": group.eligible,
                                "selected": group.selected, "rate": round(group.rate, 4),
                                "ratio": round(group.ratio, 4) if group.ratio == group.ratio
                                else None, "flagged": group.flagged}
                               for group in stage.groups]}
                   for stage in audit.stages],
    }


def fairness_rows(audit: FairnessAudit):
    for stage in audit.stages:
        for group in stage.groups:
            yield (stage.attribute, stage.stage, group.group, group.eligible, group.selected,
                   round(group.rate, 4), round(group.ratio, 4) if group.ratio == group.ratio
                   else None, group.flagged)
