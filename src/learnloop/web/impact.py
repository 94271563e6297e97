"""Console pages about impact: every intervention with its headline, one intervention's report
(levels 1-4, charts, CSV and PDF downloads) and the fairness audit. Admin and L&D only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from learnloop.csv_export import csv_text
from learnloop.domain.access import AccessRole
from learnloop.reports.fairness import fairness_audit
from learnloop.reports.impact import IMPACT_COLUMNS, impact_of, impact_rows, summary_of
from learnloop.reports.pdf import impact_pdf
from learnloop.serving.deps import (
    LARGEST_ID,
    OrganisationDep,
    RoleDocumentedRoute,
    SessionDep,
    StaffDep,
    WorkspaceDep,
)
from learnloop.web.impact_charts import effects_figure, weekly_figure
from learnloop.web.rendering import page

__all__ = ["router"]

router = APIRouter(include_in_schema=False, route_class=RoleDocumentedRoute)

A = AccessRole
Staff = StaffDep
InterventionId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@router.get("/impact", response_class=HTMLResponse)
def impact_list(request: Request, session: SessionDep, organisation: OrganisationDep,
                principal: Staff) -> HTMLResponse:
    """The organisation summary: every intervention's headline effect and the totals."""
    return page(request, "impact_list.html", principal, organisation,
                summary=summary_of(session, organisation_id=principal.organisation_id))


@router.get("/impact/{intervention_id}", response_class=HTMLResponse)
def impact_page(request: Request, session: SessionDep, organisation: OrganisationDep,
                workspace: WorkspaceDep, principal: Staff,
                intervention_id: InterventionId) -> HTMLResponse:
    """One intervention's impact report with its charts."""
    report = impact_of(session, organisation_id=principal.organisation_id,
                       intervention_id=intervention_id, settings=workspace.settings)
    return page(request, "impact.html", principal, organisation, report=report,
                figures=[effects_figure(report), weekly_figure(report)])


@router.get("/impact/{intervention_id}/numbers.csv")
def impact_csv(session: SessionDep, workspace: WorkspaceDep, principal: Staff,
               intervention_id: InterventionId) -> Response:
    """The report's numbers as CSV."""
    report = impact_of(session, organisation_id=principal.organisation_id,
                       intervention_id=intervention_id, settings=workspace.settings)
    return Response(csv_text(header=IMPACT_COLUMNS, rows=impact_rows(report)),
                    media_type="text/csv; charset=utf-8", headers={
                        "Content-Disposition":
                            f'attachment; filename="impact-{intervention_id}.csv"'})


@router.get("/impact/{intervention_id}/report.pdf")
def impact_report_pdf(session: SessionDep, organisation: OrganisationDep,
                      workspace: WorkspaceDep, principal: Staff,
                      intervention_id: InterventionId) -> Response:
    """The report as PDF."""
    report = impact_of(session, organisation_id=principal.organisation_id,
                       intervention_id=intervention_id, settings=workspace.settings)
    return Response(impact_pdf(report, organisation=organisation.name),
                    media_type="application/pdf", headers={
                        "Content-Disposition":
                            f'attachment; filename="impact-{intervention_id}.pdf"'})


@router.get("/fairness", response_class=HTMLResponse)
def fairness_page(request: Request, session: SessionDep, organisation: OrganisationDep,
                  workspace: WorkspaceDep, principal: Staff) -> HTMLResponse:
    """The fairness audit by demographic group (demographics are read here only)."""
    audit = fairness_audit(session, organisation_id=principal.organisation_id,
                           minimum_group_size=workspace.settings.analytics_minimum_group_size)
    return page(request, "fairness.html", principal, organisation, audit=audit)
