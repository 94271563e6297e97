"""Moment-of-need rules as stored: add or replace one by key, list the active ones."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain.delivery.rules import RuleTrigger, ThresholdRule
from learnloop.domain.events import utcnow
from learnloop.store import tables

__all__ = ["StoredRule", "active_rules", "save_rule", "team_members"]


class StoredRule:
    __slots__ = ("message", "rule")

    def __init__(self, rule: ThresholdRule, message: dict[str, Any]) -> None:
        self.rule, self.message = rule, message


def save_rule(session: Session, *, organisation_id: int, key: str, metric: str,
              trigger: RuleTrigger, threshold: float | None, message: dict[str, Any],
              active: bool = True) -> StoredRule:
    row = session.scalar(select(tables.DeliveryRule).where(
        tables.DeliveryRule.organisation_id == organisation_id, tables.DeliveryRule.key == key))
    if row is None:
        row = tables.DeliveryRule(organisation_id=organisation_id, key=key, created_at=utcnow())
        session.add(row)
    row.metric, row.trigger, row.threshold = metric, str(trigger), threshold
    row.message, row.active = message, active
    session.flush()
    return _stored(row)


def _stored(row: tables.DeliveryRule) -> StoredRule:
    return StoredRule(ThresholdRule(row.key, row.metric, RuleTrigger(row.trigger), row.threshold),
                      dict(row.message))


def active_rules(session: Session, *, organisation_id: int,
                 metrics: Sequence[str] | None = None) -> list[StoredRule]:
    query = select(tables.DeliveryRule).where(
        tables.DeliveryRule.organisation_id == organisation_id,
        tables.DeliveryRule.active.is_(True))
    if metrics is not None:
        query = query.where(tables.DeliveryRule.metric.in_(list(set(metrics))))
    return [_stored(row) for row in session.scalars(query.order_by(tables.DeliveryRule.key))]


def team_members(session: Session, *, organisation_id: int,
                 team_keys: Sequence[str]) -> dict[str, list[str]]:
    """Team key → its active people's keys."""
    found: dict[str, list[str]] = {}
    rows = session.execute(
        select(tables.Team.key, tables.Person.key)
        .join(tables.Person, tables.Person.team_id == tables.Team.id)
        .where(tables.Team.organisation_id == organisation_id,
               tables.Team.key.in_(list(set(team_keys))), tables.Person.status == "active"))
    for team, person in rows:
        found.setdefault(team, []).append(person)
    return found
