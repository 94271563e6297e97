"""`learnloop lrs`: the xAPI LRS's clients (create, list, revoke), forwarding and pulling.

A new client's password is printed once, after its transaction has committed.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, err, organisation_session, out

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
