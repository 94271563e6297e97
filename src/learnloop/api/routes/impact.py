"""Interventions, their impact reports (levels 1-4, the KPI effect against the hold-out), the
organisation summary and the fairness audit. L&D and admins only: reports name teams, and the
fairness audit is the one place demographics are read.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from learnloop.domain.access import AccessRole
from learnloop.reports.fairness import fairness_audit, fairness_fields
from learnloop.reports.impact import impact_of, summary_of
from learnloop.serving.deps import (
    LARGEST_ID,
    RoleDocumentedRoute,
    SessionDep,
    StaffDep,
    WorkspaceDep,
)
from learnloop.store.interventions import intervention_list

router = APIRouter(prefix="/api", tags=["analytics"], route_class=RoleDocumentedRoute)

A = AccessRole
Staff = StaffDep


@router.get("/interventions", response_model=list[dict[str, Any]])
def list_interventions(session: SessionDep, principal: Staff) -> list[dict[str, Any]]:
    """Every intervention, newest start first, with its group sizes."""
    return [{"id": item.id, "key": item.key, "need_id": item.need_id, "title": item.title,
             "start": item.start.isoformat(), "source": item.source.value,
             "holdout": item.holdout, "seed": item.seed, "kpi": item.kpi_metric,
             "treated": item.treated, "held_out": item.held_out}
            for item in intervention_list(session, organisation_id=principal.organisation_id)]


@router.get("/interventions/{intervention_id}/impact", response_model=dict[str, Any])
def get_impact(
    intervention_id: Annotated[int, Path(ge=1, le=LARGEST_ID)], session: SessionDep,
    workspace: WorkspaceDep, principal: Staff,
) -> dict[str, Any]:
    """The impact report: `estimate, lower, upper, kpi, n_treated, n_holdout`, the verdict,
    levels 1-4, per-team changes, weekly means, time to competency, cycle times, hours."""
    return impact_of(session, organisation_id=principal.organisation_id,
                     intervention_id=intervention_id, settings=workspace.settings)


@router.get("/reports/summary", response_model=dict[str, Any])
def get_summary(session: SessionDep, principal: Staff) -> dict[str, Any]:
    """The organisation summary: each intervention's headline and the totals."""
    return summary_of(session, organisation_id=principal.organisation_id)


@router.get("/reports/fairness", response_model=dict[str, Any])
def get_fairness(session: SessionDep, workspace: WorkspaceDep,
                 principal: Staff) -> dict[str, Any]:
    """Rates by demographic group at each stage, flags under the four-fifths rule, small
    groups suppressed."""
    return fairness_fields(fairness_audit(
        session, organisation_id=principal.organisation_id,
        minimum_group_size=workspace.settings.analytics_minimum_group_size))
