"""The sensing agent's pulse and person series: engagement dips per team and pulse question, and
people's own sustained dips where their data allows, each stored and logged with its evidence.

Both are recomputed from their first week on every run (a fold over the weeks, so a run sees
only values observed before each week and a backtest raises what a weekly run would); stored
detections are not raised twice. A person's dip within a team change is not a detection of its
own: it is listed among the people who moved, in the team detection's evidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from learnloop.domain.sensing import ChangeEntry, DetectorSettings, excluded_weeks
from learnloop.domain.sensing.kinds import SeriesKind
from learnloop.domain.sensing.people import diagnose_person, sense_people, who_moved
from learnloop.domain.sensing.pulse import pulse_weeks, sense_pulses
from learnloop.domain.sensing.records import DetectionRecord
from learnloop.domain.sensing.standing import SkillStanding
from learnloop.domain.sensing.teams import Detection
from learnloop.domain.sensing.weeks import complete_weeks_before, week_number, week_start
from learnloop.domain.signals import SubjectType
from learnloop.store import Session
from learnloop.store.detections import add_detection
from learnloop.store.event_log import EventLog
from learnloop.store.sensing import metric_weeks, skill_standing
from learnloop.store.sensing_series import (
    people_count,
    people_mark,
    person_weeks,
    save_people_mark,
    series_detections,
    team_detection_weeks,
)
from learnloop.store.series import pulse_series

__all__ = ["DETECTED", "PersonPass", "people_who_moved", "sense_person_series",
           "sense_pulse_series"]

DETECTED = "sensing.detected"  # the event every detection is appended as


def _on_calendar(detection: Detection, first_week: int) -> Detection:
    """A detection's week indexes as week numbers, like the team series' detections."""
    return replace(detection, change_week=detection.change_week + first_week,
                   detected_week=detection.detected_week + first_week)


def _save(session: Session, *, organisation_id: int, detection: Detection, diagnosis: Any,
          evidence: dict[str, Any], now: datetime, events: EventLog | None, actor: str,
          subject_type: str, subject_id: str) -> DetectionRecord:
    record = add_detection(session, organisation_id=organisation_id, detection=detection,
                           diagnosis=diagnosis, evidence=evidence,
                           created_at=now.astimezone(UTC))
    if events is not None:
        events.record(DETECTED, actor=actor, subject_type=subject_type, subject_id=subject_id,
                      payload={"detection_id": record.id, **record.evidence})
    return record


def sense_pulse_series(session: Session, *, organisation_id: int, now: datetime,
                       settings: DetectorSettings, changes: Sequence[ChangeEntry],
                       events: EventLog | None = None, actor: str = "agent:sensing"
                       ) -> list[DetectionRecord]:
    """Dips in every team's score on every pulse question, from surveys of periods that started
    before `now`'s week; new ones stored and logged, diagnosed `process` or `unknown`."""
    end = complete_weeks_before(now)
    series = pulse_series(session, organisation_id=organisation_id, end=week_start(end))
    if not series:
        return []
    first = min(week_number(result.period) for one in series for result in one.results)
    values, volumes = pulse_weeks(series, first_week=first, end_week=end)
    findings = sense_pulses(series, weeks=[week_start(n) for n in range(first, end)],
                            values=values, volumes=volumes, changes=changes, settings=settings)
    seen = series_detections(session, organisation_id=organisation_id,
                             subject_type=SubjectType.TEAM)
    stored = []
    for finding in findings:
        detection = _on_calendar(finding.detection, first)
        if (detection.metric, finding.team, detection.change_start) in seen:
            continue
        seen.add((detection.metric, finding.team, detection.change_start))
        surveys = sorted({r.survey for r in series[finding.series].results})
        evidence = {
            "series": {"kind": SeriesKind.PULSE_QUESTION.value, "subject_type": "team",
                       "team": finding.team, "metric": detection.metric,
                       "question": finding.question, "surveys": surveys,
                       "kpi_direction": "up"},
            "nearby_changes": [c.as_dict() for c in finding.nearby_changes],
            "cause": finding.diagnosis.cause.value, "reason": finding.diagnosis.reason,
            "skill": None,
        }
        stored.append(_save(session, organisation_id=organisation_id, detection=detection,
                            diagnosis=finding.diagnosis, evidence=evidence, now=now,
                            events=events, actor=actor, subject_type="team",
                            subject_id=finding.team))
    return stored


@dataclass
class PersonPass:
    """What the person pass did in one run: new detections, the metrics it evaluated, and why
    it left any alone (`skipped`: metric → reason)."""

    detections: list[DetectionRecord] = field(default_factory=list)
    evaluated: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def _inputs(settings: DetectorSettings, changes: Sequence[ChangeEntry]) -> str:
    """What a person pass was built on: the settings and the change log."""
    words = [repr(settings)] + [f"{c.kind.value}|{c.starts}|{c.ends}|{c.team}" for c in changes]
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:32]


def sense_person_series(session: Session, *, organisation_id: int, now: datetime,
                        settings: DetectorSettings, kpis: Sequence[Any],
                        changes: Sequence[ChangeEntry], events: EventLog | None = None,
                        actor: str = "agent:sensing", series_limit: int = 20_000,
                        standing_cache: dict[Any, Mapping[str, list[SkillStanding]]] | None = None
                        ) -> PersonPass:
    """People's own dips in each monitored KPI reported per person, raised only where the rest
    of their team held steady and no team detection covers them (see `domain.sensing.people`).

    A metric's person series are recomputed when a new week (or a change in the settings or the
    change log) arrives, and left alone when the organisation has more than `series_limit`
    people: the pass costs about 1.6 ms per person-series-year of weekly data."""
    end_limit = complete_weeks_before(now)
    standing_cache = {} if standing_cache is None else standing_cache
    done = PersonPass()
    headcount = people_count(session, organisation_id=organisation_id)
    inputs = _inputs(settings, changes)
    for kpi in kpis:
        if headcount > series_limit:
            done.skipped[kpi.metric] = (f"{headcount} people, over the limit of {series_limit} "
                                        "person series")
            continue
        span = metric_weeks(session, organisation_id=organisation_id, metric=kpi.metric,
                            end=end_limit)
        if span is None:
            continue
        first, end = span[0], span[1] + 1
        if people_mark(session, organisation_id=organisation_id,
                       metric=kpi.metric) == (end, inputs):
            continue
        weeks = person_weeks(session, organisation_id=organisation_id, metric=kpi.metric,
                             first_week=first, end_week=end)
        save_people_mark(session, organisation_id=organisation_id, metric=kpi.metric,
                         next_week=end, inputs=inputs)
        if not weeks.people:
            continue
        done.evaluated.append(kpi.metric)
        teams = sorted(set(weeks.teams))
        index = {team: i for i, team in enumerate(teams)}
        team_of = np.array([index[team] for team in weeks.teams])
        covered = {index[team]: [(c - first, d - first) for c, d in found]
                   for team, found in team_detection_weeks(
                       session, organisation_id=organisation_id, metric=kpi.metric).items()
                   if team in index}
        sign = 1 if kpi.direction.value == "up" else -1
        findings = sense_people(
            weeks.values, weeks.volumes, team_of=team_of, teams=teams, people=weeks.people,
            metric=kpi.metric, sign=sign, weeks=[week_start(n) for n in range(first, end)],
            changes=changes, settings=settings, team_detections=covered)
        seen = series_detections(session, organisation_id=organisation_id,
                                 subject_type=SubjectType.PERSON, metrics=[kpi.metric])
        for finding in findings:
            if not finding.standalone:
                continue
            detection = _on_calendar(finding.detection, first)
            person, team = weeks.people[finding.person], weeks.teams[finding.person]
            if (kpi.metric, person, detection.change_start) in seen:
                continue
            seen.add((kpi.metric, person, detection.change_start))
            week, skills = detection.detected_week, tuple(kpi.skills)
            if (week, skills) not in standing_cache:
                standing_cache[week, skills] = skill_standing(
                    session, organisation_id=organisation_id, skills=skills,
                    before=week_start(week + 1))
            standings = standing_cache[week, skills].get(team, [])
            below = [s.skill for s in standings if person in s.below]
            diagnosis = diagnose_person(detection, name=person, below_skills=below,
                                        linked_skills=skills)
            evidence = {
                "series": {"kind": SeriesKind.PERSON.value, "subject_type": "person",
                           "person": person, "team": team, "metric": kpi.metric,
                           "kpi_direction": kpi.direction.value,
                           "objectives": list(kpi.objectives)},
                "linked_skills": list(skills),
                "below_required": below,
                "rest_of_team_moved_sd": round(finding.rest_moved_sd, 3),
                "nearby_changes": [],
                "cause": diagnosis.cause.value, "reason": diagnosis.reason,
                "skill": diagnosis.skill,
            }
            done.detections.append(_save(
                session, organisation_id=organisation_id, detection=detection,
                diagnosis=diagnosis, evidence=evidence, now=now, events=events, actor=actor,
                subject_type="person", subject_id=person))
    return done


def people_who_moved(session: Session, *, organisation_id: int, detections: Sequence[Detection],
                     sign: int, changes: Callable[[str], Sequence[ChangeEntry]],
                     baseline_weeks: int) -> list[dict[str, list[str]]]:
    """For each team detection of one metric, its people whose own level dipped and those who
    did not, from their person rows up to the detection's week ({} when the team reports only
    totals). One read of the detected teams' person rows serves every detection."""
    if not detections:
        return []
    windows: dict[str, tuple[int, int]] = {}
    for detection in detections:  # each team's people are read over its detections' weeks
        start, end = detection.change_week - baseline_weeks, detection.detected_week + 1
        known = windows.get(detection.subject_key or "", (start, end))
        windows[detection.subject_key or ""] = (min(known[0], start), max(known[1], end))
    first = min(start for start, _ in windows.values())
    weeks = person_weeks(session, organisation_id=organisation_id,
                         metric=detections[0].metric, first_week=first,
                         end_week=max(end for _, end in windows.values()), windows=windows)
    members = np.array(weeks.teams, dtype=object)
    found: list[dict[str, list[str]]] = []
    for detection in detections:
        team = detection.subject_key or ""
        rows = np.flatnonzero(members == team)
        start = detection.change_week - baseline_weeks
        columns = slice(start - first, detection.detected_week + 1 - first)
        # people are those with a value in the detection's own weeks
        rows = rows[~np.isnan(weeks.values[rows, columns]).all(axis=1)]
        if not len(rows):
            found.append({})
            continue
        excluded = excluded_weeks(list(changes(team)), tuple(
            week_start(n) for n in range(start, detection.detected_week + 1)), team=team)
        moved, steady = who_moved(weeks.values[rows, columns], weeks.volumes[rows, columns],
                                  sign=sign,
                                  change_start=detection.change_week - start,
                                  detected_week=detection.detected_week - start,
                                  excluded=excluded, baseline_weeks=baseline_weeks)
        found.append({"moved": [weeks.people[rows[i]] for i in moved],
                      "steady": [weeks.people[rows[i]] for i in steady]})
    return found
