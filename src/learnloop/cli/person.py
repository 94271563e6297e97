"""`learnloop person`: a person's data rights — export everything held about them, or erase it.

Both run in one transaction; an erasure is recorded as `person.erased` without the erased data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from learnloop.cli.context import OrgOption, err, opened_workspace, organisation_session, out
from learnloop.errors import InputError

__all__ = ["person_app"]

person_app = typer.Typer(help="A person's data: export it or erase it.", no_args_is_help=True)

KeyArgument = Annotated[str, typer.Argument(help="The person's key (their id in people files).")]


@person_app.command("export")
def person_export(
    key: KeyArgument,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the JSON to this file, not stdout.")
    ] = None,
    org: OrgOption = None,
) -> None:
    """Print everything held about a person as JSON: record, evidence, signals, tokens, events."""
    from learnloop.privacy import export_person

    with organisation_session(org) as (_, session, organisation):
        document = export_person(session, organisation_id=organisation.id, key=key)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if out_file is None:
        typer.echo(text)
        return
    try:
        out_file.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise InputError(f"{out_file}: cannot write: {error.strerror or error}") from error
    err.print(f"wrote {out_file}", highlight=False)


@person_app.command("erase")
def person_erase(
    key: KeyArgument,
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: the erasure cannot be undone.")
    ] = False,
    org: OrgOption = None,
) -> None:
    """Erase a person everywhere, the event log included; counts and team figures remain."""
    from learnloop.privacy import erase_person
    from learnloop.store.personal_data import forget_erased_pages

    if not yes:
        raise InputError(f"erasing {key!r} removes their data for good; "
                         "run again with --yes to confirm")

    with opened_workspace() as workspace:
        with workspace.session() as session:
            organisation = workspace.organisation(session, org)
            erased = erase_person(session, organisation_id=organisation.id, key=key,
                                  actor="cli")
        forget_erased_pages(workspace.database.engine)  # once committed
    removed = erased["removed"]
    rewritten = ", ".join(f"{table} {count}" for table, count in erased["rewritten"].items())
    out.print(
        f"person {key} erased (internal id {erased['person_id']}): "
        f"{removed['evidence']} evidence, {removed['signals']} signals and "
        f"{removed['tokens']} tokens removed, {removed['reports_unlinked']} reports unlinked; "
        f"mentions rewritten: {rewritten or 'none'}",
        highlight=False, markup=False,
    )
