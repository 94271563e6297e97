"""LRS clients: HTTP Basic credentials per client with xAPI scopes; create, list, revoke and
authenticate. The password is shown once and stored only as its sha256.

A header that authenticated is remembered for VERIFIED_SECONDS by the sha256 of the header (never
the password itself), so a client posting many requests is not read from the database each time.
A revoke in this process forgets the client at once; a revoke by another process (the CLI
beside a running server) holds there within VERIFIED_SECONDS. Failures are never remembered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from learnloop.domain.events import utcnow
from learnloop.domain.tokens import secret_hash
from learnloop.errors import ForbiddenError, InputError, NotFoundError, Problem
from learnloop.store import Session
from learnloop.store import xapi_clients as store
from learnloop.xapi.errors import BasicCredentialsNeeded

__all__ = ["SCOPES", "Client", "IssuedClient", "authenticate_basic", "create_client",
           "list_clients", "remembered_client", "revoke_client"]

# the xAPI 1.0.3 scopes (Communication §4.1, OAuth scope values)
SCOPES = ("statements/write", "statements/read/mine", "statements/read", "state", "define",
          "profile", "all/read", "all")
# the site of the identities learnloop gives its clients in `authority`
AUTHORITY_HOME = "https://learnloop.invalid/xapi/clients"


@dataclass(frozen=True, slots=True)
class Client:
    id: int
    organisation_id: int
    name: str
    username: str
    scopes: frozenset[str]
    created_at: datetime
    revoked_at: datetime | None

    @property
    def authority(self) -> dict[str, object]:
        """The Agent the LRS writes as `authority` on every statement this client stores."""
        return {"objectType": "Agent", "name": self.name,
                "account": {"homePage": AUTHORITY_HOME, "name": self.username}}

    def has(self, *scopes: str) -> bool:
        return "all" in self.scopes or any(scope in self.scopes for scope in scopes)

    def require(self, *scopes: str) -> None:
        if not self.has(*scopes):
            raise ForbiddenError(f"this client's scopes ({', '.join(sorted(self.scopes))}) "
                                 f"do not admit this; it needs one of: {', '.join(scopes)}")

    @property
    def reads_only_its_own(self) -> bool:
        """statements/read/mine without a wider read scope."""
        return not self.has("statements/read", "all/read") and self.has("statements/read/mine")


@dataclass(frozen=True, slots=True)
class IssuedClient:
    client: Client
    password: str


def _client(row) -> Client:  # noqa: ANN001 - a store row
    return Client(id=row.id, organisation_id=row.organisation_id, name=row.name,
                  username=row.username, scopes=frozenset(row.scopes.split()),
                  created_at=row.created_at, revoked_at=row.revoked_at)


def parse_scopes(values: list[str]) -> tuple[str, ...]:
    """Scopes from '--scope a,b --scope c'; an unknown one is an InputError naming the valid."""
    scopes = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise InputError("bad --scope", [Problem(
            f"unknown scope {', '.join(unknown)}" if unknown else "give at least one scope",
            field="scope")] + [Problem(f"the scopes are: {', '.join(SCOPES)}", field="scope")])
    return tuple(dict.fromkeys(scopes))


def create_client(session: Session, *, organisation_id: int, name: str,
                  scopes: list[str]) -> IssuedClient:
    if not name.strip():
        raise InputError("bad --name", [Problem("the client needs a name", field="name")])
    chosen = parse_scopes(scopes)
    username = f"lrs_{secrets.token_hex(8)}"
    password = secrets.token_urlsafe(32)
    row = store.insert_client(session, organisation_id=organisation_id, name=name.strip(),
                              username=username, secret_hash=secret_hash(password),
                              scopes=" ".join(chosen), created_at=utcnow())
    return IssuedClient(client=_client(row), password=password)


def list_clients(session: Session, *, organisation_id: int) -> list[Client]:
    return [_client(row) for row in store.client_rows(session, organisation_id=organisation_id)]


def revoke_client(session: Session, *, organisation_id: int, username: str) -> None:
    if not store.mark_client_revoked(session, organisation_id=organisation_id, username=username,
                                     at=utcnow()):
        raise NotFoundError(f"no LRS client {username!r} in this organisation")
    _verified.forget(username)


# how long an authenticated header is believed without reading its client again
VERIFIED_SECONDS = 5.0


class _VerifiedHeaders:
    """Authorization headers that authenticated lately, by their sha256, each with its Client
    until it expires; at most `size` (the oldest go first)."""

    def __init__(self, *, seconds: float, size: int = 1024,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self._clients: dict[bytes, tuple[Client, float]] = {}
        self._lock = threading.Lock()

    def client(self, key: bytes) -> Client | None:
        found = self._clients.get(key)
        if found is None or found[1] < self.clock():
            return None
        return found[0]

    def keep(self, key: bytes, client: Client) -> None:
        with self._lock:
            if len(self._clients) >= self.size:
                del self._clients[next(iter(self._clients))]
            self._clients[key] = (client, self.clock() + self.seconds)

    def forget(self, username: str) -> None:
        with self._lock:
            for key, (client, _) in list(self._clients.items()):
                if client.username == username:
                    del self._clients[key]


_verified = _VerifiedHeaders(seconds=VERIFIED_SECONDS)


def _header_key(header: str) -> bytes:
    """The digest of a whole Authorization header: equal digests mean equal headers, and a
    lookup's timing says nothing about the password."""
    return hashlib.sha256(header.encode("utf-8", "surrogateescape")).digest()


def remembered_client(header: str | None) -> Client | None:
    """The client of an Authorization header that authenticated in the last VERIFIED_SECONDS
    (and was not revoked since), known without the database; None: ask `authenticate_basic`."""
    return _verified.client(_header_key(header)) if header else None


def authenticate_basic(session: Session, header: str | None) -> Client:
    """The client an `Authorization: Basic …` header names, if its password matches and it is
    not revoked; BasicCredentialsNeeded (401) otherwise, the same for every failure."""
    refused = BasicCredentialsNeeded("send the LRS client's credentials: "
                                     "'Authorization: Basic base64(username:password)'")
    if not header:
        raise refused
    remembered = remembered_client(header)
    if remembered is not None:
        return remembered
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise refused
    try:
        username, _, password = base64.b64decode(encoded.strip(), validate=True).decode(
            "utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise refused from None
    row = store.client_by_username(session, username=username)
    if (row is None or row.revoked_at is not None
            or not hmac.compare_digest(row.secret_hash, secret_hash(password))):
        raise refused
    client = _client(row)
    _verified.keep(_header_key(header), client)
    return client
