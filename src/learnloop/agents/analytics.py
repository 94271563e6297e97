"""The analytics agent: for every intervention, Kirkpatrick levels 1-4 — reaction, learning,
behaviour and the KPI effect against the randomised hold-out — with time to competency, cycle
times and hours saved; kept per intervention and summarised in one event per run.

It reads assignments, signals, evidence, proficiencies and needs through the store and never
reads demographics (the fairness audit, `measure_fairness`, is the only reader of those).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar

import numpy as np

from learnloop.agents.base import AgentContext, AgentReport
from learnloop.domain.analytics import estimate_impact
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.interventions import Group, Intervention
from learnloop.domain.measurement import (
    before_after,
    competency_times,
    cycle_times,
    estimate_fields,
    hours_saved,
    impact_panel,
    reaction,
    weekly_means,
)
from learnloop.domain.needs import Need, NeedStatus
from learnloop.domain.signals import SubjectType
from learnloop.store import Session
from learnloop.store.catalogue import objective_list
from learnloop.store.event_log import EventLog
from learnloop.store.evidence import evidence_columns
from learnloop.store.impact import link_need, save_impact
from learnloop.store.interventions import assignment, intervention_list, people_teams
from learnloop.store.needs import need as need_record
from learnloop.store.needs import needs as need_list
from learnloop.store.people import requirements_by_person
from learnloop.store.proficiencies import proficiency_list
from learnloop.store.series import signal_columns

__all__ = ["ANALYTICS_MEASURED", "AnalyticsAgent", "MeasureSettings", "measure_intervention"]

ANALYTICS_MEASURED = "analytics.measured"
PRE_WEEKS = 26  # weeks before the start read as the baseline
KNOWLEDGE_KINDS = (EvidenceKind.ASSESSMENT,)


class MeasureSettings:
    """The agent's options (docs/configuration.md: LEARNLOOP_ANALYTICS_*)."""

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        options = options or {}
        self.manual_baseline_hours = float(options.get("manual_baseline_hours", 40.0))
        self.reaction_metric = str(options.get("reaction_metric", "learning_rating"))
        self.confidence = float(options.get("confidence", 0.95))


def _start_time(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _person_days(columns, start: date) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(person key, days since the start, value) of each entry of SignalColumns."""
    if not len(columns):
        return [], np.empty(0, dtype=np.int64), np.empty(0)
    subjects = np.asarray(columns.subjects, dtype=object)
    person = subjects[np.asarray(columns.subject_index, dtype=np.int64)].tolist()
    origin = _start_time(start)
    days = np.array([(moment - origin).days for moment in columns.observed_at], dtype=np.int64)
    return person, days, np.asarray(columns.values, dtype=float)


def _kpi_unit(session: Session, *, organisation_id: int, metric: str) -> tuple[str, str | None]:
    """The unit an effect is shown in (a difference of percentages is in points) and the
    direction the objectives give the metric."""
    for objective in objective_list(session, organisation_id=organisation_id):
        for kpi in objective.kpis:
            if kpi.metric == metric:
                return ("points" if kpi.unit == "%" else kpi.unit), str(kpi.direction)
    return "", None


def _signals(session: Session, *, organisation_id: int, metric: str, people: list[str],
             start: date):
    return signal_columns(session, organisation_id=organisation_id, metric=metric,
                          subject_type=SubjectType.PERSON, subject_keys=people,
                          start=_start_time(start - timedelta(weeks=PRE_WEEKS)))


def _level4(session: Session, *, organisation_id: int, item: Intervention,
            groups: dict[str, str], teams: dict[str, str], confidence: float,
            ) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, list]]:
    metric = item.kpi_metric
    if not metric:
        return ({"kpi": None, "estimate": None, "lower": None, "upper": None,
                 "n_treated": sum(g == Group.TREATED for g in groups.values()),
                 "n_holdout": sum(g == Group.HOLDOUT for g in groups.values()),
                 "enough_data": False,
                 "verdict": "No KPI to measure: the intervention names none and serves no need "
                            "that does."}, [], {"weeks": [], "treated": [], "holdout": []})
    unit, direction = _kpi_unit(session, organisation_id=organisation_id, metric=metric)
    person, days, values = _person_days(
        _signals(session, organisation_id=organisation_id, metric=metric, people=sorted(groups),
                 start=item.start), item.start)
    panel = impact_panel(person=person, days=days.tolist(), values=values.tolist(),
                         groups=groups, teams=teams, kpi=metric,
                         direction=item.kpi_direction or direction or "up", unit=unit)
    fields = estimate_fields(estimate_impact(panel, confidence=confidence))
    if not len(person):
        fields["verdict"] = (f"Not enough data yet: no person-level {metric} values for the "
                             "assigned people. Import them as signals about each person.")
    by_team = []
    for team in sorted(set(teams.values())):
        members = {key: group for key, group in groups.items() if teams.get(key) == team}
        chosen = [i for i, key in enumerate(person) if key in members]
        summary = before_after(person=[person[i] for i in chosen],
                               days=days[chosen].tolist(), values=values[chosen].tolist(),
                               groups=members)
        by_team.append({"team": team, **summary.as_dict()})
    return fields, by_team, weekly_means(panel)


def _level3(session: Session, *, organisation_id: int, item: Intervention,
            groups: dict[str, str], teams: dict[str, str], confidence: float) -> list[dict]:
    found = []
    for metric in item.behaviour_metrics:
        person, days, values = _person_days(
            _signals(session, organisation_id=organisation_id, metric=metric,
                     people=sorted(groups), start=item.start), item.start)
        summary = before_after(person=person, days=days.tolist(), values=values.tolist(),
                               groups=groups)
        shown: dict[str, Any] = {"metric": metric, **summary.as_dict()}
        if len(person):
            unit, direction = _kpi_unit(session, organisation_id=organisation_id, metric=metric)
            panel = impact_panel(person=person, days=days.tolist(), values=values.tolist(),
                                 groups=groups, teams=teams, kpi=metric,
                                 direction=direction or "up", unit=unit)
            effect = estimate_fields(estimate_impact(panel, confidence=confidence))
            shown.update({name: effect[name] for name in
                          ("estimate", "lower", "upper", "verdict", "enough_data")})
        found.append(shown)
    return found


def _level2(session: Session, *, organisation_id: int, item: Intervention,
            groups: dict[str, str]) -> tuple[dict[str, Any], dict[str, date]]:
    """Knowledge checks before and after, and the skills agent's current proficiency; also
    when each person first showed the required level (for time to competency)."""
    skill = item.skill_key
    if not skill:
        return {"skill": None, "note": "no skill named"}, {}
    evidence = evidence_columns(session, organisation_id=organisation_id,
                                person_keys=sorted(groups), skill_keys=[skill])
    people = np.asarray(evidence.people, dtype=object)
    person = people[np.asarray(evidence.person_index, dtype=np.int64)].tolist() \
        if len(evidence) else []
    kinds = [str(kind) for kind in evidence.kinds]
    checks = [i for i, kind in enumerate(kinds) if kind in {str(k) for k in KNOWLEDGE_KINDS}]
    days = [(evidence.observed_on[i] - item.start).days for i in checks]
    knowledge = before_after(person=[person[i] for i in checks], days=days,
                             values=[evidence.levels[i] for i in checks], groups=groups)
    required = {key: next((r.level for r in needs if r.skill_key == skill), None)
                for key, needs in requirements_by_person(
                    session, organisation_id=organisation_id, person_keys=sorted(groups)).items()}
    reached: dict[str, date] = {}
    for i in range(len(evidence)):
        level = required.get(person[i])
        if level is not None and evidence.levels[i] >= level \
                and evidence.observed_on[i] >= item.start:
            reached[person[i]] = min(reached.get(person[i], evidence.observed_on[i]),
                                     evidence.observed_on[i])
    levels: dict[str, list[float]] = {Group.TREATED: [], Group.HOLDOUT: []}
    for row in proficiency_list(session, organisation_id=organisation_id):
        if row.skill_key == skill and row.person_key in groups:
            levels[Group(groups[row.person_key])].append(row.level)
    proficiency = {group.value: (round(float(np.mean(values)), 3) if values else None)
                   for group, values in levels.items()}
    return {"skill": skill, "knowledge_checks": knowledge.as_dict(),
            "proficiency_now": proficiency,
            "reinforcement": None}, reached


def _level1(session: Session, *, organisation_id: int, item: Intervention,
            groups: dict[str, str], metric: str) -> dict[str, Any]:
    treated = [key for key, group in groups.items() if group == Group.TREATED]
    person, days, values = _person_days(
        signal_columns(session, organisation_id=organisation_id, metric=metric,
                       subject_type=SubjectType.PERSON, subject_keys=treated,
                       start=_start_time(item.start)), item.start)
    ratings: dict[str, list[float]] = {}
    for key, value in zip(person, values.tolist(), strict=True):
        ratings.setdefault(key, []).append(value)
    return {"metric": metric, **reaction(ratings=ratings, treated=treated).as_dict()}


def _cycle(context_events: EventLog, *, need: Need | None, item: Intervention) -> dict:
    stamps: dict[str, date | datetime | None] = {
        "detected": need.detected_at if need else None,
        "drafted": None, "approved": None, "delivered": item.start}
    if need is not None:
        for event in context_events.about("need", str(need.id)):
            kind = event.kind
            if kind.startswith("content.") and stamps["drafted"] is None:
                stamps["drafted"] = event.occurred_at
            elif kind.startswith("review.") and "approv" in kind and stamps["approved"] is None:
                stamps["approved"] = event.occurred_at
    return cycle_times(stamps)


def measure_intervention(session: Session, *, organisation_id: int, item: Intervention,
                         settings: MeasureSettings) -> dict[str, Any]:
    """The intervention's report: levels 1-4, the KPI effect and the pipeline's figures."""
    groups = {key: group.value for key, group in assignment(
        session, organisation_id=organisation_id, intervention_id=item.id).groups.items()}
    teams = people_teams(session, organisation_id=organisation_id, person_keys=groups)
    need = None if item.need_id is None else need_record(
        session, organisation_id=organisation_id, need_id=item.need_id)
    level4, by_team, weekly = _level4(session, organisation_id=organisation_id, item=item,
                                      groups=groups, teams=teams,
                                      confidence=settings.confidence)
    level2, reached = _level2(session, organisation_id=organisation_id, item=item,
                              groups=groups)
    treated = [key for key, group in groups.items() if group == Group.TREATED]
    return {
        **level4,
        "intervention": {"id": item.id, "key": item.key, "title": item.title,
                         "need_id": item.need_id, "need": need.title if need else None,
                         "start": item.start.isoformat(), "source": item.source.value,
                         "holdout": item.holdout, "seed": item.seed,
                         "delivered": item.delivered, "treated": item.treated,
                         "held_out": item.held_out},
        "levels": {
            "1": _level1(session, organisation_id=organisation_id, item=item, groups=groups,
                         metric=settings.reaction_metric),
            "2": level2,
            "3": _level3(session, organisation_id=organisation_id, item=item, groups=groups,
                         teams=teams, confidence=settings.confidence),
            "4": {name: level4.get(name) for name in
                  ("kpi", "estimate", "lower", "upper", "n_treated", "n_holdout", "verdict",
                   "enough_data", "mde", "weeks_needed")},
        },
        "teams": by_team,
        "weekly": weekly,
        "time_to_competency": competency_times(
            detected=need.detected_at if need else None, reached=reached, treated=treated),
        "cycle_times": _cycle(EventLog(session, organisation_id), need=need, item=item),
        "hours": hours_saved(baseline_hours=settings.manual_baseline_hours,
                             source=item.source.value, review_hours=None),
    }


def _link_needs(session: Session, *, organisation_id: int,
                items: list[Intervention]) -> list[Intervention]:
    """Link each intervention registered without a need to the best-ranked open need about the
    same KPI and overlapping teams (an import made before the needs agent raised it)."""
    unlinked = [item for item in items if item.need_id is None and item.kpi_metric]
    if not unlinked:
        return items
    candidates = [need for need in need_list(session, organisation_id=organisation_id)
                  if need.status not in (NeedStatus.DISMISSED,) and need.kpi_metric]
    linked = {}
    for item in unlinked:
        teams = set(item.population.get("teams", []))
        match = next((need for need in candidates if need.kpi_metric == item.kpi_metric
                      and (not need.team_keys or teams & set(need.team_keys))), None)
        if match is not None:
            link_need(session, organisation_id=organisation_id, intervention_id=item.id,
                      need_id=match.id)
            linked[item.id] = match.id
    if not linked:
        return items
    return [replace(item, need_id=linked.get(item.id, item.need_id)) for item in items]


class AnalyticsAgent:
    name: ClassVar[str] = "analytics"
    stage: ClassVar[str] = "measure"
    description: ClassVar[str] = (
        "Measures every intervention at Kirkpatrick levels 1-4: reaction, learning, behaviour "
        "and the KPI effect against its randomised hold-out, with an honest interval.")

    def run(self, context: AgentContext) -> AgentReport:
        settings = MeasureSettings(context.options)
        session, organisation_id = context.session, context.organisation_id
        items = _link_needs(session, organisation_id=organisation_id,
                            items=intervention_list(session, organisation_id=organisation_id))
        measured = []
        for item in items:
            report = measure_intervention(session, organisation_id=organisation_id, item=item,
                                          settings=settings)
            save_impact(session, organisation_id=organisation_id, intervention_id=item.id,
                        report=report, computed_at=context.now)
            measured.append({"intervention": item.id, "need_id": item.need_id,
                             "kpi": report.get("kpi"), "estimate": report.get("estimate"),
                             "lower": report.get("lower"), "upper": report.get("upper"),
                             "enough_data": report.get("enough_data"),
                             "verdict": report.get("verdict")})
        context.events.record(ANALYTICS_MEASURED, actor=context.actor,
                              payload={"interventions": measured, "count": len(measured)})
        shown = sum(1 for item in measured if item["estimate"] is not None)
        return AgentReport(agent=self.name, events_written=1,
                           summary=f"{len(measured)} interventions measured, {shown} with a "
                                   "KPI effect")
