"""Keeps the analytics agent's measurement of each intervention (levels 1-4, the KPI effect):
one row per intervention, replaced by every run; read by the reports, the API and the console.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.store import tables

__all__ = ["impact_report", "impact_reports", "link_need", "save_impact"]


def save_impact(session: Session, *, organisation_id: int, intervention_id: int,
                report: dict[str, Any], computed_at: datetime) -> None:
    """Store `report` (JSON-ready) as the intervention's latest measurement."""
    table = tables.ImpactResult
    row = session.scalar(select(table).where(table.intervention_id == intervention_id))
    if row is None:
        row = table(organisation_id=organisation_id, intervention_id=intervention_id)
        session.add(row)
    row.kpi = report.get("kpi")
    row.estimate, row.lower, row.upper = (report.get("estimate"), report.get("lower"),
                                          report.get("upper"))
    row.n_treated, row.n_holdout = report.get("n_treated", 0), report.get("n_holdout", 0)
    row.verdict = report.get("verdict", "")
    row.report = report
    row.computed_at = computed_at
    session.flush()


def impact_report(session: Session, *, organisation_id: int,
                  intervention_id: int) -> dict[str, Any] | None:
    """The latest stored report of one intervention, None before the agent has measured it."""
    table = tables.ImpactResult
    row = session.scalar(select(table).where(table.organisation_id == organisation_id,
                                             table.intervention_id == intervention_id))
    return None if row is None else {**row.report, "computed_at": row.computed_at.isoformat()}


def impact_reports(session: Session, *, organisation_id: int) -> list[dict[str, Any]]:
    """Every stored report, newest intervention start first."""
    table = tables.ImpactResult
    rows = session.scalars(select(table).join(
        tables.Intervention, tables.Intervention.id == table.intervention_id)
        .where(table.organisation_id == organisation_id)
        .order_by(tables.Intervention.start.desc(), tables.Intervention.id.desc()))
    return [{**row.report, "computed_at": row.computed_at.isoformat()} for row in rows]


def link_need(session: Session, *, organisation_id: int, intervention_id: int,
              need_id: int) -> None:
    """Record that an intervention serves a need (found by the analytics agent)."""
    row = session.scalar(select(tables.Intervention).where(
        tables.Intervention.organisation_id == organisation_id,
        tables.Intervention.id == intervention_id))
    if row is not None:
        row.need_id = need_id
        session.flush()
