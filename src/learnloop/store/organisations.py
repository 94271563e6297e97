"""Organisations: the tenant every row belongs to, found or created by its key."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.events import utcnow
from learnloop.errors import InputError
from learnloop.store.tables import Organisation

__all__ = ["ensure_organisation", "rename_organisation"]

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def ensure_organisation(session: Session, key: str, *, name: str | None = None) -> Organisation:
    """The organisation with this key, created (named after the key) if it does not exist yet."""
    if not _KEY.match(key):
        raise InputError(
            f"organisation key {key!r} must be 1-64 lower-case letters, digits, '-' or '_'"
        )
    found = session.scalar(select(Organisation).where(Organisation.key == key))
    if found is None:
        found = Organisation(key=key, name=name or key, created_at=utcnow())
        session.add(found)
        session.flush()
    return found


def rename_organisation(session: Session, organisation: Organisation, *, name: str) -> Organisation:
    organisation.name = name
    session.flush()
    return organisation
