"""Delivery plans as stored: one row per plan, its assignment and schedule as JSON documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.delivery.messages import Message, Why
from learnloop.domain.delivery.plans import DeliveryPlan, Planned, PlanStatus
from learnloop.errors import NotFoundError
from learnloop.store import tables

__all__ = ["delivery_plan", "delivery_plans", "save_plan"]


def _record(row: tables.DeliveryPlan) -> DeliveryPlan:
    schedule = row.schedule or {}
    return DeliveryPlan(
        key=row.key, need_key=row.need_key, pack_key=row.pack_key, status=PlanStatus(row.status),
        holdout_fraction=row.holdout_fraction, seed=row.seed,
        message=Message.from_dict(row.message.get("message", {})),
        why=Why.from_dict(row.message.get("why", {})),
        groups=dict(row.assignment.get("groups", {})),
        planned=tuple(Planned(person_key=item["person"], team_key=item["team"],
                              channel=item["channel"],
                              send_at=tuple(datetime.fromisoformat(at) for at in item["at"]))
                      for item in schedule.get("people", ())),
        settings=dict(schedule.get("settings", {})), created_at=row.created_at,
        approved_at=row.approved_at, approved_by=row.approved_by,
        intervention_id=row.assignment.get("intervention_id"))


def save_plan(session: Session, *, organisation_id: int, plan: DeliveryPlan) -> DeliveryPlan:
    """Insert or replace the plan with this key."""
    row = session.scalar(select(tables.DeliveryPlan).where(
        tables.DeliveryPlan.organisation_id == organisation_id,
        tables.DeliveryPlan.key == plan.key))
    values: dict[str, Any] = {
        "need_key": plan.need_key, "pack_key": plan.pack_key, "status": str(plan.status),
        "holdout_fraction": plan.holdout_fraction, "seed": plan.seed,
        "message": {"message": plan.message.as_dict(), "why": plan.why.as_dict()},
        "assignment": {"groups": plan.groups, "intervention_id": plan.intervention_id},
        "schedule": {"settings": plan.settings, "people": [
            {"person": p.person_key, "team": p.team_key, "channel": p.channel,
             "at": [at.isoformat() for at in p.send_at]} for p in plan.planned]},
        "approved_at": plan.approved_at, "approved_by": plan.approved_by}
    if row is None:
        row = tables.DeliveryPlan(organisation_id=organisation_id, key=plan.key,
                                  created_at=plan.created_at, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.flush()
    return _record(row)


def delivery_plan(session: Session, *, organisation_id: int, key: str) -> DeliveryPlan:
    row = session.scalar(select(tables.DeliveryPlan).where(
        tables.DeliveryPlan.organisation_id == organisation_id, tables.DeliveryPlan.key == key))
    if row is None:
        raise NotFoundError(f"no delivery plan with key {key!r}")
    return _record(row)


def delivery_plans(session: Session, *, organisation_id: int) -> list[DeliveryPlan]:
    rows = session.scalars(select(tables.DeliveryPlan).where(
        tables.DeliveryPlan.organisation_id == organisation_id)
        .order_by(tables.DeliveryPlan.id.desc()))
    return [_record(row) for row in rows]
