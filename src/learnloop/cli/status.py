"""Read-only commands: the effective configuration, the organisation's counts, the event log.

Each prints one Rich table on stdout.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, organisation_session, out
from learnloop.config import load_settings

__all__ = ["events", "show_config", "status"]


def show_config() -> None:
    """Print the effective configuration, secrets masked."""
    table = Table("setting", "value", title="learnloop configuration")
    for name, value in load_settings().described().items():
        table.add_row(name, value)
    out.print(table)


def status(org: OrgOption = None) -> None:
    """Print how many people, teams, skills, signals, sources and events the organisation holds."""
    from learnloop.store.overview import organisation_counts

    with organisation_session(org) as (_, session, organisation):
        counts = organisation_counts(session, organisation.id)
    table = Table("records", "count", title=f"{organisation.name} ({organisation.key})")
    for name, count in counts.items():
        table.add_row(name.replace("_", " "), f"{count:,}")
    out.print(table)


def events(
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, newest first.")] = 20,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this event kind.")] = None,
    org: OrgOption = None,
) -> None:
    """Print the newest entries of the append-only event log."""
    from learnloop.store.event_log import EventLog

    with organisation_session(org) as (_, session, organisation):
        rows = EventLog(session, organisation.id).recent(
            limit=limit, kinds=[kind] if kind else None
        )
    table = Table("id", "time (UTC)", "actor", "kind", "subject", "payload")
    for event in rows:
        subject = f"{event.subject_type}:{event.subject_id}" if event.subject_type else ""
        table.add_row(
            str(event.id),
            f"{event.occurred_at:%Y-%m-%d %H:%M:%S}",
            event.actor,
            event.kind,
            subject,
            _short(event.payload),
        )
    out.print(table)


def _short(payload: dict, width: int = 80) -> str:
    text = ", ".join(f"{key}={value}" for key, value in payload.items())
    return text if len(text) <= width else text[: width - 1] + "…"
