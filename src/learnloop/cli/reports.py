"""`learnloop report`: the impact report of an intervention (JSON, CSV, PDF), the organisation
summary and the fairness audit, from what the analytics agent measured.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from learnloop.cli.context import OrgOption, err, organisation_session, out
from learnloop.csv_export import write_csv
from learnloop.errors import InputError

__all__ = ["report_app"]

report_app = typer.Typer(help="Impact reports, the organisation summary and the fairness audit.",
                         no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
CsvOption = Annotated[Path | None, typer.Option("--csv", help="Also write the numbers as CSV.")]


def _print_json(document: Any) -> None:
    out.print(json.dumps(document, indent=2, default=str), markup=False, highlight=False,
              soft_wrap=True)


def _write(file: Path, write) -> None:
    try:
        with file.open("w", encoding="utf-8", newline="") as handle:
            write(handle)
    except OSError as error:
        raise InputError(f"{file}: cannot write: {error.strerror or error}") from error


@report_app.command("impact")
def impact(
    intervention_id: Annotated[int, typer.Argument(help="The intervention's id.")],
    as_json: JsonOption = False,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write the report as PDF.")
                   ] = None,
    csv: CsvOption = None,
    org: OrgOption = None,
) -> None:
    """Kirkpatrick levels 1-4 of one intervention and its KPI effect against the hold-out."""
    from learnloop.reports.impact import IMPACT_COLUMNS, impact_of, impact_rows

    with organisation_session(org) as (workspace, session, organisation):
        report = impact_of(session, organisation_id=organisation.id,
                           intervention_id=intervention_id, settings=workspace.settings)
        name = organisation.name
    if csv is not None:
        _write(csv, lambda handle: write_csv(handle, header=IMPACT_COLUMNS,
                                             rows=impact_rows(report)))
        err.print(f"wrote the numbers to {csv}", highlight=False)
    if pdf is not None:
        from learnloop.reports.pdf import impact_pdf

        document = impact_pdf(report, organisation=name)
        try:
            pdf.write_bytes(document)
        except OSError as error:
            raise InputError(f"{pdf}: cannot write: {error.strerror or error}") from error
        err.print(f"wrote the report to {pdf}", highlight=False)
    if as_json:
        _print_json(report)
        return
    levels = report.get("levels", {})
    first, second = levels.get("1", {}), levels.get("2", {})
    out.print(f"[bold]{report['intervention']['title']}[/] (intervention "
              f"{report['intervention']['id']}, from {report['intervention']['start']})")
    out.print(f"Level 4, results: {report.get('verdict')}", highlight=False)
    out.print(f"Level 1, reaction: {first.get('responses', 0)} of {first.get('treated', 0)} "
              f"rated it, mean {first.get('mean_rating')}", highlight=False)
    checks = second.get("knowledge_checks") or {}
    out.print(f"Level 2, learning ({second.get('skill')}): knowledge checks changed "
              f"{checks.get('difference')} more than the hold-out's", highlight=False)
    for behaviour in levels.get("3", []):
        out.print(f"Level 3, behaviour ({behaviour['metric']}): {behaviour.get('verdict')}",
                  highlight=False)


@report_app.command("summary")
def summary(as_json: JsonOption = False, csv: CsvOption = None, org: OrgOption = None) -> None:
    """Every intervention's headline effect and the organisation's totals."""
    from learnloop.reports.impact import SUMMARY_COLUMNS, summary_of, summary_rows

    with organisation_session(org) as (_, session, organisation):
        found = summary_of(session, organisation_id=organisation.id)
    if csv is not None:
        _write(csv, lambda handle: write_csv(handle, header=SUMMARY_COLUMNS,
                                             rows=summary_rows(found)))
        err.print(f"wrote the summary to {csv}", highlight=False)
    if as_json:
        _print_json(found)
        return
    out.print(f"{len(found['interventions'])} interventions, {found['measured']} with a KPI "
              f"effect: {found['improved']} improved, {found['worse']} worse, "
              f"{found['not_enough_data']} not enough data yet; {found['people_treated']} "
              f"people treated; {found['hours_saved']} hours saved", highlight=False)
    for item in found["interventions"]:
        out.print(f"  {item['intervention']}: {item['title']} — {item['verdict']}",
                  highlight=False)


@report_app.command("fairness")
def fairness(as_json: JsonOption = False, csv: CsvOption = None, org: OrgOption = None) -> None:
    """Rates of being recommended, delivered to, developed and improved, by demographic group
    (four-fifths rule; small groups suppressed)."""
    from learnloop.reports.fairness import (
        FAIRNESS_COLUMNS,
        fairness_audit,
        fairness_fields,
        fairness_rows,
    )

    with organisation_session(org) as (workspace, session, organisation):
        audit = fairness_audit(session, organisation_id=organisation.id,
                               minimum_group_size=workspace.settings.analytics_minimum_group_size)
    if csv is not None:
        _write(csv, lambda handle: write_csv(handle, header=FAIRNESS_COLUMNS,
                                             rows=fairness_rows(audit)))
        err.print(f"wrote the audit to {csv}", highlight=False)
    if as_json:
        _print_json(fairness_fields(audit))
        return
    if not audit.stages:
        out.print("nothing to audit: import demographics (learnloop import demographics FILE)")
        return
    for line in audit.findings or ("no group's rate is under four fifths of the highest",):
        out.print(line, highlight=False)
