"""The detections the sensing agent raised: written once, read by the CLI, the API and the console.

A detection is keyed by its series (subject and metric) and the week its change started.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
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

__all__ = ["add_detection", "detection_list", "detection_record", "drop_detections",
           "known_detections"]


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
    query = query.order_by(table.detected_at.desc(), table.subject_key, table.metric)
    return [_record(row) for row in session.scalars(query)]


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
