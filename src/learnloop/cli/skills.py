"""`learnloop skills`: what the skills agent found, from the last `learnloop loop`: skill health
per team, role and skill, and every person's proficiencies as a CSV file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, err, organisation_session, out
from learnloop.csv_export import write_csv
from learnloop.errors import InputError

__all__ = ["skills_app"]

skills_app = typer.Typer(help="Proficiencies and skill health, as the skills agent left them.",
                         no_args_is_help=True)

EXPORT_COLUMNS = ("person", "skill", "level", "lower", "upper")
_NOTHING_YET = "nothing assessed yet: run `learnloop loop` first"


@skills_app.command("health")
def health(
    team: Annotated[str | None, typer.Option("--team", help="Only this team (its key).")] = None,
    org: OrgOption = None,
) -> None:
    """Print skill health per team, role and skill: people meeting the required level (with
    interval), coverage, single points of failure and the change since the trend date."""
    from learnloop.store.proficiencies import skill_health_list

    with organisation_session(org) as (_, session, organisation):
        rows = skill_health_list(session, organisation_id=organisation.id, team_key=team)
    if not rows:
        out.print(f"no skill health for team {team!r}" if team else _NOTHING_YET)
        return
    table = Table("team", "role", "skill", "required", "people", "meeting", "coverage",
                  "single point", "change",
                  title=f"skill health on {rows[0].as_of} (change since {rows[0].trend_from})")
    for row in rows:
        single = "" if row.single_point is None else (
            f"{'yes' if row.single_point_of_failure else 'no'} ({row.single_point:.0%})")
        change = "" if row.change is None else (
            f"{row.change:+.1f} ({row.change_lower:+.1f} to {row.change_upper:+.1f})")
        table.add_row(row.team_key, row.role_key, row.skill_key, f"{row.required_level:g}",
                      str(row.people), f"{row.meeting:.1f} ({row.lower:.1f}-{row.upper:.1f})",
                      f"{row.coverage:.0%}", single, change)
    out.print(table)


@skills_app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="The CSV file to write.")],
    org: OrgOption = None,
) -> None:
    """Write every person's proficiency per skill as CSV: person, skill, level, lower, upper."""
    from learnloop.store.proficiencies import proficiency_list

    with organisation_session(org) as (_, session, organisation):
        rows = proficiency_list(session, organisation_id=organisation.id)
    try:
        with file.open("w", encoding="utf-8", newline="") as handle:
            # person and skill keys are the organisation's own text: a key such as "=1+1" must
            # reach a spreadsheet as text, never as a formula
            write_csv(handle, header=EXPORT_COLUMNS,
                      rows=((row.person_key, row.skill_key, f"{row.level:.2f}",
                             f"{row.lower:.2f}", f"{row.upper:.2f}") for row in rows))
    except OSError as error:
        raise InputError(f"{file}: cannot write: {error.strerror or error}") from error
    err.print(f"wrote {len(rows)} proficiencies to {file}" if rows else
              f"wrote {file} with a header only: {_NOTHING_YET}", highlight=False)
