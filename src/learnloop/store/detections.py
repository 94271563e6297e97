"""The detections the sensing agent raised: written once, read by the CLI, the API and the console.

A detection is keyed by its series (subject and metric) and the week its change started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from learnloop.domain.sensing.diagnosis import Cause, Diagnosis
from learnloop.domain.sensing.records import (
    DetectionRecord,
    detection_evidence,
    detection_from_evidence,
)
from learnloop.domain.sensing.teams import Detection
from learnloop.errors import NotFoundError
from learnloop.store import tables

__all__ = ["DetectionPage", "DetectionPlace", "add_detection", "detection_list",
           "detection_page", "detection_record", "drop_detections", "known_detections"]


def known_detections(session: Session, *, organisation_id: int,
                     metric: str) -> set[tuple[str, date]]:
    """(team, change start) of the detections already stored for `metric`."""
    table = tables.Detection
    return {(key, start) for key, start in session.execute(
        select(table.subject_key, table.change_start).where(
            table.organisation_id == organisation_id, table.metric == metric))}


def add_detection(session: Session, *, organisation_id: int, detection: Detection,
                  diagnosis: Diagnosis, evidence: dict[str, Any],
                  created_at: datetime) -> DetectionRecord:
    """Store one detection with its diagnosis; `evidence` adds to the detection's own fields."""
    full = {**detection_evidence(detection), **evidence}
    row = tables.Detection(
        organisation_id=organisation_id, subject_type=detection.subject_type.value,
        subject_key=detection.subject_key or "", metric=detection.metric,
        direction=detection.direction, change_start=detection.change_start,
        detected_at=detection.detected_at, effect=detection.effect,
        effect_sd=detection.effect_sd, confidence=detection.confidence,
        cause=diagnosis.cause.value, skill=diagnosis.skill, reason=diagnosis.reason,
        evidence=full, created_at=created_at)
    session.add(row)
    session.flush()
    return _record(row)


def _record(row: tables.Detection) -> DetectionRecord:
    return DetectionRecord(id=row.id, detection=detection_from_evidence(row.evidence),
                           cause=Cause(row.cause), reason=row.reason, skill=row.skill,
                           evidence=row.evidence, created_at=row.created_at)


def detection_list(session: Session, *, organisation_id: int,
                   team_keys: list[str] | None = None) -> list[DetectionRecord]:
    """Every detection, newest detected first (then team, metric)."""
    table = tables.Detection
    query = select(table).where(table.organisation_id == organisation_id)
    if team_keys is not None:
        query = query.where(table.subject_key.in_(sorted(team_keys)))
    query = query.order_by(table.detected_at.desc(), table.subject_key, table.metric, table.id)
    return [_record(row) for row in session.scalars(query)]


@dataclass(frozen=True, slots=True)
class DetectionPage:
    """One page of detections in list order; `next_after` is where the next page starts (None:
    this was the last)."""

    records: list[DetectionRecord]
    next_after: DetectionPlace | None


@dataclass(frozen=True, slots=True)
class DetectionPlace:
    """A detection's place in list order: newest detected first, then team, metric and id."""

    detected_at: date
    subject_key: str
    metric: str
    id: int


def detection_page(session: Session, *, organisation_id: int, limit: int,
                   after: DetectionPlace | None = None) -> DetectionPage:
    """Up to `limit` detections in `detection_list`'s order, from just after `after`: a place
    in the order rather than an offset, so detections raised meanwhile never shift a page."""
    table = tables.Detection
    query = select(table).where(table.organisation_id == organisation_id)
    if after is not None:
        later_key = or_(table.subject_key > after.subject_key, and_(
            table.subject_key == after.subject_key,
            or_(table.metric > after.metric,
                and_(table.metric == after.metric, table.id > after.id))))
        query = query.where(or_(table.detected_at < after.detected_at,
                                and_(table.detected_at == after.detected_at, later_key)))
    query = query.order_by(table.detected_at.desc(), table.subject_key, table.metric,
                           table.id).limit(limit + 1)
    rows = list(session.scalars(query))
    more, rows = len(rows) > limit, rows[:limit]
    last = rows[-1] if rows else None
    place = (DetectionPlace(detected_at=last.detected_at, subject_key=last.subject_key,
                            metric=last.metric, id=last.id) if more and last else None)
    return DetectionPage(records=[_record(row) for row in rows], next_after=place)


def detection_record(session: Session, *, organisation_id: int,
                     detection_id: int) -> DetectionRecord:
    table = tables.Detection
    row = session.scalar(select(table).where(table.organisation_id == organisation_id,
                                             table.id == detection_id))
    if row is None:
        raise NotFoundError(f"no detection {detection_id}")
    return _record(row)


def drop_detections(session: Session, *, organisation_id: int) -> None:
    """Delete every detection (a backtest does so inside a savepoint it rolls back)."""
    table = tables.Detection
    session.execute(delete(table).where(table.organisation_id == organisation_id))


# a stored row as its record, for the other sensing reads (store/sensing_series.py)
detection_record_of = _record
