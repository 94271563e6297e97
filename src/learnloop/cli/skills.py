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


@skills_app.command("map-text")
def map_text(
    file_or_text: Annotated[str, typer.Argument(
        help="A file (txt, md, html, pdf, docx) or the text itself, e.g. a role description.")],
    top: Annotated[int, typer.Option("--top", min=1, max=100,
                                     help="How many taxonomy skills to suggest.")] = 5,
    json_output: Annotated[bool, typer.Option("--json", help="A JSON list, best first.")] = False,
    org: OrgOption = None,
) -> None:
    """Suggest the ESCO skills a free text asks for (embedding similarity to each skill's label,
    best phrase shown; the model LEARNLOOP_CONTENT_EMBEDDING names); import the taxonomy first
    with `learnloop import esco`."""
    import json

    from learnloop.content.taxonomy_mapping import Concept, ConceptIndex, taxonomy_cache
    from learnloop.store.taxonomy import taxonomy_skills

    text = _text_of(file_or_text)
    with organisation_session(org) as (workspace, session, organisation):
        entries = taxonomy_skills(session, organisation_id=organisation.id)
    if not entries:
        raise InputError("no taxonomy skills yet: run `learnloop import esco FOLDER` first")
    index = ConceptIndex([Concept(uri=e.uri, label=e.label, alt_labels=e.alt_labels)
                          for e in entries],
                         embedder_name=workspace.settings.content_embedding,
                         cache=taxonomy_cache(workspace.settings.workspace))
    suggestions = index.suggest(text, top=top)
    if json_output:
        out.print(json.dumps([{"uri": s.uri, "label": s.label, "score": round(s.score, 4),
                               "phrase": s.phrase} for s in suggestions], indent=2),
                  markup=False, highlight=False, soft_wrap=True)
        return
    table = Table("score", "ESCO skill", "uri", "matched phrase", title="taxonomy skills")
    for s in suggestions:
        table.add_row(f"{s.score:.2f}", s.label, s.uri, s.phrase[:80])
    out.print(table)


@skills_app.command("suggest")
def suggest(
    top: Annotated[int, typer.Option("--top", min=1, max=20,
                                     help="ESCO skills suggested per organisation skill.")] = 3,
    json_output: Annotated[bool, typer.Option("--json", help="JSON: skill → suggestions.")] = False,
    org: OrgOption = None,
) -> None:
    """Suggest ESCO skills for each organisation skill (its name and description), to confirm
    with `learnloop skills link SKILL ESCO_URI`; nothing is linked automatically."""
    import json

    from learnloop.content.taxonomy_mapping import Concept, ConceptIndex, taxonomy_cache
    from learnloop.store.taxonomy import organisation_skills, taxonomy_skills

    with organisation_session(org) as (workspace, session, organisation):
        entries = taxonomy_skills(session, organisation_id=organisation.id)
        own = organisation_skills(session, organisation_id=organisation.id)
    if not entries:
        raise InputError("no taxonomy skills yet: run `learnloop import esco FOLDER` first")
    index = ConceptIndex([Concept(uri=e.uri, label=e.label, alt_labels=e.alt_labels)
                          for e in entries],
                         embedder_name=workspace.settings.content_embedding,
                         cache=taxonomy_cache(workspace.settings.workspace))
    found = {key: index.suggest(text, top=top) for key, text in own}
    if json_output:
        out.print(json.dumps({key: [{"uri": s.uri, "label": s.label, "score": round(s.score, 4)}
                                    for s in suggestions] for key, suggestions in found.items()},
                             indent=2), markup=False, highlight=False, soft_wrap=True)
        return
    table = Table("skill", "score", "ESCO skill", "uri", title="ESCO suggestions")
    for key, suggestions in found.items():
        for s in suggestions:
            table.add_row(key, f"{s.score:.2f}", s.label, s.uri)
    out.print(table)


@skills_app.command("link")
def link(
    skill: Annotated[str, typer.Argument(help="The organisation skill's key.")],
    esco_uri: Annotated[str, typer.Argument(help="The ESCO skill's concept URI.")],
    org: OrgOption = None,
) -> None:
    """Link an organisation skill to the ESCO skill it corresponds to (idempotent)."""
    from learnloop.store.taxonomy import link_skill

    with organisation_session(org) as (_, session, organisation):
        created = link_skill(session, organisation_id=organisation.id, skill_key=skill,
                             uri=esco_uri)
    out.print(f"{skill} → {esco_uri}: {'linked' if created else 'already linked'}",
              markup=False, highlight=False)


@skills_app.command("links")
def links(org: OrgOption = None) -> None:
    """List the organisation skills linked to ESCO skills."""
    from learnloop.store.taxonomy import skill_links

    with organisation_session(org) as (_, session, organisation):
        rows = skill_links(session, organisation_id=organisation.id)
    if not rows:
        out.print("no skill is linked yet: `learnloop skills link SKILL ESCO_URI`")
        return
    table = Table("skill", "ESCO skill", "uri")
    for row in rows:
        table.add_row(row.skill_key, row.label, row.uri)
    out.print(table)


def _text_of(file_or_text: str) -> str:
    """The file's text when the argument names a file, else the argument itself."""
    from learnloop.connectors.importers.text_extraction import extract_text

    path = Path(file_or_text)
    try:
        is_file = len(file_or_text) < 4096 and path.is_file()
    except OSError:
        is_file = False
    if not is_file:
        text = file_or_text
    else:
        try:
            text = extract_text(path.read_bytes(), suffix=path.suffix or ".txt")
        except (OSError, ValueError) as error:
            raise InputError(f"{path}: cannot read: {error}") from error
    if not text.strip():
        raise InputError("the text is empty")
    return text
