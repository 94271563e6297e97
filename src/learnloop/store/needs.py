"""Keeps the learning needs: saved by key (so a re-run updates a need in place), read in rank order.

The needs agent and L&D's status changes write here; the CLI, API, console and other agents read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from learnloop.domain.needs import Need, NeedKind, NeedNature, NeedStatus
from learnloop.errors import NotFoundError
from learnloop.store import tables
from learnloop.store.reading import chunks

__all__ = ["need", "need_by_key", "needs", "save_needs", "set_status"]

_BATCH = 2000
_TUPLES = ("behaviour_metrics", "team_keys", "role_keys", "person_keys")
_COLUMNS = ("key", "title", "status", "kind", "nature", "skill_key", "objective_key",
            "kpi_metric", "kpi_direction", *_TUPLES, "urgency", "risk", "score", "rank", "gap",
            "gap_lower", "gap_upper", "weight", "confidence", "reason", "evidence",
            "detection_id", "detected_at", "status_reason", "status_changed_at",
            "status_basis", "created_at", "updated_at")


def _record(row: Any) -> Need:
    values: dict[str, Any] = {name: row[name] for name in _COLUMNS}
    values.update({name: tuple(values[name] or ()) for name in _TUPLES})
    return Need(id=row["id"], **{**values, "status": NeedStatus(row["status"]),
                                 "kind": NeedKind(row["kind"]),
                                 "nature": NeedNature(row["nature"]),
                                 "evidence": dict(row["evidence"] or {}),
                                 "status_basis": dict(row["status_basis"] or {})})


def _columns(item: Need) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(item, name) for name in _COLUMNS}
    values.update({name: list(values[name]) for name in _TUPLES})
    values.update(status=str(item.status), kind=str(item.kind), nature=str(item.nature))
    return values


def _select() -> Any:
    return select(tables.Need.__table__)


def need(session: Session, *, organisation_id: int, need_id: int) -> Need:
    """One need by id; NotFoundError when the organisation has no such need."""
    row = session.execute(_select().where(
        tables.Need.organisation_id == organisation_id, tables.Need.id == need_id)).mappings(
        ).first()
    if row is None:
        raise NotFoundError(f"no need {need_id}")
    return _record(row)


def need_by_key(session: Session, *, organisation_id: int, key: str) -> Need | None:
    row = session.execute(_select().where(
        tables.Need.organisation_id == organisation_id, tables.Need.key == key)).mappings(
        ).first()
    return None if row is None else _record(row)


def needs(session: Session, *, organisation_id: int,
          status: NeedStatus | str | Iterable[NeedStatus | str] | None = None) -> list[Need]:
    """The organisation's needs in rank order (best first), optionally of some statuses only."""
    query = _select().where(tables.Need.organisation_id == organisation_id)
    if status is not None:
        wanted = [status] if isinstance(status, str) else list(status)
        query = query.where(tables.Need.status.in_([str(NeedStatus(s)) for s in wanted]))
    query = query.order_by(tables.Need.rank, tables.Need.id)
    return [_record(row) for row in session.execute(query).mappings()]


def save_needs(session: Session, *, organisation_id: int, needs: Iterable[Need],
               stored: Iterable[Need] = ()) -> list[Need]:
    """Insert or update needs by key (their `id` is ignored); returns them as stored, with ids.
    `stored`: the needs as read before (`needs`); one equal to its stored self is not written
    again (a run that changes nothing writes nothing).

    Build a new one with `learnloop.domain.needs.draft_need`.
    """
    items = list({item.key: item for item in needs}.values())
    before = {item.key: item for item in stored}
    found: dict[str, Need] = {item.key: before[item.key] for item in items
                              if before.get(item.key) == item}
    writing = [item for item in items if item.key not in found]
    keys = [item.key for item in writing]
    ids: dict[str, int] = {}
    for chunk in chunks(keys):
        ids.update(session.execute(select(tables.Need.key, tables.Need.id).where(
            tables.Need.organisation_id == organisation_id, tables.Need.key.in_(chunk))).all())
    new = [{"organisation_id": organisation_id, **_columns(item)} for item in writing
           if item.key not in ids]
    changed = [{"id": ids[item.key], **_columns(item)} for item in writing if item.key in ids]
    for batch in chunks(new, _BATCH):
        session.execute(insert(tables.Need), list(batch))
    for batch in chunks(changed, _BATCH):
        session.execute(update(tables.Need), list(batch))
    for chunk in chunks(keys):
        for row in session.execute(_select().where(
                tables.Need.organisation_id == organisation_id,
                tables.Need.key.in_(chunk))).mappings():
            found[row["key"]] = _record(row)
    return [found[item.key] for item in items]


def set_status(session: Session, *, organisation_id: int, need_id: int, status: NeedStatus,
               reason: str, basis: dict[str, Any], at: datetime) -> Need:
    """Record L&D's decision on one need (the caller writes the event)."""
    done = session.execute(update(tables.Need).where(
        tables.Need.organisation_id == organisation_id, tables.Need.id == need_id).values(
        status=str(status), status_reason=reason, status_basis=basis, status_changed_at=at,
        updated_at=at))
    if not done.rowcount:
        raise NotFoundError(f"no need {need_id}")
    return need(session, organisation_id=organisation_id, need_id=need_id)
