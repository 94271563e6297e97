"""`learnloop needs` and `learnloop priorities`: the ranked needs queue, L&D's decisions on each
need, and the priorities and weights that rank them, with their history.

Thin: parse, call the needs repository or learnloop.steering, render.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, organisation_session, out

if TYPE_CHECKING:
    from learnloop.domain.needs import Need

__all__ = ["needs_app", "priorities_app"]

needs_app = typer.Typer(help="The ranked learning needs: list, show, change a status.",
                        invoke_without_command=True)
priorities_app = typer.Typer(help="L&D's priorities and weights: list, change, history.",
                             invoke_without_command=True)

_ACTOR = "cli"


def _json(value: object) -> None:
    out.print(json.dumps(value, indent=2), markup=False, highlight=False, soft_wrap=True)


def _table(found: list[Need]) -> Table:
    from learnloop.domain.needs_ranking import pushed

    table = Table("rank", "id", "status", "kind", "need", "teams", "people", "gap", "weight",
                  "score", title=f"needs ({len(found)}), best first")
    for need in found:
        gap = "" if need.gap is None else (
            f"{need.gap:.1f} ({need.gap_lower or 0:.1f}-{need.gap_upper or 0:.1f})")
        table.add_row(str(need.rank), str(need.id), need.status.value,
                      need.kind.value if pushed(need) else f"{need.kind.value} (not pushed)",
                      need.title, ", ".join(need.team_keys) or "everyone",
                      f"{need.evidence.get('people_affected', 0):.0f}", gap,
                      f"{need.weight:.2f}", f"{need.score:.2f}")
    return table


@needs_app.callback()
def needs_list(
    context: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="A JSON list, best first.")] = False,
    status: Annotated[str | None, typer.Option(
        "--status", help="Only needs with this status (open, accepted, in_progress, resolved, "
                         "dismissed).")] = None,
    org: OrgOption = None,
) -> None:
    """List the needs, best first: active ones by score, then dismissed and resolved ones."""
    if context.invoked_subcommand is not None:
        return
    from learnloop.domain.needs import need_json
    from learnloop.steering import parse_status
    from learnloop.store.needs import needs

    wanted = None if status is None else parse_status(status)
    with organisation_session(org) as (_, session, organisation):
        found = needs(session, organisation_id=organisation.id, status=wanted)
    if json_output:
        _json([need_json(need) for need in found])
        return
    if not found:
        out.print("no needs yet: run `learnloop loop` first" if status is None
                  else f"no {status} needs")
        return
    out.print(_table(found))


@needs_app.command("show")
def needs_show(
    need_id: Annotated[int, typer.Argument(help="The need's id.", min=1)],
    json_output: Annotated[bool, typer.Option("--json", help="JSON, not text.")] = False,
    org: OrgOption = None,
) -> None:
    """One need: why it is there, the evidence behind it, where it stands."""
    from learnloop.domain.needs import need_json
    from learnloop.store.needs import need

    with organisation_session(org) as (_, session, organisation):
        found = need(session, organisation_id=organisation.id, need_id=need_id)
    if json_output:
        _json(need_json(found))
        return
    out.print(f"[bold]#{found.rank} {found.title}[/bold] (need {found.id}, {found.kind.value}, "
              f"{found.status.value})", highlight=False)
    out.print(found.reason, markup=False, highlight=False)
    if found.status_reason:
        out.print(f"status: {found.status_reason}", markup=False, highlight=False)
    if found.person_keys:
        out.print(f"people: {', '.join(found.person_keys)}", markup=False, highlight=False)


@needs_app.command("status")
def needs_status(
    need_id: Annotated[int, typer.Argument(help="The need's id.", min=1)],
    status: Annotated[str, typer.Argument(
        help="open, accepted, in_progress, resolved or dismissed.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required to dismiss).")] = "",
    org: OrgOption = None,
) -> None:
    """Move a need through its lifecycle (recorded as an event; the queue re-ranks)."""
    from learnloop.steering import change_need_status

    with organisation_session(org) as (_, session, organisation):
        changed = change_need_status(session, organisation_id=organisation.id,
                                     need_id=need_id, status=status, reason=reason,
                                     actor=_ACTOR)
    out.print(f"need {changed.id} is now {changed.status.value} (rank {changed.rank})")


@priorities_app.callback()
def priorities_list(
    context: typer.Context,
    json_output: Annotated[bool, typer.Option("--json", help="A JSON list.")] = False,
    org: OrgOption = None,
) -> None:
    """List the objectives with their priority, weight and reason, heaviest first."""
    if context.invoked_subcommand is not None:
        return
    from learnloop.steering import priority_json
    from learnloop.store.catalogue import objective_list

    with organisation_session(org) as (_, session, organisation):
        found = objective_list(session, organisation_id=organisation.id)
    if json_output:
        _json([priority_json(objective) for objective in found])
        return
    table = Table("objective", "priority", "weight", "skills", "reason", title="priorities")
    for objective in found:
        table.add_row(objective.key, "yes" if objective.priority else "no",
                      f"{objective.weight:.2f}", ", ".join(objective.skill_keys),
                      objective.reason or "")
    out.print(table)


@priorities_app.command("set")
def priorities_set(
    objective: Annotated[str, typer.Argument(help="The objective's key.")],
    weight: Annotated[float | None, typer.Option("--weight", help="0-1.")] = None,
    priority: Annotated[bool | None, typer.Option(
        "--priority/--not-priority", help="Whether it is a business priority.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    org: OrgOption = None,
) -> None:
    """Change an objective's priority, weight or reason (recorded with the old and new values;
    the needs re-rank at once)."""
    from learnloop.steering import change_priority

    with organisation_session(org) as (_, session, organisation):
        changed = change_priority(session, organisation_id=organisation.id,
                                  objective_key=objective, priority=priority, weight=weight,
                                  reason=reason, actor=_ACTOR)
    out.print(f"{changed.key}: {'a priority' if changed.priority else 'not a priority'}, "
              f"weight {changed.weight:.2f}")


@priorities_app.command("history")
def priorities_history(
    objective: Annotated[str | None, typer.Option("--objective", help="Only this one.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="A JSON list.")] = False,
    org: OrgOption = None,
) -> None:
    """Every priority edit, newest first: who changed what, when, from what to what."""
    from learnloop.steering import history_json, priority_history

    with organisation_session(org) as (_, session, organisation):
        found = priority_history(session, organisation_id=organisation.id,
                                 objective_key=objective)
    rows = [history_json(event) for event in found]
    if json_output:
        _json(rows)
        return
    table = Table("when", "who", "objective", "from", "to", title="priority edits")
    for row in rows:
        old, new = row["old"], row["new"]
        table.add_row(row["at"], row["actor"], row["objective"],
                      f"{'priority' if old['priority'] else 'not'} {old['weight']:.2f}",
                      f"{'priority' if new['priority'] else 'not'} {new['weight']:.2f}")
    out.print(table)
