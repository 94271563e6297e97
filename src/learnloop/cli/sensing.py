"""`learnloop sense backtest` and `learnloop detections [export]`: what the sensing agent raised,
and what it would have raised on past weeks.

Thin: parse, call the agent's backtest or the detections repository, render.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, organisation_session, out
from learnloop.errors import InputError

if TYPE_CHECKING:
    from learnloop.domain.sensing.records import DetectionRecord

__all__ = ["detections_app", "sense_app"]

sense_app = typer.Typer(help="The sensing agent: replay it over past weeks.",
                        no_args_is_help=True)
detections_app = typer.Typer(help="What the sensing agent raised: list or export.",
                             invoke_without_command=True)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def _table(records: list[DetectionRecord], *, title: str) -> Table:
    from learnloop.domain.sensing.records import export_row

    table = Table(title=title)
    for column in ("detected", "team", "series", "metric", "change start", "direction",
                   "effect", "SD", "confidence", "cause", "skill"):
        table.add_column(column)
    for record in records:
        row = export_row(record)
        series = row["person"] or row["series_kind"].replace("_", " ")
        table.add_row(row["detected_at"], row["team"], series, row["metric"],
                      row["change_start"], row["direction"], f"{row['effect']:+.3g}",
                      f"{row['effect_sd']:.1f}", f"{row['confidence']:.0%}", row["cause"],
                      row["skill"])
    return table


@sense_app.command("backtest")
def backtest_command(
    start: Annotated[str, typer.Option("--from", help="First week to report (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last week to report (YYYY-MM-DD).")],
    json_output: Annotated[bool, typer.Option("--json", help="JSON lines, not a table.")] = False,
    org: OrgOption = None,
) -> None:
    """Replay the sensing agent week by week, each week seeing only values observed by its end,
    and list what it would have raised when. Stores nothing."""
    from learnloop.agents.sensing import sensing_settings
    from learnloop.agents.sensing_backtest import backtest
    from learnloop.domain.sensing.records import export_row

    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise InputError(f"--to {last} is before --from {first}")
    with organisation_session(org) as (workspace, session, organisation):
        settings = sensing_settings(
            {"false_alarms_per_year": workspace.settings.sensing_false_alarms_per_year})
        found = backtest(session, organisation_id=organisation.id, start=first, end=last,
                         settings=settings)
    if json_output:
        for record in found:
            out.print(json.dumps(export_row(record)), markup=False, highlight=False,
                      soft_wrap=True)
        return
    out.print(_table(found, title=f"would have been raised from {first} to {last} "
                                  f"({len(found)})"))


@detections_app.callback()
def detections_list(
    context: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="JSON lines, not a table.")] = False,
    org: OrgOption = None,
) -> None:
    """List the detections, newest first."""
    if context.invoked_subcommand is not None:
        return
    from learnloop.domain.sensing.records import export_row
    from learnloop.store.detections import detection_list

    with organisation_session(org) as (_, session, organisation):
        found = detection_list(session, organisation_id=organisation.id)
    if json_output:
        for record in found:
            out.print(json.dumps({"id": record.id, **export_row(record)}), markup=False,
                      highlight=False, soft_wrap=True)
        return
    out.print(_table(found, title=f"detections ({len(found)})"))


@detections_app.command("export")
def detections_export(
    path: Annotated[Path, typer.Argument(help="The CSV file to write.")],
    org: OrgOption = None,
) -> None:
    """Write every detection to a CSV file (team, metric, change_start, detected_at, direction,
    effect, effect_sd, confidence, cause, skill, reason, series_kind, person, question)."""
    from learnloop.domain.sensing.records import EXPORT_COLUMNS, export_row
    from learnloop.store.detections import detection_list

    with organisation_session(org) as (_, session, organisation):
        found = detection_list(session, organisation_id=organisation.id)
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(export_row(record) for record in found)
    except OSError as error:
        raise InputError(f"{path}: cannot write: {error.strerror}") from None
    out.print(f"{len(found)} detections written to {path}")
