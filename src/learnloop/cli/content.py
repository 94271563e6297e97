"""`learnloop generate` and `learnloop pack export`: make a content pack from a source, write
one out as JSON.

Thin: parse, call the generation service or the content repository, render.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from learnloop.cli.context import OrgOption, err, organisation_session, out, progress_bar

__all__ = ["generate", "pack_app"]

pack_app = typer.Typer(
    help="Content packs: list them, export one as JSON, HTML, zip, SCORM 2004 or cmi5.",
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
    json_file: Annotated[Path | None, typer.Option(
        "--json", help="File to write: every component with its items, citations and checks.")
    ] = None,
    html_dir: Annotated[Path | None, typer.Option(
        "--html", help="Folder to write: a self-contained page (own CSS and JS, no CDN).")] = None,
    zip_file: Annotated[Path | None, typer.Option(
        "--zip", help="Zip file to write: the --html folder, zipped.")] = None,
    scorm_file: Annotated[Path | None, typer.Option(
        "--scorm", help="SCORM 2004 (4th edition) package to write, for an LMS to import.")
    ] = None,
    cmi5_file: Annotated[Path | None, typer.Option(
        "--cmi5", help="cmi5 package to write, for an LMS to import.")] = None,
    unpublished: Annotated[bool, typer.Option(
        "--unpublished", help="Put components the review gates have not published into the "
                              "HTML, zip, SCORM and cmi5 too (a preview, never for learners).")
    ] = False,
    org: OrgOption = None,
) -> None:
    """Write a pack out: as JSON (each component's items, citations with the quoted passage,
    provenance, usage and checks), as an HTML folder or zip, or as a SCORM 2004 or cmi5
    package. Give one or more of --json, --html, --zip, --scorm, --cmi5. What learners get
    (HTML, zip, SCORM, cmi5) holds only the published components unless --unpublished."""
    from learnloop.content.exports import (
        cmi5_package,
        html_files,
        scorm_package,
        write_folder,
        write_zip,
    )
    from learnloop.content.exports.selection import published_only
    from learnloop.domain.content.export import pack_document
    from learnloop.errors import InputError
    from learnloop.store.content import pack
    from learnloop.store.reviews import published_ids

    if not any((json_file, html_dir, zip_file, scorm_file, cmi5_file)):
        raise InputError("say what to write: --json FILE, --html DIR, --zip FILE, --scorm FILE "
                         "or --cmi5 FILE")
    for_learners = any((html_dir, zip_file, scorm_file, cmi5_file))
    withheld: list[str] = []
    with organisation_session(org) as (_, session, organisation):
        document = pack_document(pack(session, organisation_id=organisation.id, pack_id=pack_id))
        learners = document
        if for_learners and not unpublished:
            learners, withheld = published_only(document, published=set(
                published_ids(session, organisation_id=organisation.id).values()))
    at = datetime.fromisoformat(document["created_at"])
    written: list[str] = []
    if json_file is not None:
        _write(json_file, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
        written.append(f"JSON {json_file}")
    if html_dir is not None:
        write_folder(html_files(learners), html_dir)
        written.append(f"HTML folder {html_dir}")
    if zip_file is not None:
        write_zip(html_files(learners), zip_file, at=at)
        written.append(f"zip {zip_file}")
    if scorm_file is not None:
        _write(scorm_file, scorm_package(learners))
        written.append(f"SCORM 2004 package {scorm_file}")
    if cmi5_file is not None:
        _write(cmi5_file, cmi5_package(learners))
        written.append(f"cmi5 package {cmi5_file}")
    out.print(f"pack {pack_id}: {len(document['components'])} components written as "
              f"{', '.join(written)}", markup=False, soft_wrap=True)
    if withheld:
        out.print(f"withheld from learners until published: {', '.join(withheld)}",
                  markup=False, soft_wrap=True)


def _write(path: Path, content: bytes) -> None:
    from learnloop.errors import InputError

    try:
        path.write_bytes(content)
    except OSError as error:
        raise InputError(f"{path}: cannot write: {error.strerror or error}") from error
