"""Keys to ids: an organisation's own keys (employee id, team code, skill id) and their row ids.

One SELECT per table, so importers check every reference in memory rather than per row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

__all__ = ["key_ids"]


def key_ids(session: Session, model: Any, *, organisation_id: int) -> dict[str, int]:
    """The organisation's rows of `model` (a table with key and id), as key → id."""
    return dict(session.execute(select(model.key, model.id).where(
        model.organisation_id == organisation_id)).all())
