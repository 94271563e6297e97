"""`learnloop token`: create, list and revoke API tokens for the organisation.

A new token's secret is printed once, after its transaction has committed.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from learnloop.cli.context import OrgOption, err, organisation_session, out

__all__ = ["token_app"]

token_app = typer.Typer(help="API tokens: create, list and revoke.", no_args_is_help=True)


@token_app.command("create")
def token_create(
    role: Annotated[
        str, typer.Option("--role", help="admin, ld, reviewer, manager, learner or integration.")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="A label to recognise the token by.")
    ] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Person key (required for manager and learner).")
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="What the token may change, e.g. imports:signals (repeat, or separate with "
            "commas; '' for nothing). Default: the role's default scopes.",
        ),
    ] = None,
    org: OrgOption = None,
) -> None:
    """Create an API token; the secret is printed once and stored only as a hash."""
    from learnloop.tokens import issue_token

    with organisation_session(org) as (_, session, organisation):
        issued = issue_token(
            session,
            organisation_id=organisation.id,
            role=role,
            name=name,
            person_key=person,
            actor="cli",
            scopes=scope or None,
        )
    err.print(
        f"token {issued.name!r} (id {issued.id}, role {issued.role}) created with scopes "
        f"{' '.join(issued.scopes) or '(none)'}; store it now, it is not shown again:"
    )
    out.print(issued.secret, markup=False, highlight=False, soft_wrap=True)


@token_app.command("list")
def token_list(org: OrgOption = None) -> None:
    """List the organisation's tokens (never their secrets), then what each may change."""
    from learnloop.tokens import list_tokens

    with organisation_session(org) as (_, session, organisation):
        tokens = list_tokens(session, organisation_id=organisation.id)
    table = Table("id", "name", "role", "person", "prefix", "created", "last used", "revoked")
    # scopes are long: a table of their own keeps the main one narrow enough to read
    scopes = Table("id", "name", "scopes (what the token may change)")
    for token in tokens:
        table.add_row(
            str(token.id),
            token.name,
            token.role,
            token.person_key or "",
            token.prefix,
            f"{token.created_at:%Y-%m-%d %H:%M}",
            f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "",
            f"{token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "",
        )
        scopes.add_row(str(token.id), token.name, " ".join(token.scopes) or "(none)")
    out.print(table)
    out.print(scopes)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="Token id from `learnloop token list`.")],
    org: OrgOption = None,
) -> None:
    """Revoke a token: it stops working at once."""
    from learnloop.tokens import revoke_token

    with organisation_session(org) as (_, session, organisation):
        revoke_token(session, organisation_id=organisation.id, token_id=token_id, actor="cli")
    out.print(f"token {token_id} revoked")
