"""`learnloop deliver plan|approve|send|status`: delivery plans from the command line.

Thin: parse, call the delivery services in one transaction, hand new deliveries to the job
queue after the commit, render. `send --now` also sends what is due in this process.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, organisation_session, out
from learnloop.errors import InputError

__all__ = ["deliver_app"]

deliver_app = typer.Typer(help="The delivery agent: plan, approve, send and follow deliveries.",
                          no_args_is_help=True)
ACTOR = "cli"


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--start: {text!r} is not a time (ISO 8601, e.g. "
                         "2026-01-05T09:00+00:00)") from None
    if found.tzinfo is None:
        raise InputError(f"--start: {text!r} has no time zone (add +00:00 or Z)")
    return found


def _show(plan: Any, *, json_output: bool) -> None:
    if json_output:
        from learnloop.api.delivery_schemas import PlanOut

        out.print_json(PlanOut.from_plan(plan).model_dump_json())
        return
    out.print(f"[bold]{plan.key}[/bold] ({plan.status}) for need {plan.need_key}: "
              f"{plan.treated} treated, {plan.held_out} held out "
              f"({plan.holdout_fraction:.0%}, seed {plan.seed}), {plan.sends} sends")
    out.print(f"Message: {plan.message.title}")
    out.print(f"Why: {plan.why.reason}")
    table = Table(title="Schedule (UTC)")
    for column in ("person", "team", "channel", "send times"):
        table.add_column(column)
    for planned in plan.planned:
        table.add_row(planned.person_key, planned.team_key, planned.channel,
                      ", ".join(at.strftime("%Y-%m-%d %H:%M") for at in planned.send_at))
    out.print(table)


@deliver_app.command("plan")
def plan_command(
    target: Annotated[str, typer.Argument(help="The need's key (or, with --adjust, a plan's).")],
    pack: Annotated[str | None, typer.Option("--pack", help="The pack that answers it.")] = None,
    component: Annotated[list[int] | None, typer.Option(
        "--component", help="A published component's id the learners get: a role_play to "
        "practise, flashcards or a knowledge check to review (repeatable).")] = None,
    key: Annotated[str | None, typer.Option("--key", help="The plan's key.")] = None,
    holdout: Annotated[float | None, typer.Option(
        "--holdout", help="Share held out (default LEARNLOOP_DELIVERY_HOLDOUT_FRACTION).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the hold-out draw.")] = None,
    start: Annotated[str | None, typer.Option("--start", help="First send (ISO time).")] = None,
    steps: Annotated[int | None, typer.Option("--steps", min=1, help="Nudges per person.")] = None,
    spacing_days: Annotated[int | None, typer.Option("--spacing-days", min=1)] = None,
    adjust: Annotated[bool, typer.Option("--adjust", help="Adjust the draft TARGET.")] = False,
    title: Annotated[str | None, typer.Option("--title", help="With --adjust.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="With --adjust.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", help="With --adjust: a person to leave out (repeatable).")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="JSON, not a table.")] = False,
    org: OrgOption = None,
) -> None:
    """Plan a need's delivery (a draft to preview), or adjust a draft with --adjust."""
    from learnloop.delivery.plans import adjust_plan, make_plan

    with organisation_session(org) as (workspace, session, organisation):
        if adjust:
            plan = adjust_plan(session, organisation_id=organisation.id,
                               settings=workspace.settings, key=target, actor=ACTOR,
                               holdout_fraction=holdout, seed=seed, title=title, text=text,
                               exclude=tuple(exclude or ()), start=_time(start), steps=steps,
                               spacing_days=spacing_days)
        else:
            plan = make_plan(session, organisation_id=organisation.id,
                             settings=workspace.settings, need_key=target, pack_key=pack,
                             key=key, holdout_fraction=holdout, seed=seed or 0,
                             start=_time(start), steps=steps or 1,
                             spacing_days=spacing_days or 7,
                             components=tuple(component or ()), actor=ACTOR)
        _show(plan, json_output=json_output)


@deliver_app.command("approve")
def approve_command(key: Annotated[str, typer.Argument(help="The plan's key.")],
                    org: OrgOption = None) -> None:
    """Approve a draft plan; its hold-out becomes the intervention analytics measures."""
    from learnloop.delivery.plans import approve_plan

    with organisation_session(org) as (_workspace, session, organisation):
        plan = approve_plan(session, organisation_id=organisation.id, key=key, actor=ACTOR)
    out.print(f"approved {plan.key}: intervention {plan.intervention_id}, "
              f"{plan.treated} treated, {plan.held_out} held out")


@deliver_app.command("send")
def send_command(
    key: Annotated[str | None, typer.Argument(
        help="An approved plan; without it, announce due review items.")] = None,
    now: Annotated[bool, typer.Option(
        "--now", help="Also send what is due in this process (no worker needed).")] = False,
    org: OrgOption = None,
) -> None:
    """Queue an approved plan's deliveries (each at its time), or today's review reminders."""
    from learnloop.delivery.plans import send_plan
    from learnloop.delivery.reinforcement import announce_due
    from learnloop.jobs import JobQueue

    with organisation_session(org) as (workspace, session, organisation):
        jobs = JobQueue(workspace)
        if key is None:
            queued = announce_due(session, organisation_id=organisation.id,
                                  settings=workspace.settings)
        else:
            queued = send_plan(session, organisation_id=organisation.id,
                               settings=workspace.settings, key=key, actor=ACTOR)
        if not now:
            jobs.enqueue_deliveries(session, queued)
    out.print(f"queued {len(queued)} deliveries")
    if now:
        sent = jobs.deliver([delivery_id for _, delivery_id in _due(jobs)])
        by_status: dict[str, int] = {}
        for one in sent:
            by_status[str(one.status)] = by_status.get(str(one.status), 0) + 1
        out.print("sent now: " + (", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
                                  or "nothing due"))


def _due(jobs: Any) -> list[tuple[str, int]]:
    from learnloop.delivery.sending import due_now

    return list(due_now(jobs.workspace.session))


@deliver_app.command("status")
def status_command(
    key: Annotated[str | None, typer.Argument(help="A plan; without it, every channel.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="JSON, not a table.")] = False,
    org: OrgOption = None,
) -> None:
    """A plan's deliveries by status, or the health of every channel and the dead letters."""
    from dataclasses import asdict

    from learnloop.delivery.outbox import configured_channels
    from learnloop.delivery.plans import plan_status
    from learnloop.store.deliveries import channel_health, dead_letter

    with organisation_session(org) as (workspace, session, organisation):
        if key is not None:
            found: Any = plan_status(session, organisation_id=organisation.id, key=key)
        else:
            found = {"channels": [asdict(c) for c in channel_health(
                session, organisation_id=organisation.id,
                configured=configured_channels(workspace.settings))],
                "dead_letter": len(dead_letter(session, organisation_id=organisation.id))}
    if json_output:
        out.print_json(json.dumps(found, default=str))
        return
    if key is not None:
        out.print(f"{key} ({found['status']}): {found['treated']} treated, "
                  f"{found['held_out']} held out; deliveries: "
                  + (", ".join(f"{n} {s}" for s, n in sorted(found["deliveries"].items()))
                     or "none yet"))
        return
    table = Table(title="Channels")
    for column in ("channel", "configured", "sent", "waiting", "retrying", "dead", "in doubt",
                   "failures 24 h", "last error"):
        table.add_column(column)
    for c in found["channels"]:
        table.add_row(c["channel"], "yes" if c["configured"] else "no", str(c["sent"]),
                      str(c["waiting"]), str(c["retrying"]), str(c["dead"]), str(c["in_doubt"]),
                      str(c["failures_24h"]), c["last_error"] or "")
    out.print(table)
    out.print(f"dead-letter list: {found['dead_letter']}")
