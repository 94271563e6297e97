"""API token secrets: how they are made, hashed and shown, and which roles need a person.

Pure functions; the store keeps only `secret_hash(secret)` and `display_prefix(secret)`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from learnloop.domain.access import AccessRole
from learnloop.errors import InputError, Problem

__all__ = [
    "PERSONAL_ROLES", "SECRET_PREFIX", "TOUCH_INTERVAL", "display_prefix", "new_secret",
    "parse_role", "secret_hash", "should_touch",
]

SECRET_PREFIX = "ll_"
SECRET_BYTES = 32
# a token's first characters, safe to show: 8 of ~43 random characters reveal nothing useful
PREFIX_LENGTH = len(SECRET_PREFIX) + 8
PERSONAL_ROLES: frozenset[AccessRole] = frozenset({AccessRole.MANAGER, AccessRole.LEARNER})
# last_used_at is refreshed at most this often, so reading the API does not write on every request
TOUCH_INTERVAL = timedelta(minutes=1)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def secret_hash(secret: str) -> str:
    """What the database keeps instead of the secret (sha256, hex)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(secret: str) -> str:
    return secret[:PREFIX_LENGTH]


def parse_role(text: str) -> AccessRole:
    try:
        return AccessRole(text.strip().lower())
    except ValueError:
        valid = ", ".join(role.value for role in AccessRole)
        raise InputError(f"unknown role {text!r}; valid roles: {valid}",
                         [Problem(f"must be one of {valid}", field="role")]) from None


def should_touch(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= TOUCH_INTERVAL
