"""Keeps the learning needs: saved by key (so a re-run updates a need in place), read in rank order.

The needs agent and L&D's status changes write here; the CLI, API, console and other agents read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.needs import Need, NeedKind, NeedNature, NeedStatus
from learnloop.errors import NotFoundError
from learnloop.store import tables

__all__ = ["need", "need_by_key", "needs", "save_needs", "set_status"]

_TUPLES = ("behaviour_metrics", "team_keys", "role_keys", "person_keys")
_COLUMNS = ("key", "title", "status", "kind", "nature", "skill_key", "objective_key",
            "kpi_metric", "kpi_direction", *_TUPLES, "urgency", "risk", "score", "rank", "gap",
            "gap_lower", "gap_upper", "weight", "confidence", "reason", "evidence",
            "detection_id", "detected_at", "status_reason", "status_changed_at",
            "status_basis", "created_at", "updated_at")


def _record(row: tables.Need) -> Need:
    values: dict[str, Any] = {name: getattr(row, name) for name in _COLUMNS}
    values.update({name: tuple(values[name] or ()) for name in _TUPLES})
    return Need(id=row.id, **{**values, "status": NeedStatus(row.status),
                              "kind": NeedKind(row.kind), "nature": NeedNature(row.nature),
                              "evidence": dict(row.evidence or {}),
                              "status_basis": dict(row.status_basis or {})})


def _columns(item: Need) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(item, name) for name in _COLUMNS}
    values.update({name: list(values[name]) for name in _TUPLES})
    values.update(status=str(item.status), kind=str(item.kind), nature=str(item.nature))
    return values


def need(session: Session, *, organisation_id: int, need_id: int) -> Need:
    """One need by id; NotFoundError when the organisation has no such need."""
    row = session.scalar(select(tables.Need).where(
        tables.Need.organisation_id == organisation_id, tables.Need.id == need_id))
    if row is None:
        raise NotFoundError(f"no need {need_id}")
    return _record(row)


def need_by_key(session: Session, *, organisation_id: int, key: str) -> Need | None:
    row = session.scalar(select(tables.Need).where(
        tables.Need.organisation_id == organisation_id, tables.Need.key == key))
    return None if row is None else _record(row)


def needs(session: Session, *, organisation_id: int,
          status: NeedStatus | str | Iterable[NeedStatus | str] | None = None) -> list[Need]:
    """The organisation's needs in rank order (best first), optionally of some statuses only."""
    query = select(tables.Need).where(tables.Need.organisation_id == organisation_id)
    if status is not None:
        wanted = [status] if isinstance(status, str) else list(status)
        query = query.where(tables.Need.status.in_([str(NeedStatus(s)) for s in wanted]))
    query = query.order_by(tables.Need.rank, tables.Need.id)
    return [_record(row) for row in session.scalars(query)]


def save_needs(session: Session, *, organisation_id: int, needs: Iterable[Need]) -> list[Need]:
    """Insert or update needs by key (their `id` is ignored); returns them as stored, with ids.

    Build a new one with `learnloop.domain.needs.draft_need`.
    """
    items = list(needs)
    existing = {row.key: row for row in session.scalars(select(tables.Need).where(
        tables.Need.organisation_id == organisation_id,
        tables.Need.key.in_([item.key for item in items])))} if items else {}
    rows = []
    for item in items:
        row = existing.get(item.key)
        if row is None:
            row = tables.Need(organisation_id=organisation_id)
            session.add(row)
        for name, value in _columns(item).items():
            setattr(row, name, value)
        rows.append(row)
    session.flush()
    return [_record(row) for row in rows]


def set_status(session: Session, *, organisation_id: int, need_id: int, status: NeedStatus,
               reason: str, basis: dict[str, Any], at: datetime) -> Need:
    """Record L&D's decision on one need (the caller writes the event)."""
    row = session.scalar(select(tables.Need).where(
        tables.Need.organisation_id == organisation_id, tables.Need.id == need_id))
    if row is None:
        raise NotFoundError(f"no need {need_id}")
    row.status, row.status_reason, row.status_basis = str(status), reason, basis
    row.status_changed_at = row.updated_at = at
    session.flush()
    return _record(row)
