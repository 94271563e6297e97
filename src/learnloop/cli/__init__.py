"""The `learnloop` command: a thin Typer layer over the workspace, importers, jobs and server.

This module builds `app` from one module per area; `context` holds what they share.
"""

from __future__ import annotations

import typer

from learnloop.cli.backup import backup, restore
from learnloop.cli.check import check
from learnloop.cli.content import generate, pack_app
from learnloop.cli.context import ErrorReportingGroup
from learnloop.cli.db import db_app
from learnloop.cli.deliver import deliver_app
from learnloop.cli.imports import import_app
from learnloop.cli.interventions import intervention_app
from learnloop.cli.loop import loop
from learnloop.cli.lrs import lrs_app
from learnloop.cli.needs import needs_app, priorities_app
from learnloop.cli.person import person_app
from learnloop.cli.reports import report_app
from learnloop.cli.review import review_app
from learnloop.cli.sensing import detections_app, sense_app
from learnloop.cli.serve import demo, serve, worker
from learnloop.cli.skills import skills_app
from learnloop.cli.status import events, show_config, status
from learnloop.cli.tokens import token_app

__all__ = ["app"]

app = typer.Typer(
    cls=ErrorReportingGroup,
    help="learnloop: a learning operating system for workplace L&D.",
    no_args_is_help=True,
    add_completion=False,
)
# registered in the order `learnloop --help` has always listed them
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.command("config")(show_config)
app.command("status")(status)
app.add_typer(import_app, name="import")
app.command("loop")(loop)
app.command("events")(events)
app.command("demo")(demo)
app.command("serve")(serve)
app.command("worker")(worker)
app.add_typer(person_app, name="person")
app.add_typer(skills_app, name="skills")
app.command("backup")(backup)
app.command("restore")(restore)
app.add_typer(sense_app, name="sense")
app.add_typer(detections_app, name="detections")
app.add_typer(intervention_app, name="intervention")
app.add_typer(report_app, name="report")
app.add_typer(deliver_app, name="deliver")
app.add_typer(lrs_app, name="lrs")
app.add_typer(needs_app, name="needs")
app.add_typer(priorities_app, name="priorities")
app.command("generate")(generate)
app.add_typer(pack_app, name="pack")
app.command("check")(check)
app.add_typer(review_app, name="review")
