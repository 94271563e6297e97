"""`learnloop lrs`: the xAPI LRS's clients (create, list, revoke), forwarding and pulling.

A new client's password is printed once, after its transaction has committed.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, err, opened_workspace, organisation_session, out

__all__ = ["lrs_app"]

lrs_app = typer.Typer(help="The xAPI Learning Record Store under /xapi/.", no_args_is_help=True)
client_app = typer.Typer(help="LRS clients: HTTP Basic credentials with xAPI scopes.",
                         no_args_is_help=True)
lrs_app.add_typer(client_app, name="client")


@client_app.command("create")
def client_create(
    name: Annotated[str, typer.Option("--name", help="A label to recognise the client by.")],
    scope: Annotated[list[str], typer.Option(
        "--scope", help="xAPI scopes, comma-separated or repeated: statements/write, "
                        "statements/read/mine, statements/read, state, define, profile, "
                        "all/read, all.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print username and password as "
                                                         "JSON.")] = False,
    org: OrgOption = None,
) -> None:
    """Create an LRS client; its password is printed once and stored only as a hash."""
    from learnloop.xapi.clients import create_client

    with organisation_session(org) as (_, session, organisation):
        issued = create_client(session, organisation_id=organisation.id, name=name,
                               scopes=scope)
    client = issued.client
    if as_json:
        out.print_json(json.dumps({"name": client.name, "username": client.username,
                                   "password": issued.password,
                                   "scopes": sorted(client.scopes)}))
        return
    err.print(f"LRS client {client.name!r} created with scopes {' '.join(sorted(client.scopes))};"
              " store the password now, it is not shown again:")
    out.print(f"username: {client.username}\npassword: {issued.password}", markup=False,
              highlight=False, soft_wrap=True)


@client_app.command("list")
def client_list(org: OrgOption = None) -> None:
    """List the organisation's LRS clients (never their passwords)."""
    from learnloop.xapi.clients import list_clients

    with organisation_session(org) as (_, session, organisation):
        clients = list_clients(session, organisation_id=organisation.id)
    table = Table("username", "name", "scopes", "created", "revoked")
    for client in clients:
        table.add_row(client.username, client.name, " ".join(sorted(client.scopes)),
                      f"{client.created_at:%Y-%m-%d %H:%M}",
                      f"{client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "")
    out.print(table)


@client_app.command("revoke")
def client_revoke(
    username: Annotated[str, typer.Argument(help="The client's username (lrs client list).")],
    org: OrgOption = None,
) -> None:
    """Revoke a client: its credentials stop working at once."""
    from learnloop.xapi.clients import revoke_client

    with organisation_session(org) as (_, session, organisation):
        revoke_client(session, organisation_id=organisation.id, username=username)
    out.print(f"LRS client {username} revoked")


EndpointOption = Annotated[str, typer.Option(
    "--endpoint", help="The external LRS's xAPI base URL, e.g. https://lrs.example/xAPI/.")]
UsernameOption = Annotated[str, typer.Option("--username", help="Its HTTP Basic username.")]
PasswordOption = Annotated[str, typer.Option(
    "--password", help="Its HTTP Basic password (or LEARNLOOP_LRS_PASSWORD).",
    envvar="LEARNLOOP_LRS_PASSWORD")]


@lrs_app.command("forward")
def forward(
    name: Annotated[str, typer.Option("--name", help="A name for the external LRS.")],
    endpoint: Annotated[str | None, typer.Option(
        "--endpoint", help="Its xAPI base URL (needed the first time, or to change it).")] = None,
    username: Annotated[str | None, typer.Option("--username", help="Its Basic username.")] = None,
    password: Annotated[str | None, typer.Option(
        "--password", help="Its Basic password (or LEARNLOOP_LRS_PASSWORD).",
        envvar="LEARNLOOP_LRS_PASSWORD")] = None,
    wait: Annotated[bool, typer.Option(
        "--wait", help="Forward now in this process instead of queueing a job.")] = False,
    org: OrgOption = None,
) -> None:
    """Forward every statement the external LRS has not acknowledged yet (a queued job)."""
    from learnloop.jobs import JobQueue, forward_pending
    from learnloop.xapi.forwarding import save_forward

    with opened_workspace() as workspace:
        with workspace.session() as session:
            organisation = workspace.organisation(session, org)
            key = organisation.key
            if endpoint is not None:
                save_forward(session, organisation_id=organisation.id, name=name,
                             endpoint=endpoint, username=username or "",
                             password=password or "")
            job_id = None if wait else JobQueue(workspace).enqueue_forward(
                session, organisation_key=key, name=name, actor="cli")
        if job_id is not None:
            out.print(f"forwarding to {name} queued as job {job_id}")
            return
        result = forward_pending(workspace, organisation_key=key, name=name)
    out.print(f"forwarded {result['sent']} statements to {name} in {result['batches']} batches")


@lrs_app.command("pull")
def pull(
    endpoint: EndpointOption,
    username: UsernameOption,
    password: PasswordOption,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only statements the external LRS stored after this time (ISO 8601).")]
        = None,
    org: OrgOption = None,
) -> None:
    """Import the external LRS's statements (since + more); ones already held are skipped."""
    from learnloop.xapi.pulling import pull_statements
    from learnloop.xapi.remote import RemoteLrs

    remote = RemoteLrs(endpoint=endpoint, username=username, password=password)
    try:
        with organisation_session(org) as (_, session, organisation):
            report = pull_statements(session, organisation_id=organisation.id, remote=remote,
                                     since=since)
    finally:
        remote.close()
    out.print(f"pulled {report.statements} statements in {report.pages} pages from {endpoint}")
