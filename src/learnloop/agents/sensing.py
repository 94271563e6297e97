"""The sensing agent (stage `sense`): finds sustained changes in team KPIs early, stays quiet
otherwise, and says why they happened: a skill gap, a process change, or not known.

Each team's series of each KPI keeps its detector state between runs, so a new week is evaluated
against it without recomputing history; a missing or outdated state is rebuilt from the start.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import numpy as np

from learnloop.agents.base import AgentContext, AgentReport
from learnloop.agents.sensing_series import (
    DETECTED,
    PersonPass,
    people_who_moved,
    sense_person_series,
    sense_pulse_series,
)
from learnloop.domain.objectives import Direction
from learnloop.domain.sensing import (
    ChangeEntry,
    DetectorSettings,
    calibrated_detector,
    changes_near,
    detections_from,
    excluded_weeks,
    logged_starts,
)
from learnloop.domain.sensing.detection import Detector, DetectorState
from learnloop.domain.sensing.records import DetectionRecord
from learnloop.domain.sensing.series import DISCOUNTED_KINDS, EXPLAINING_KINDS
from learnloop.domain.sensing.standing import SkillStanding, diagnose_from_standing
from learnloop.domain.sensing.weeks import complete_weeks_before, week_start
from learnloop.domain.signals import SubjectType
from learnloop.store import Session
from learnloop.store.catalogue import objective_list
from learnloop.store.detections import add_detection, known_detections
from learnloop.store.event_log import EventLog
from learnloop.store.imports.changes import change_log
from learnloop.store.sensing import (
    StoredState,
    TeamWeeks,
    drop_states,
    load_states,
    metric_weeks,
    save_states,
    skill_standing,
    slice_weeks,
    team_weeks,
)

__all__ = ["DETECTED", "MonitoredKpi", "SensingAgent", "SensingRun", "monitored_kpis", "sense",
           "sensing_settings"]

@dataclass(frozen=True, slots=True)
class MonitoredKpi:
    """A metric some objective names as a KPI: which way is better and the skills it needs."""

    metric: str
    direction: Direction
    skills: tuple[str, ...]
    objectives: tuple[str, ...]


@dataclass
class SensingRun:
    detections: list[DetectionRecord] = field(default_factory=list)
    advanced: int = 0       # series moved on from their stored state
    recomputed: int = 0     # series rebuilt from their first week
    weeks: int = 0          # series-weeks evaluated
    people: PersonPass | None = None  # people's own series (agents/sensing_series.py)


class _WeekDates:
    """Week numbers → their Monday, indexable like the list of weeks the core expects."""

    def __getitem__(self, number: int) -> date:
        return week_start(int(number))


def monitored_kpis(session: Session, *, organisation_id: int) -> list[MonitoredKpi]:
    """Every KPI of every objective, priority ones first when two disagree on the direction."""
    found: dict[str, MonitoredKpi] = {}
    objectives = sorted(objective_list(session, organisation_id=organisation_id),
                        key=lambda o: (not o.priority, o.key))
    for objective in objectives:
        for kpi in objective.kpis:
            known = found.get(kpi.metric)
            if known is None:
                found[kpi.metric] = MonitoredKpi(kpi.metric, kpi.direction,
                                                 tuple(objective.skill_keys), (objective.key,))
            else:
                skills = tuple(dict.fromkeys(known.skills + tuple(objective.skill_keys)))
                found[kpi.metric] = replace(known, skills=skills,
                                            objectives=known.objectives + (objective.key,))
    return [found[metric] for metric in sorted(found)]


def sensing_settings(options: Mapping[str, Any]) -> DetectorSettings:
    """The detector settings an agent run uses: defaults, with the false-alarm budget given."""
    budget = options.get("false_alarms_per_year")
    defaults = DetectorSettings()
    return defaults if budget is None else replace(defaults, false_alarms_per_year=float(budget))


def _fingerprint(settings: DetectorSettings, *, sign: int,
                 changes: Sequence[ChangeEntry]) -> str:
    """What a team's stored state was built on: settings, direction and the logged changes that
    shape its weeks. A new entry in the change log about the team rebuilds it."""
    words = [repr(settings), str(sign)] + [
        f"{c.kind.value}|{c.starts}|{c.ends}" for c in changes
        if c.kind in DISCOUNTED_KINDS | EXPLAINING_KINDS]
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:32]


def _stack(states: Sequence[DetectorState]) -> DetectorState:
    """One state for many series (each series its own family)."""
    names = DetectorState.__slots__
    merged = {name: np.concatenate([getattr(s, name) for s in states]) for name in names}
    merged["family"] = np.arange(len(states), dtype=np.int64)
    return DetectorState(**merged)


@dataclass
class _Metric:
    """One metric's run: the inputs every team of it shares."""

    kpi: MonitoredKpi
    detector: Detector
    changes: list[ChangeEntry]
    settings: DetectorSettings
    end_limit: int                  # the first week not over yet

    @property
    def sign(self) -> int:
        return 1 if self.kpi.direction == Direction.UP else -1

    def team_changes(self, team: str) -> list[ChangeEntry]:
        return [c for c in self.changes if c.concerns(team)]

    def fingerprint(self, team: str) -> str:
        return _fingerprint(self.settings, sign=self.sign, changes=self.team_changes(team))


def sense(session: Session, *, organisation_id: int, now: datetime,
          settings: DetectorSettings | None = None, events: EventLog | None = None,
          actor: str = "agent:sensing",
          only: Mapping[str, Collection[str]] | None = None,
          person_series_limit: int = 20_000) -> SensingRun:
    """Evaluate every complete week not yet evaluated, for every team's series of every KPI, from
    values observed before `now`'s week; store and log each new detection with its evidence.

    `only` (metric → team keys) evaluates just those series, as when one signal arrives: each
    against its stored state, without reading the rest of the organisation. A full run also
    senses pulse scores and people's own series (agents/sensing_series.py; at most
    `person_series_limit` people).
    """
    settings = settings or DetectorSettings()
    detector = calibrated_detector(settings)
    changes = change_log(session, organisation_id=organisation_id)
    run = SensingRun()
    standing_cache: dict[Any, dict[str, list[SkillStanding]]] = {}
    kpis = monitored_kpis(session, organisation_id=organisation_id)
    for kpi in kpis:
        if only is not None and kpi.metric not in only:
            continue
        metric = _Metric(kpi=kpi, detector=detector, changes=changes, settings=settings,
                         end_limit=complete_weeks_before(now))
        _sense_metric(session, organisation_id=organisation_id, metric=metric, run=run,
                      teams=None if only is None else sorted(only[kpi.metric]), now=now,
                      events=events, actor=actor, standing_cache=standing_cache)
    if only is None:
        # pulse questions and people's own series: agents/sensing_series.py
        common = {"organisation_id": organisation_id, "now": now, "settings": settings,
                  "changes": changes, "events": events, "actor": actor}
        run.detections += sense_pulse_series(session, **common)
        run.people = sense_person_series(session, kpis=kpis, series_limit=person_series_limit,
                                         standing_cache=standing_cache, **common)
        run.detections += run.people.detections
    return run


def _plan(session: Session, *, organisation_id: int, metric: _Metric,
          stored: Mapping[str, StoredState], teams: Sequence[str] | None, run: SensingRun
          ) -> tuple[int, dict[tuple[int, bool], list[str]], TeamWeeks | None]:
    """The week to evaluate up to (after the newest with values), the teams to rebuild from the
    metric's first week or to resume, grouped by the week they start from, and (for a run over
    every team) the team-weeks read to find them."""
    kpi = metric.kpi
    span = metric_weeks(session, organisation_id=organisation_id, metric=kpi.metric,
                        end=metric.end_limit, team_keys=teams)
    if span is None:
        return 0, {}, None
    end = span[1] + 1
    first: int | None = None
    fresh = None
    if teams is None:
        first = span[0]
        resume = min((s.next_week for s in stored.values()), default=first)
        fresh = team_weeks(session, organisation_id=organisation_id, metric=kpi.metric,
                           first_week=min(resume, end), end_week=end)
        teams = sorted(set(fresh.teams) | set(stored))

    def metric_first() -> int:
        """A state is rebuilt from the metric's first week, whichever teams are asked for."""
        nonlocal first
        if first is None:
            whole = metric_weeks(session, organisation_id=organisation_id, metric=kpi.metric,
                                 end=metric.end_limit)
            first = whole[0] if whole else span[0]
        return first

    groups: dict[tuple[int, bool], list[str]] = {}
    for team in teams:
        known = stored.get(team)
        if known is None or known.inputs != metric.fingerprint(team):
            groups.setdefault((metric_first(), True), []).append(team)
            run.recomputed += 1
        elif known.next_week < end:
            groups.setdefault((known.next_week, False), []).append(team)
            run.advanced += 1
    return end, groups, fresh


def _sense_metric(session: Session, *, organisation_id: int, metric: _Metric, run: SensingRun,
                  teams: Sequence[str] | None, now: datetime, events: EventLog | None,
                  actor: str, standing_cache: dict[Any, dict[str, list[SkillStanding]]]
                  ) -> None:
    kpi = metric.kpi
    stored = load_states(session, organisation_id=organisation_id, metric=kpi.metric,
                         team_keys=teams)
    end, groups, fresh = _plan(session, organisation_id=organisation_id, metric=metric,
                               stored=stored, teams=teams, run=run)
    seen = known_detections(session, organisation_id=organisation_id, metric=kpi.metric)
    saved: dict[str, StoredState] = {}
    found: list[Any] = []
    for (start, rebuild), members in sorted(groups.items()):
        if fresh is not None and start >= fresh.first_week:
            weeks = slice_weeks(fresh, first_week=start, team_keys=members)
        else:
            weeks = team_weeks(session, organisation_id=organisation_id, metric=kpi.metric,
                               first_week=start, end_week=end, team_keys=members)
        members = list(weeks.teams)
        state = (metric.detector.start(len(members), sign=metric.sign, first_week=start)
                 if rebuild else _stack([stored[t].state for t in members]))
        span = tuple(week_start(n) for n in range(start, end))
        excluded = np.stack([excluded_weeks(metric.team_changes(t), span, team=t)
                             for t in members])
        logged = np.stack([logged_starts(metric.team_changes(t), span, team=t)
                           for t in members])
        for column in range(end - start):
            state, result = metric.detector.advance(
                state, weeks.values[:, column], volumes=weeks.volumes[:, column],
                excluded=excluded[:, column], logged=logged[:, column])
            run.weeks += len(members)
            if not result.alarm.any():
                continue
            for detection in detections_from(
                    [result], detector=metric.detector, weeks=_WeekDates(),
                    subjects=[(SubjectType.TEAM, t) for t in members],
                    metrics=[kpi.metric] * len(members)):
                if (detection.subject_key, detection.change_start) in seen:
                    continue
                seen.add((detection.subject_key, detection.change_start))
                found.append(detection)
        for row, team in enumerate(members):
            saved[team] = StoredState(next_week=end, inputs=metric.fingerprint(team),
                                      state=state.select(row))
    # who moved in each detected team: one read of those teams' person rows for them all
    affected = people_who_moved(session, organisation_id=organisation_id, detections=found,
                                sign=metric.sign, changes=metric.team_changes,
                                baseline_weeks=metric.settings.baseline_weeks)
    for detection, people in zip(found, affected, strict=True):
        run.detections.append(_store(
            session, organisation_id=organisation_id, detection=detection, metric=metric,
            people=people, now=now, events=events, actor=actor, standing_cache=standing_cache))
    save_states(session, organisation_id=organisation_id, metric=kpi.metric, states=saved)


def _store(session: Session, *, organisation_id: int, detection: Any, metric: _Metric,
           people: Mapping[str, list[str]], now: datetime, events: EventLog | None, actor: str,
           standing_cache: dict[Any, dict[str, list[SkillStanding]]]) -> DetectionRecord:
    """Diagnose one detection, store it and append it to the log with its evidence."""
    team, week, skills = detection.subject_key, detection.detected_week, metric.kpi.skills
    whole = standing_cache.get((week, skills))  # every team's, when the person pass read it
    if whole is None:
        if (week, skills, team) not in standing_cache:
            # only evidence observed by the end of the detection's week: a backtest sees no
            # more; only the team's people (every team's cost a second a week at 100,000)
            standing_cache[week, skills, team] = skill_standing(
                session, organisation_id=organisation_id, skills=skills,
                before=week_start(week + 1), team_keys=[team])
        whole = standing_cache[week, skills, team]
    standings = whole.get(team, [])
    nearby = changes_near(metric.changes, detection.change_start, team=team)
    diagnosis = diagnose_from_standing(standings, nearby_changes=nearby)
    named = next((s for s in standings if s.skill == diagnosis.skill), None)
    evidence = {
        "series": {"kind": "team_metric", "subject_type": "team", "team": team,
                   "metric": metric.kpi.metric,
                   "kpi_direction": metric.kpi.direction.value,
                   "objectives": list(metric.kpi.objectives)},
        "linked_skills": list(skills),
        "affected_people": {
            "skill": diagnosis.skill,
            "below_required": list(named.below) if named else [],
            "at_required": list(named.at_level) if named else [],
            # who moved and who did not, when the team's people report their own values
            **people},
        "standing": [{"skill": s.skill, "below": len(s.below), "at_level": len(s.at_level),
                      "unknown": len(s.unknown)} for s in standings],
        "nearby_changes": [c.as_dict() for c in nearby],
        "cause": diagnosis.cause.value, "reason": diagnosis.reason, "skill": diagnosis.skill,
    }
    record = add_detection(session, organisation_id=organisation_id, detection=detection,
                           diagnosis=diagnosis, evidence=evidence,
                           created_at=now.astimezone(UTC))
    if events is not None:
        events.record(DETECTED, actor=actor, subject_type="team", subject_id=team,
                      payload={"detection_id": record.id, **record.evidence})
    return record


class SensingAgent:
    """Watches every team's KPIs week by week; options: `false_alarms_per_year` (the budget per
    team-year), `as_of` (evaluate as at this time: a replay) and `recompute` (rebuild all)."""

    name: ClassVar[str] = "sensing"
    stage: ClassVar[str] = "sense"
    description: ClassVar[str] = ("Finds sustained changes in team KPIs early, with the evidence, "
                                  "and says whether a skill gap or a process change caused them.")

    def run(self, context: AgentContext) -> AgentReport:
        options = context.options
        now = options.get("as_of") or context.now
        if isinstance(now, str):
            now = datetime.fromisoformat(now)
        if options.get("recompute"):
            drop_states(context.session, organisation_id=context.organisation_id)
        run = sense(context.session, organisation_id=context.organisation_id, now=now,
                    settings=sensing_settings(options), events=context.events,
                    actor=context.actor,
                    person_series_limit=int(options.get("person_series_limit", 20_000)))
        newest = context.events.recent(limit=1)
        found = ", ".join(f"{r.team} {r.metric} ({r.cause.value})" for r in run.detections)
        summary = (f"{len(run.detections)} new detection{'s' if len(run.detections) != 1 else ''}"
                   + (f": {found}" if found else "")
                   + f"; {run.weeks} series-weeks evaluated ({run.advanced} series resumed, "
                     f"{run.recomputed} rebuilt)")
        return AgentReport(agent=self.name, summary=summary,
                           events_written=len(run.detections),
                           details={"detections": [r.id for r in run.detections],
                                    "series_weeks": run.weeks, "resumed": run.advanced,
                                    "rebuilt": run.recomputed,
                                    **({"person_series": {"evaluated": run.people.evaluated,
                                                          "skipped": run.people.skipped}}
                                       if run.people else {})},
                           cursor=newest[0].id if newest else None)
