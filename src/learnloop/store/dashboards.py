"""Aggregate read models for the console: team summaries, KPI series, sources, objectives.

Aggregation happens in SQL so a page costs the same for 400 people as for 100,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from learnloop.store import tables
from learnloop.store.catalogue import team_list

__all__ = [
    "KpiPoint",
    "ObjectiveSummary",
    "SourceSummary",
    "TeamSummary",
    "kpi_points",
    "objective_summaries",
    "source_summaries",
    "team_summaries",
]


@dataclass(frozen=True, slots=True)
class TeamSummary:
    key: str
    name: str
    department: str
    headcount: int
    manager_name: str | None


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


@dataclass(frozen=True, slots=True)
class ObjectiveSummary:
    key: str
    title: str
    priority: bool
    weight: float
    reason: str | None
    metrics: tuple[str, ...]


def team_summaries(session: Session, organisation_id: int) -> list[TeamSummary]:
    """Teams with head count and manager: the person most of the team reports to."""
    manager = aliased(tables.Person)
    reporting = session.execute(
        select(tables.Team.key, manager.name, func.count().label("reports"))
        .select_from(tables.Person)
        .join(tables.Team, tables.Team.id == tables.Person.team_id)
        .join(manager, manager.id == tables.Person.manager_id)
        .where(tables.Person.organisation_id == organisation_id)
        .group_by(tables.Team.key, manager.name)
    ).all()
    managers: dict[str, tuple[int, str]] = {}
    for team_key, name, reports in reporting:
        if team_key not in managers or reports > managers[team_key][0]:
            managers[team_key] = (reports, name)
    return [
        TeamSummary(
            key=team["key"],
            name=team["name"],
            department=team["department"],
            headcount=team["people"],
            manager_name=managers[team["key"]][1] if team["key"] in managers else None,
        )
        for team in team_list(session, organisation_id=organisation_id)
    ]


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


def objective_summaries(session: Session, organisation_id: int) -> list[ObjectiveSummary]:
    objectives = session.scalars(
        select(tables.Objective)
        .where(tables.Objective.organisation_id == organisation_id)
        .order_by(tables.Objective.priority.desc(), tables.Objective.weight.desc())
    ).all()
    metrics: dict[int, list[str]] = {}
    for objective_id, metric in session.execute(
        select(tables.Kpi.objective_id, tables.Kpi.metric)
        .join(tables.Objective)
        .where(tables.Objective.organisation_id == organisation_id)
    ):
        metrics.setdefault(objective_id, []).append(metric)
    return [
        ObjectiveSummary(
            key=o.key,
            title=o.title,
            priority=o.priority,
            weight=o.weight,
            reason=o.reason,
            metrics=tuple(metrics.get(o.id, ())),
        )
        for o in objectives
    ]
