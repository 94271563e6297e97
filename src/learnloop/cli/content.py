"""`learnloop generate` and `learnloop pack export`: make a content pack from a source, write
one out as JSON.

Thin: parse, call the generation service or the content repository, render.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from learnloop.cli.context import OrgOption, err, organisation_session, out, progress_bar

__all__ = ["generate", "pack_app"]

pack_app = typer.Typer(help="Content packs: list them, export one as JSON.",
                       no_args_is_help=True)


def generate(
    source: Annotated[str, typer.Option("--source", help="The source's key (or id).")],
    need: Annotated[int | None, typer.Option("--need", help="The need the pack serves.")] = None,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="offline (default, no model server), openai or anthropic.")] = None,
    json_output: Annotated[bool, typer.Option(
        "--json", help="Print the new pack's id and summary as JSON.")] = False,
    org: OrgOption = None,
) -> None:
    """Write every component (summary, key points, job aid, knowledge check, flashcards,
    role-play, manager brief) from a source, for a need if given, and store them as a pack."""
    from learnloop.domain.content.export import pack_summary
    from learnloop.generation import content_engine, generate_pack

    with organisation_session(org) as (workspace, session, organisation), \
            progress_bar() as progress:
        chosen = content_engine(workspace.settings, engine=engine, session=session,
                                organisation_id=organisation.id)
        task = progress.add_task(f"writing with the {chosen.name} engine", total=None)
        made = generate_pack(
            session, organisation_id=organisation.id, source=source, engine=chosen,
            need_id=need, actor="cli", settings=workspace.settings,
            progress=lambda kind, done, total: progress.update(
                task, completed=done, total=total, description=f"{chosen.name}: {kind}"))
    pack = made.pack
    if json_output:
        out.print(json.dumps({"pack_id": pack.id, "summary": pack_summary(pack)}),
                  markup=False, highlight=False, soft_wrap=True)
        return
    label = " (offline engine: extractive, no model)" if pack.engine == "offline" else ""
    out.print(f"pack {pack.id}: {len(pack.components)} components from "
              f"{pack.source_key} v{pack.source_version}{label}", markup=False)
    for component in pack.components:
        out.print(f"  {component.kind:<16} {component.key} v{component.version}", markup=False)
    for kind, why in made.skipped.items():
        err.print(f"  skipped {kind}: {why}", markup=False)
    out.print(f"modality: {', '.join(pack.modality.get('mix', []))}", markup=False)


@pack_app.command("list")
def list_packs(
    json_output: Annotated[bool, typer.Option("--json", help="JSON lines, not a table.")] = False,
    org: OrgOption = None,
) -> None:
    """Every pack, newest first: source and version, need, engine, modality mix, cost."""
    from rich.table import Table

    from learnloop.domain.content.export import pack_document
    from learnloop.store.content import packs

    with organisation_session(org) as (_, session, organisation):
        found = [pack_document(item) for item in packs(session, organisation_id=organisation.id)]
    if json_output:
        for document in found:
            out.print(json.dumps(document), markup=False, highlight=False, soft_wrap=True)
        return
    table = Table(title=f"content packs ({len(found)}), newest first")
    for column in ("id", "title", "source", "need", "engine", "mix", "cost (USD)"):
        table.add_column(column)
    for document in found:
        table.add_row(str(document["id"]), document["title"],
                      f"{document['source']['key']} v{document['source']['version']}",
                      (document["need"] or {}).get("key") or "—", document["engine"],
                      ", ".join(document["modality"].get("mix", [])),
                      f"{document['usage']['cost_usd']:.4f}")
    out.print(table)


@pack_app.command("modality")
def set_modality(
    pack_id: Annotated[int, typer.Argument(help="The pack's id.")],
    mix: Annotated[str, typer.Option(
        "--mix", help="Comma-separated, lead first: micro_content, practice, cohort_session, "
                      "longer_course.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, for the record.")] = "",
    org: OrgOption = None,
) -> None:
    """Replace a pack's proposed modality mix with your own; the proposal's reasons stay."""
    from learnloop.generation import override_pack_modality

    with organisation_session(org) as (_, session, organisation):
        pack = override_pack_modality(
            session, organisation_id=organisation.id, pack_id=pack_id,
            mix=[item.strip() for item in mix.split(",") if item.strip()], reason=reason,
            actor="cli")
    out.print(f"pack {pack.id}: {', '.join(pack.modality['mix'])}", markup=False)


@pack_app.command("export")
def export(
    pack_id: Annotated[int, typer.Argument(help="The pack's id.")],
    json_file: Annotated[Path, typer.Option(
        "--json", help="File to write: every component with its items, citations and checks.")],
    org: OrgOption = None,
) -> None:
    """Write a pack as JSON: each component's text or items, citations (chunk id + quoted
    passage), provenance, usage and checks."""
    from learnloop.domain.content.export import pack_document
    from learnloop.store.content import pack

    with organisation_session(org) as (_, session, organisation):
        document = pack_document(pack(session, organisation_id=organisation.id, pack_id=pack_id))
    json_file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    out.print(f"pack {pack_id}: {len(document['components'])} components written to "
              f"{json_file}", markup=False)
