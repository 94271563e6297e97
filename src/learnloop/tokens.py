"""API tokens as a service: issue, list, revoke, and turn a presented secret into a Principal.

Used by the CLI (`learnloop token …`), the API (`/api/tokens`) and the console sign-in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from learnloop.connectors.importers.registry import importers
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.events import EventKind, utcnow
from learnloop.domain.scopes import format_scopes, token_scopes
from learnloop.domain.tokens import (
    PERSONAL_ROLES,
    display_prefix,
    new_secret,
    parse_role,
    secret_hash,
    should_touch,
)
from learnloop.errors import InputError, NotFoundError, Problem, UnauthorizedError
from learnloop.store import Session
from learnloop.store import tokens as store
from learnloop.store.console_sessions import end_sessions_of_token
from learnloop.store.event_log import EventLog
from learnloop.store.people import person_id_by_key, report_ids

__all__ = ["IssuedToken", "TokenInfo", "authenticate", "issue_token", "list_tokens",
           "principal_for_hash", "revoke_token"]


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token; `secret` exists only here and is shown once."""

    id: int
    name: str
    role: str
    scopes: tuple[str, ...]
    secret: str


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    role: str
    person_key: str | None
    scopes: tuple[str, ...]
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def issue_token(session: Session, *, organisation_id: int, role: str, name: str | None,
                person_key: str | None, actor: str, scopes: Iterable[str] | None = None,
                within: Collection[str] | None = None) -> IssuedToken:
    """Create a token; manager and learner tokens belong to a person, integration tokens to none.

    `scopes` narrows what it may change (None: its role's defaults); `within`, the creating
    token's own scopes when a token creates it, bounds them."""
    access_role = parse_role(role)
    granted = token_scopes(access_role, scopes, import_kinds=list(importers()), within=within)
    person_id: int | None = None
    if access_role in PERSONAL_ROLES and not person_key:
        raise InputError(f"a {access_role} token needs a person (the key of the person it "
                         "belongs to)",
                         [Problem("required for manager and learner tokens", field="person")])
    if access_role is AccessRole.INTEGRATION and person_key:
        raise InputError("an integration token belongs to a system, not a person",
                         [Problem("not allowed for integration tokens", field="person")])
    if person_key:
        person_id = person_id_by_key(session, organisation_id=organisation_id, key=person_key)
        if person_id is None:
            raise InputError(f"no person with key {person_key!r} in this organisation",
                             [Problem("unknown person key", field="person")])
    secret = new_secret()
    default_label = f"{access_role}:{person_key}" if person_key else str(access_role)
    label = (name or "").strip() or default_label
    row = store.insert_token(session, organisation_id=organisation_id, name=label,
                             role=access_role.value, person_id=person_id,
                             prefix=display_prefix(secret), secret_hash=secret_hash(secret),
                             scopes=format_scopes(granted), created_at=utcnow())
    EventLog(session, organisation_id).record(
        EventKind.TOKEN_CREATED, actor=actor, subject_type="token", subject_id=str(row.id),
        payload={"name": label, "role": access_role.value, "person": person_key,
                 "prefix": row.prefix, "scopes": sorted(granted)})
    return IssuedToken(id=row.id, name=label, role=access_role.value,
                       scopes=tuple(sorted(granted)), secret=secret)


def list_tokens(session: Session, *, organisation_id: int) -> list[TokenInfo]:
    return [
        TokenInfo(id=token.id, name=token.name, role=token.role, person_key=person_key,
                  scopes=tuple(token.scopes.split()), prefix=token.prefix,
                  created_at=token.created_at, last_used_at=token.last_used_at,
                  revoked_at=token.revoked_at)
        for token, person_key in store.token_rows(session, organisation_id=organisation_id)
    ]


def revoke_token(session: Session, *, organisation_id: int, token_id: int, actor: str) -> None:
    """Stop a token working at once; revoking a revoked token changes nothing."""
    token = store.token_by_id(session, organisation_id=organisation_id, token_id=token_id)
    if token is None:
        raise NotFoundError(f"no token with id {token_id} in this organisation")
    if token.revoked_at is not None:
        return
    store.mark_revoked(session, token_id=token.id, at=utcnow())
    end_sessions_of_token(session, token_id=token.id)
    EventLog(session, organisation_id).record(
        EventKind.TOKEN_REVOKED, actor=actor, subject_type="token", subject_id=str(token.id),
        payload={"name": token.name, "role": token.role, "prefix": token.prefix})


def authenticate(session: Session, secret: str) -> Principal:
    """The caller a secret stands for; unknown or revoked secrets raise UnauthorizedError."""
    return principal_for_hash(session, secret_hash(secret.strip()))


def principal_for_hash(session: Session, hashed: str) -> Principal:
    """As `authenticate`, from the secret's hash (what a console session cookie keeps)."""
    token = store.token_by_hash(session, secret_hash=hashed)
    if token is None:
        raise UnauthorizedError("invalid API token")
    if token.revoked_at is not None:
        raise UnauthorizedError("this API token has been revoked")
    now = utcnow()
    if should_touch(token.last_used_at, now):
        store.mark_used(session, token_id=token.id, at=now)
    role = AccessRole(token.role)
    reports: frozenset[int] = frozenset()
    if role is AccessRole.MANAGER and token.person_id is not None:
        reports = report_ids(session, organisation_id=token.organisation_id,
                             manager_id=token.person_id)
    return Principal(organisation_id=token.organisation_id, role=role, name=token.name,
                     person_id=token.person_id, token_id=token.id, reports=reports,
                     scopes=frozenset(token.scopes.split()))
