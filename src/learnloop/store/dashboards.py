"""Aggregate read models for the console: KPI series by team and the newest sources.

Aggregation happens in SQL so a page costs the same for 400 people as for 100,000; teams and
objectives come from `store.catalogue`, the same read models the API uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.store import tables

__all__ = ["KpiPoint", "SourceSummary", "kpi_points", "source_summaries"]


@dataclass(frozen=True, slots=True)
class KpiPoint:
    metric: str
    team: str
    observed_at: datetime
    value: float


@dataclass(frozen=True, slots=True)
class SourceSummary:
    key: str
    title: str
    kind: str
    version: int
    updated_at: datetime
    words: int


def kpi_points(
    session: Session, organisation_id: int, *, days: int = 190, max_points: int = 20_000
) -> list[KpiPoint]:
    """Team-level values of every KPI named by an objective over the last `days` of data."""
    metrics = (
        select(tables.Kpi.metric)
        .join(tables.Objective)
        .where(tables.Objective.organisation_id == organisation_id)
        .distinct()
    )
    latest = session.scalar(
        select(func.max(tables.Signal.observed_at)).where(
            tables.Signal.organisation_id == organisation_id, tables.Signal.metric.in_(metrics)
        )
    )
    if latest is None:
        return []
    latest = latest if isinstance(latest, datetime) else datetime.fromisoformat(str(latest))
    rows = session.execute(
        select(
            tables.Signal.metric, tables.Team.name, tables.Signal.observed_at, tables.Signal.value
        )
        .join(tables.Team, tables.Team.id == tables.Signal.subject_id)
        .where(
            tables.Signal.organisation_id == organisation_id,
            tables.Signal.subject_type == "team",
            tables.Signal.metric.in_(metrics),
            tables.Signal.observed_at >= latest - timedelta(days=days),
        )
        .order_by(tables.Signal.metric, tables.Team.name, tables.Signal.observed_at)
        .limit(max_points)
    ).all()
    return [KpiPoint(metric=m, team=t, observed_at=at, value=v) for m, t, at, v in rows]


def source_summaries(
    session: Session, organisation_id: int, *, limit: int = 20
) -> list[SourceSummary]:
    version = tables.SourceVersion
    rows = session.execute(
        select(tables.SourceDocument, version.created_at, version.text)
        .join(
            version,
            (version.document_id == tables.SourceDocument.id)
            & (version.version == tables.SourceDocument.current_version),
        )
        .where(tables.SourceDocument.organisation_id == organisation_id)
        .order_by(version.created_at.desc())
        .limit(limit)
    ).all()
    return [
        SourceSummary(
            key=doc.key,
            title=doc.title,
            kind=doc.kind,
            version=doc.current_version,
            updated_at=created_at,
            words=len(text.split()),
        )
        for doc, created_at, text in rows
    ]
