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
from learnloop.domain.analytics import (
    before_after,
    behaviour_change,
    cycle_times,
    estimate_impact,
    hours_saved,
    learning_change,
    reaction,
    time_to_competency,
)
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.interventions import Group, Intervention
from learnloop.domain.measurement import estimate_fields, impact_panel, plain, weekly_means
from learnloop.domain.needs import Need, NeedStatus
from learnloop.domain.signals import SubjectType
from learnloop.errors import InputError
from learnloop.store import Session
from learnloop.store.catalogue import objective_list
from learnloop.store.deliveries import plan_ratings
from learnloop.store.delivery_plans import delivery_plans
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
        self.knowledge_metric = str(options.get("knowledge_metric", "knowledge_check"))
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
        summary = before_after(impact_panel(person=person, days=days.tolist(),
                                            values=values.tolist(), groups=members,
                                            teams=teams, kpi=metric))
        by_team.append({"team": team,
                        "n_treated": sum(g == Group.TREATED for g in members.values()),
                        "n_holdout": sum(g == Group.HOLDOUT for g in members.values()),
                        **_changes(summary)})
    return fields, by_team, weekly_means(panel)


def _changes(summary) -> dict[str, Any]:
    """The core's before/after means as JSON, with the treated-less-hold-out change."""
    shown = {name: plain(getattr(summary, name)) for name in
             ("treated_before", "treated_after", "holdout_before", "holdout_after")}
    parts = list(shown.values())
    shown["difference"] = None if any(part is None for part in parts) else round(
        (parts[1] - parts[0]) - (parts[3] - parts[2]), 4)
    return shown


def _level3(session: Session, *, organisation_id: int, item: Intervention,
            groups: dict[str, str], teams: dict[str, str], confidence: float) -> list[dict]:
    panels, judged = {}, set()
    for metric in item.behaviour_metrics:
        person, days, values = _person_days(
            _signals(session, organisation_id=organisation_id, metric=metric,
                     people=sorted(groups), start=item.start), item.start)
        unit, direction = _kpi_unit(session, organisation_id=organisation_id, metric=metric)
        if direction is not None:
            judged.add(metric)
        panels[metric] = impact_panel(person=person, days=days.tolist(),
                                      values=values.tolist(), groups=groups, teams=teams,
                                      kpi=metric, direction=direction or "up", unit=unit)
    effects = behaviour_change(panels, confidence=confidence)
    found = []
    for metric, panel in panels.items():
        effect = estimate_fields(effects[metric])
        if metric not in judged and effect["estimate"] is not None and effect["enough_data"]:
            # no objective says which way is better: the numbers, without a judgement
            effect["verdict"] = (
                f"{metric} {'rose' if effect['estimate'] >= 0 else 'fell'} "
                f"{abs(effect['estimate']):.2g} more than in the hold-out "
                f"({round(confidence * 100)}% CI {effect['lower']:.2g} to "
                f"{effect['upper']:.2g}).")
        found.append({"metric": metric, **_changes(before_after(panel)),
                      **{name: effect[name] for name in ("estimate", "lower", "upper",
                                                         "verdict", "enough_data", "n_treated",
                                                         "n_holdout")}})
    return found


def _learning(checks: dict[str, list[tuple[date, float]]], *, start: date,
              people: list[str], confidence: float) -> dict[str, Any]:
    """Each person's last knowledge check before the start against their first after it."""
    before = {key: max((found for found in checks.get(key, []) if found[0] < start),
                       default=(None, None))[1] for key in people}
    after = {key: min((found for found in checks.get(key, []) if found[0] >= start),
                      default=(None, None))[1] for key in people}
    change = learning_change({k: v for k, v in before.items() if v is not None},
                             {k: v for k, v in after.items() if v is not None},
                             confidence=confidence)
    return {"people": change.people, "before": plain(change.before),
            "after": plain(change.after), "change": plain(change.change),
            "lower": plain(change.lower), "upper": plain(change.upper),
            "only_before": change.only_before, "only_after": change.only_after}


def _level2(session: Session, *, organisation_id: int, item: Intervention,
            groups: dict[str, str], confidence: float,
            knowledge_metric: str) -> tuple[dict[str, Any], dict[str, date]]:
    """Knowledge checks before and after (paired, per group): the knowledge-check signal, else
    assessments of the skill; the skills agent's current proficiency; and when each person
    first showed the required level after the start (for time to competency)."""
    skill = item.skill_key
    scores = _signals(session, organisation_id=organisation_id, metric=knowledge_metric,
                      people=sorted(groups), start=item.start)
    checks: dict[str, list[tuple[date, float]]] = {}
    for key, moment, value in zip(*(
            (np.asarray(scores.subjects, dtype=object)[
                np.asarray(scores.subject_index, dtype=np.int64)].tolist(),
             scores.observed_at, scores.values) if len(scores) else ((), (), ())), strict=True):
        checks.setdefault(key, []).append((moment.date(), value))
    source = knowledge_metric if checks else "assessment"
    if not skill:
        return {"skill": None, "knowledge_checks": _checks(checks, item=item, groups=groups,
                                                           confidence=confidence),
                "source": source, "proficiency_now": {"treated": None, "holdout": None},
                "reinforcement": None, "note": "no skill named"}, {}
    evidence = evidence_columns(session, organisation_id=organisation_id,
                                person_keys=sorted(groups), skill_keys=[skill])
    people = np.asarray(evidence.people, dtype=object)
    person = people[np.asarray(evidence.person_index, dtype=np.int64)].tolist() \
        if len(evidence) else []
    if not checks:
        for index, kind in enumerate(evidence.kinds):
            if kind in KNOWLEDGE_KINDS:
                checks.setdefault(person[index], []).append(
                    (evidence.observed_on[index], evidence.levels[index]))
    required = {key: next((r.level for r in needs if r.skill_key == skill), None)
                for key, needs in requirements_by_person(
                    session, organisation_id=organisation_id, person_keys=sorted(groups)).items()}
    reached: dict[str, date] = {}
    for index in range(len(evidence)):
        level, day = required.get(person[index]), evidence.observed_on[index]
        if level is not None and evidence.levels[index] >= level and day >= item.start:
            reached[person[index]] = min(reached.get(person[index], day), day)
    levels: dict[str, list[float]] = {Group.TREATED: [], Group.HOLDOUT: []}
    for row in proficiency_list(session, organisation_id=organisation_id):
        if row.skill_key == skill and row.person_key in groups:
            levels[Group(groups[row.person_key])].append(row.level)
    proficiency = {group.value: (round(float(np.mean(values)), 3) if values else None)
                   for group, values in levels.items()}
    return {"skill": skill, "source": source,
            "knowledge_checks": _checks(checks, item=item, groups=groups, confidence=confidence),
            "proficiency_now": proficiency, "reinforcement": None}, reached


def _checks(checks: dict[str, list[tuple[date, float]]], *, item: Intervention,
            groups: dict[str, str], confidence: float) -> dict[str, Any]:
    by_group = {group.value: _learning(
        checks, start=item.start, confidence=confidence,
        people=[key for key, value in groups.items() if value == group])
        for group in Group}
    treated, held = by_group[Group.TREATED], by_group[Group.HOLDOUT]
    difference = (None if treated["change"] is None or held["change"] is None
                  else round(treated["change"] - held["change"], 4))
    return {**by_group, "difference": difference}


def _level1(session: Session, *, organisation_id: int, item: Intervention,
            groups: dict[str, str], metric: str, confidence: float) -> dict[str, Any]:
    """Reactions of the treated: the `metric` signal (a survey tool's 1-5 ratings) and, for an
    intervention a delivery plan made, the ratings learners gave in their inbox."""
    treated = [key for key, group in groups.items() if group == Group.TREATED]
    person, _, values = _person_days(
        signal_columns(session, organisation_id=organisation_id, metric=metric,
                       subject_type=SubjectType.PERSON, subject_keys=treated,
                       start=_start_time(item.start)), item.start)
    ratings: dict[str, list[float]] = {}
    for key, value in zip(person, values.tolist(), strict=True):
        ratings.setdefault(key, []).append(value)
    sources = [f"signal:{metric}"] if ratings else []
    plans = [plan.key for plan in delivery_plans(session, organisation_id=organisation_id)
             if plan.intervention_id == item.id]
    in_inbox = [(key, rating, comment) for key, rating, comment in plan_ratings(
        session, organisation_id=organisation_id, plan_keys=plans) if key in set(treated)]
    for key, rating, _comment in in_inbox:
        ratings.setdefault(key, []).append(float(rating))
    if in_inbox:
        sources.append("inbox")
    comments = sum(1 for *_, comment in in_inbox if comment and comment.strip())
    # each respondent counts once, with the mean of their own ratings
    try:
        found = reaction([float(np.mean(items)) for items in ratings.values()],
                         invited=len(treated), comments=comments, confidence=confidence)
    except InputError as error:
        return {"metric": metric, "sources": sources, "responses": len(ratings),
                "treated": len(treated),
                "note": f"{metric} values are not ratings on a 1-5 scale: {error.message}"}
    return {"metric": metric, "sources": sources, "responses": found.responses,
            "treated": len(treated),
            "response_rate": plain(found.response_rate.rate),
            "response_rate_lower": plain(found.response_rate.lower),
            "response_rate_upper": plain(found.response_rate.upper),
            "mean_rating": plain(found.mean, 3), "lower": plain(found.lower, 3),
            "upper": plain(found.upper, 3), "distribution": [list(row) for row in
                                                              found.distribution],
            "comments": found.comments}


def _moment(day: date | datetime | None) -> datetime | None:
    if day is None or isinstance(day, datetime):
        return day
    return _start_time(day)


def _stamps(events: EventLog, *, need: Need | None, item: Intervention) -> dict[str, Any]:
    """When the intervention's need reached each pipeline stage (None: not yet, or unknown):
    detected from the need, drafted and approved from the events about it, delivered at the
    start."""
    stamps: dict[str, datetime | None] = {
        "detected": _moment(need.detected_at) if need else None,
        "drafted": None, "approved": None, "delivered": _moment(item.start)}
    if need is not None:
        # events name a need by its id or by its key
        about = events.about("need", str(need.id)) + events.about("need", need.key)
        for event in sorted(about, key=lambda event: event.id or 0):
            if event.kind.startswith("content.") and stamps["drafted"] is None:
                stamps["drafted"] = event.occurred_at
            elif event.kind.startswith("review.") and "approv" in event.kind \
                    and stamps["approved"] is None:
                stamps["approved"] = event.occurred_at
    return stamps


def _cycle(stamps: dict[str, datetime | None], *, now: datetime) -> dict[str, Any]:
    shown: dict[str, Any] = {stage: (value.date().isoformat() if value else None)
                             for stage, value in stamps.items()}
    # a stage stamped before the one it follows (delivered before the need was detected) has no
    # cycle time: left out, and said so
    ordered: dict[str, datetime | None] = {}
    latest: datetime | None = None
    for stage, value in stamps.items():
        if value is not None and latest is not None and value < latest:
            shown["note"] = f"{stage} came before an earlier stage; not timed"
            value = None
        ordered[stage] = value
        latest = value or latest
    known = {stage: [value] for stage, value in ordered.items()}
    for step in cycle_times(known, now=now):
        # a step with both ends known has finished; one still waiting says so
        shown[f"{step.start}_to_{step.end}_days"] = plain(step.median_days, 1) \
            if step.finished else None
    shown["review_lag_days"] = shown.get("drafted_to_approved_days")
    return shown


def _competency(*, need: Need | None, reached: dict[str, date], treated: list[str],
                now: datetime, confidence: float) -> dict[str, Any]:
    if need is None or need.detected_at is None:
        return {"detected": None, "people": len(treated),
                "reached": sum(key in reached for key in treated), "median_days": None,
                "note": "no detection date: the intervention serves no detected need"}
    detected = _start_time(need.detected_at)
    found = time_to_competency(
        [detected] * len(treated),
        [max(_start_time(reached[key]), detected) if key in reached else None
         for key in treated], now=now, confidence=confidence)
    return {"detected": need.detected_at.isoformat(), "people": found.people,
            "reached": found.reached, "still_learning": found.still_learning,
            "median_days": plain(found.median_days, 1),
            "median_lower": plain(found.median_lower, 1),
            "median_upper": plain(found.median_upper, 1),
            "quartile_days": plain(found.quartile_days, 1)}


def _hours(*, source: str, baseline: float) -> dict[str, Any]:
    if source != "learnloop":
        return {"baseline_hours": baseline, "hours_saved": 0.0,
                "note": "delivered outside learnloop"}
    saved = hours_saved({"intervention": 1}, manual_hours={"intervention": baseline})
    return {"baseline_hours": baseline, "spent_hours": saved.spent,
            "hours_saved": round(saved.total, 2)}


def measure_intervention(session: Session, *, organisation_id: int, item: Intervention,
                         settings: MeasureSettings, now: datetime | None = None
                         ) -> dict[str, Any]:
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
                              groups=groups, confidence=settings.confidence,
                              knowledge_metric=settings.knowledge_metric)
    now = now or datetime.now(UTC)
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
                         metric=settings.reaction_metric, confidence=settings.confidence),
            "2": level2,
            "3": _level3(session, organisation_id=organisation_id, item=item, groups=groups,
                         teams=teams, confidence=settings.confidence),
            "4": {name: level4.get(name) for name in
                  ("kpi", "estimate", "lower", "upper", "n_treated", "n_holdout", "verdict",
                   "enough_data", "mde", "weeks_needed")},
        },
        "teams": by_team,
        "weekly": weekly,
        "time_to_competency": _competency(need=need, reached=reached, treated=treated, now=now,
                                          confidence=settings.confidence),
        "cycle_times": _cycle(_stamps(EventLog(session, organisation_id), need=need, item=item),
                              now=now),
        "hours": _hours(source=item.source.value, baseline=settings.manual_baseline_hours),
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
                                          settings=settings, now=context.now)
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
