"""`learnloop intervention`: register an intervention delivered elsewhere and let learnloop draw
its hold-out, import an assignment made elsewhere, export or list them.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, err, organisation_session, out
from learnloop.csv_export import write_csv
from learnloop.errors import InputError

__all__ = ["intervention_app"]

intervention_app = typer.Typer(
    help="Interventions and their randomised hold-out: create, import, export, list.",
    no_args_is_help=True)

NeedOption = Annotated[int | None, typer.Option("--need", help="The need it serves (its id).")]
StartOption = Annotated[str, typer.Option("--start", help="First day of delivery (YYYY-MM-DD).")]
TitleOption = Annotated[str, typer.Option("--title", help="What it is called.")]
DeliveredOption = Annotated[str, typer.Option(
    "--delivered", help="What was delivered (a workshop, a cohort, a job aid).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the new intervention as JSON.")]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--start: {text!r} is not a date (YYYY-MM-DD)") from None


def _need_population(session, *, organisation_id: int, need_id: int | None,
                     population: str | None) -> tuple[list[str], str]:
    """The people to assign and the need's title: `--population`, else the need's people,
    else its teams' people."""
    from learnloop.store.interventions import population_keys
    from learnloop.store.needs import need

    found = None if need_id is None else need(session, organisation_id=organisation_id,
                                              need_id=need_id)
    if population:
        keys = population.split(",")
    elif found is not None and (found.person_keys or found.team_keys):
        keys = list(found.person_keys or found.team_keys)
    else:
        raise InputError("say who it is for: --population TEAM-OR-PERSON[,…]"
                         + ("" if found is None else f" (need {found.id} names nobody)"))
    people = population_keys(session, organisation_id=organisation_id, keys=keys)
    return people, "" if found is None else found.title


def _print_made(made, *, as_json: bool) -> None:
    if as_json:
        out.print(json.dumps({"id": made.id, "need_id": made.need_id,
                              "start": made.start.isoformat(), "holdout": made.holdout,
                              "seed": made.seed, "treated": made.treated,
                              "held_out": made.held_out, "source": made.source.value}),
                  markup=False, highlight=False, soft_wrap=True)
        return
    out.print(f"intervention {made.id}: {made.treated} treated, {made.held_out} held out, "
              f"from {made.start}" + ("" if made.seed is None else f" (seed {made.seed})"),
              highlight=False)


@intervention_app.command("create")
def create(
    start: StartOption,
    need: NeedOption = None,
    population: Annotated[str | None, typer.Option(
        "--population", help="Team or person keys, comma-separated (default: the need's).")
    ] = None,
    holdout: Annotated[float, typer.Option("--holdout", help="Share held out, 0-1.")] = 0.2,
    seed: Annotated[int | None, typer.Option(
        "--seed", help="Repeat a draw (default: a fresh seed, recorded).")] = None,
    title: TitleOption = "",
    delivered: DeliveredOption = "",
    as_json: JsonOption = False,
    org: OrgOption = None,
) -> None:
    """Register an intervention delivered elsewhere and draw its hold-out: randomised within each
    team, reproducible from the recorded seed."""
    from learnloop.store.interventions import create_intervention

    day = _day(start)
    with organisation_session(org) as (_, session, organisation):
        people, need_title = _need_population(session, organisation_id=organisation.id,
                                              need_id=need, population=population)
        made = create_intervention(
            session, organisation_id=organisation.id, need_id=need, person_keys=people,
            holdout=holdout, start=day, source="external", seed=seed,
            title=title or need_title, delivered=delivered,
            population={"named": population} if population else None, created_by="cli")
    _print_made(made, as_json=as_json)


@intervention_app.command("import")
def import_assignment(
    file: Annotated[Path, typer.Argument(help="CSV with columns person, group.")],
    start: StartOption,
    need: NeedOption = None,
    title: TitleOption = "",
    delivered: DeliveredOption = "",
    as_json: JsonOption = False,
    org: OrgOption = None,
) -> None:
    """Register an intervention whose assignment was made elsewhere: a CSV of person, group
    (treated or holdout), the format `intervention assignment` writes."""
    from learnloop.domain.interventions import parse_assignment
    from learnloop.store.interventions import create_intervention
    from learnloop.store.needs import need as need_record

    day = _day(start)
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            groups = parse_assignment(reader, file=file.name, columns=reader.fieldnames or ())
    except OSError as error:
        raise InputError(f"{file}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text") from None
    with organisation_session(org) as (_, session, organisation):
        need_title = "" if need is None else need_record(
            session, organisation_id=organisation.id, need_id=need).title
        made = create_intervention(
            session, organisation_id=organisation.id, need_id=need, person_keys=[],
            holdout=0.0, start=day, source="external", groups=groups,
            title=title or need_title, delivered=delivered,
            population={"imported_from": file.name}, created_by="cli")
    _print_made(made, as_json=as_json)


@intervention_app.command("assignment")
def export_assignment(
    intervention_id: Annotated[int, typer.Argument(help="The intervention's id.")],
    file: Annotated[Path, typer.Argument(help="The CSV file to write.")],
    org: OrgOption = None,
) -> None:
    """Write who is treated and who is held out as CSV: person, group."""
    from learnloop.domain.interventions import ASSIGNMENT_COLUMNS
    from learnloop.store.interventions import assignment

    with organisation_session(org) as (_, session, organisation):
        groups = assignment(session, organisation_id=organisation.id,
                            intervention_id=intervention_id).groups
    try:
        with file.open("w", encoding="utf-8", newline="") as handle:
            write_csv(handle, header=ASSIGNMENT_COLUMNS,
                      rows=((key, groups[key].value) for key in sorted(groups)))
    except OSError as error:
        raise InputError(f"{file}: cannot write: {error.strerror or error}") from error
    err.print(f"wrote {len(groups)} people to {file}", highlight=False)


@intervention_app.command("list")
def list_interventions(
    need: NeedOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines, not a table.")] = False,
    org: OrgOption = None,
) -> None:
    """Every intervention, newest start first."""
    from learnloop.store.interventions import intervention_list

    with organisation_session(org) as (_, session, organisation):
        found = intervention_list(session, organisation_id=organisation.id, need_id=need)
    if as_json:
        for item in found:
            out.print(json.dumps({"id": item.id, "need_id": item.need_id, "title": item.title,
                                  "start": item.start.isoformat(), "source": item.source.value,
                                  "treated": item.treated, "held_out": item.held_out}),
                      markup=False, highlight=False, soft_wrap=True)
        return
    table = Table("id", "need", "title", "start", "source", "treated", "held out")
    for item in found:
        table.add_row(str(item.id), "" if item.need_id is None else str(item.need_id),
                      item.title, str(item.start), item.source.value, str(item.treated),
                      str(item.held_out))
    out.print(table)
