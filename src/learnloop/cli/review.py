"""`learnloop review …`: the review queue, one component's review (checks, citations, comments,
diff), and approve / request-changes / comment / submit / publish / retire, through the same
review service as the API and the console.

The CLI's operator holds the database, so they say who they are (`--as`, recorded as
`cli:NAME`; without it `cli`, the author of packs generated from the CLI) and in which role
they act (`--role`); the policy's gates and "nobody approves their own work" apply as anywhere.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from learnloop.cli.context import OrgOption, organisation_session, out

__all__ = ["review_app"]

review_app = typer.Typer(help="Review content: the queue, a component's review, decisions.",
                         no_args_is_help=True)

ComponentId = Annotated[int, typer.Argument(help="The component version's id.")]
AsOption = Annotated[str | None, typer.Option(
    "--as", help="Who you are, as the log records you (cli:NAME); default: cli.")]
RoleOption = Annotated[str, typer.Option(
    "--role", help="The role you act in: reviewer, ld or admin.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _actor(name: str | None) -> str:
    return f"cli:{name}" if name else "cli"


def _print_json(document: object) -> None:
    out.print(json.dumps(document, ensure_ascii=False), markup=False, highlight=False,
              soft_wrap=True)


@review_app.command("list")
def list_reviews(
    state: Annotated[list[str] | None, typer.Option(
        "--state", help="Only these states (repeatable); default: open work and stale.")] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="Only this tier.")] = None,
    stale: Annotated[bool, typer.Option("--stale", help="Only stale components.")] = False,
    json_output: JsonOption = False,
    org: OrgOption = None,
) -> None:
    """The review queue: each component version's state, tier and what its gate lacks."""
    from rich.table import Table

    from learnloop.governance.policy_file import load_policy
    from learnloop.governance.queue import review_queue

    with organisation_session(org) as (workspace, session, organisation):
        rows = review_queue(session, organisation_id=organisation.id,
                            policy=load_policy(workspace.settings), states=state, tier=tier,
                            stale=True if stale else None)
    if json_output:
        for row in rows:
            _print_json(row)
        return
    table = Table(title=f"review queue ({len(rows)})")
    for column in ("id", "component", "state", "tier", "checks", "missing"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row["component_id"]), f"{row['key']} v{row['version']}"
                      + (" (stale)" if row["stale"] else ""), row["state"], row["tier"],
                      "pass" if row["checks_passed"] else "problems",
                      "; ".join(row["missing"]) or "—")
    out.print(table)


@review_app.command("show")
def show(component_id: ComponentId, json_output: JsonOption = False,
         org: OrgOption = None) -> None:
    """One component's review: tier and why, gate, checks, items with citations, comments and
    the diff against the version it would replace."""
    from learnloop.domain.govern.diff import unified_diff
    from learnloop.governance.policy_file import load_policy
    from learnloop.governance.reviews import review_view

    with organisation_session(org) as (workspace, session, organisation):
        view = review_view(session, organisation_id=organisation.id,
                           component_id=component_id, policy=load_policy(workspace.settings))
    document = view.to_dict()
    if json_output:
        _print_json(document)
        return
    say = lambda text: out.print(text, markup=False, highlight=False, soft_wrap=True)  # noqa: E731
    say(f"{document['key']} v{document['version']} — {document['title']}")
    say(f"state: {document['state']}   tier: {document['tier']} "
        f"({'; '.join(document['tier_reasons'])})")
    gate = document["gate"]
    say(f"gate: {'; '.join(gate['required'])}; approved by "
        f"{', '.join(a['actor'] for a in gate['approvals']) or 'nobody yet'}; missing: "
        f"{'; '.join(gate['missing']) or 'nothing'}")
    checks = document["checks"] or {}
    say(f"checks: {'passed' if checks.get('passed') else 'problems'}"
        + "".join(f"\n  - {problem}" for problem in checks.get("problems", [])))
    if document["stale"]:
        say(f"stale: its source changed passages {', '.join(document['stale_chunks'])}")
    for item in document["items"]:
        cited = ", ".join(citation["chunk_id"] for citation in item["citations"])
        say(f"  [{item['index']}] {item['text']}  ({cited})")
    for note in document["comments"]:
        say(f"comment by {note['actor']} on {note['where']}: {note['text']}")
    if document["compared_with"] is not None:
        say(f"diff against v{document['compared_with']['version']}:")
        say(unified_diff(view.compared_with.body, view.component.body,
                         labels=(f"v{view.compared_with.version}", f"v{view.component.version}"))
            or "  (no change in text)")


def _act(action: str, component_id: int, *, org: str | None, **arguments: object) -> None:
    from learnloop.governance import reviews
    from learnloop.governance.policy_file import load_policy

    with organisation_session(org) as (workspace, session, organisation):
        view = getattr(reviews, action)(session, organisation_id=organisation.id,
                                        component_id=component_id,
                                        policy=load_policy(workspace.settings), **arguments)
    out.print(f"{view.component.key} v{view.component.version}: {view.message} "
              f"(state {view.review.state}, tier {view.review.tier})", markup=False,
              highlight=False, soft_wrap=True)


@review_app.command("approve")
def approve(component_id: ComponentId, note: Annotated[str, typer.Option(
        "--note", help="Why, for the record.")] = "", as_: AsOption = None,
            role: RoleOption = "admin", org: OrgOption = None) -> None:
    """Approve; the component is approved once its tier's gate is complete."""
    _act("approve", component_id, org=org, actor=_actor(as_), role=role, note=note)


@review_app.command("request-changes")
def request_changes(component_id: ComponentId, note: Annotated[str, typer.Option(
        "--note", help="Which changes are needed.")], as_: AsOption = None,
                    role: RoleOption = "admin", org: OrgOption = None) -> None:
    """Send the component back with the changes it needs."""
    _act("request_changes", component_id, org=org, actor=_actor(as_), role=role, note=note)


@review_app.command("comment")
def comment(component_id: ComponentId,
            text: Annotated[str, typer.Argument(help="The comment.")],
            item: Annotated[int | None, typer.Option(
                "--item", help="The item it is about (index, as `review show` numbers it).")]
            = None,
            field: Annotated[str | None, typer.Option(
                "--field", help="The body field, e.g. questions[0].options[1].")] = None,
            span: Annotated[str | None, typer.Option(
                "--span", help="START:END characters of that item's or field's text.")] = None,
            as_: AsOption = None, role: RoleOption = "admin", org: OrgOption = None) -> None:
    """Comment on a part of the component: an item, a field, a span of its text."""
    from learnloop.domain.govern.records import Anchor
    from learnloop.errors import InputError, Problem

    start = end = None
    if span is not None:
        try:
            start, end = (int(part) for part in span.split(":", 1))
        except ValueError:
            raise InputError(f"--span {span!r}: use START:END, e.g. 4:18",
                             [Problem("not START:END", field="span")]) from None
    _act("comment", component_id, org=org, actor=_actor(as_), role=role, text=text,
         anchor=Anchor(item=item, field=field, start=start, end=end))


@review_app.command("submit")
def submit(component_id: ComponentId, as_: AsOption = None, role: RoleOption = "admin",
           org: OrgOption = None) -> None:
    """Send a draft (or a component with changes requested) to review."""
    _act("submit", component_id, org=org, actor=_actor(as_), role=role)


@review_app.command("publish")
def publish(component_id: ComponentId, as_: AsOption = None, role: RoleOption = "admin",
            org: OrgOption = None) -> None:
    """Publish an approved component; refused, saying what is missing, before that."""
    _act("publish", component_id, org=org, actor=_actor(as_), role=role)


@review_app.command("retire")
def retire(component_id: ComponentId, reason: Annotated[str, typer.Option(
        "--reason", help="Why it is withdrawn.")] = "", as_: AsOption = None,
           role: RoleOption = "admin", org: OrgOption = None) -> None:
    """Withdraw a component from use."""
    _act("retire", component_id, org=org, actor=_actor(as_), role=role, reason=reason)


@review_app.command("times")
def times(json_output: JsonOption = False, org: OrgOption = None) -> None:
    """Review cycle times: hours in each state per tier, and per reviewer."""
    from learnloop.governance.queue import review_cycle_times

    with organisation_session(org) as (_, session, organisation):
        document = review_cycle_times(session, organisation_id=organisation.id).to_dict()
    if json_output:
        _print_json(document)
        return
    for tier, figures in document["tiers"].items():
        states = ", ".join(f"{span['state']} {span['median_hours']} h"
                           for span in figures["states"])
        out.print(f"{tier}: median {states}; to publish "
                  f"{figures['to_publish']['median_hours']} h", markup=False)
    for reviewer, figures in document["reviewers"].items():
        out.print(f"{reviewer}: {figures['approvals']} approved, "
                  f"{figures['changes_requested']} sent back, median "
                  f"{figures['hours_to_decide']['median_hours']} h to decide", markup=False)
