"""Sensing whole teams from person rows (or series given directly): detection and diagnosis.

Pure: arrays and change-log records in, `Detection` and `Diagnosis` records out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from learnloop.domain.sensing.calibration import calibrated_detector
from learnloop.domain.sensing.detection import Detector, WeekResult
from learnloop.domain.sensing.diagnosis import Diagnosis, diagnose
from learnloop.domain.sensing.series import (
    ChangeEntry,
    WeeklySeries,
    changes_near,
    excluded_weeks,
    logged_starts,
    team_series,
)
from learnloop.domain.sensing.settings import DetectorSettings
from learnloop.domain.signals import SubjectType

__all__ = ["Detection", "TeamFinding", "detections_from", "sense_series", "sense_teams"]


@dataclass(frozen=True, slots=True)
class Detection:
    """A sustained change in one series, with the evidence an analyst needs to trust it."""

    subject_type: SubjectType
    subject_key: str | None
    metric: str
    direction: str                  # "dip" or "rise", in the KPI's sense
    baseline_level: float
    baseline_sd: float
    baseline_from: date             # the baseline window, inclusive
    baseline_to: date
    observed_level: float
    effect: float                   # observed - baseline, natural units
    effect_sd: float                # size of the effect in baseline SDs
    confidence: float               # share of no-change series-years with less evidence
    change_start: date              # estimated first week of the change
    detected_at: date               # week of the newest observation used
    statistic: float
    change_week: int                # the same two weeks as indexes into the series
    detected_week: int
    group: str | None = None        # the series watched a part of the team, e.g. people below
                                    # the required level of a skill; None for the whole subject
    logged: bool = False            # found by testing the start of a logged change


@dataclass(frozen=True, slots=True)
class TeamFinding:
    team: int
    detection: Detection
    diagnosis: Diagnosis
    nearby_changes: tuple[ChangeEntry, ...]


def detections_from(results: Sequence[WeekResult], *, detector: Detector,
                    weeks: Sequence[date], subjects: Sequence[tuple[SubjectType, str | None]],
                    metrics: Sequence[str], groups: Sequence[str | None] | None = None
                    ) -> list[Detection]:
    """The alarms among week results, as records, oldest first."""
    found = []
    for result in results:
        for row in np.flatnonzero(result.alarm):
            kind, key = subjects[row]
            group = groups[row] if groups is not None else None
            start, now = int(result.change_start[row]), int(result.week[row])
            found.append(Detection(
                subject_type=kind, subject_key=key, metric=metrics[row],
                direction="dip" if result.dip[row] else "rise",
                baseline_level=float(result.baseline_level[row]),
                baseline_sd=float(result.baseline_sd[row]),
                baseline_from=weeks[int(result.baseline_first[row])],
                baseline_to=weeks[int(result.baseline_last[row])],
                observed_level=float(result.observed_level[row]),
                effect=float(result.effect[row]), effect_sd=float(result.effect_sd[row]),
                confidence=float(detector.confidence(result.statistic[row],
                                                     logged=bool(result.logged[row]))),
                change_start=weeks[start], detected_at=weeks[now],
                statistic=float(result.statistic[row]), change_week=start, detected_week=now,
                group=group, logged=bool(result.logged[row])))
    return found


def sense_series(series: Sequence[WeeklySeries], *, changes: Sequence[ChangeEntry],
                 settings: DetectorSettings) -> list[Detection]:
    """Detections in series given directly (team rows, organisation rows, pulse scores), all on
    the same weeks; a team's logged holidays and outages are left out, its logged changes tested.
    """
    if not series:
        return []
    weeks = series[0].weeks
    if any(s.weeks != weeks for s in series):
        raise ValueError("series sensed together must share their weeks")
    changes = list(changes)
    detector = calibrated_detector(settings)
    volumes = np.array([s.volumes if s.volumes is not None else (np.nan,) * len(weeks)
                        for s in series], dtype=float)
    _, results = detector.run(
        np.array([s.values for s in series], dtype=float), volumes=volumes,
        excluded=np.stack([excluded_weeks(changes, weeks, team=s.subject_key) for s in series]),
        logged=np.stack([logged_starts(changes, weeks, team=s.subject_key) for s in series]),
        sign=np.array([s.sign for s in series]))
    return detections_from(results, detector=detector, weeks=weeks,
                           subjects=[(s.subject_type, s.subject_key) for s in series],
                           metrics=[s.metric for s in series])


def _skill_groups(team_of: np.ndarray, *, teams: int, below_required: Mapping[str, np.ndarray],
                  linked_skills: Sequence[Sequence[str]], smallest: int = 3
                  ) -> list[tuple[int, str, np.ndarray]]:
    """(team, skill, people) for each part of a team below the required level of a linked skill.

    A skill gap shows first and clearest there: a dip concentrated in 40% of a team is 2.5 times
    deeper in their own series, which shares the team's weekly noise but not its dilution.
    """
    groups = []
    for team in range(teams):
        members = team_of == team
        for skill in linked_skills[team]:
            below = np.flatnonzero(members & below_required[skill])
            if smallest <= len(below) <= members.sum() - 2:
                groups.append((team, skill, below))
    return groups


def sense_teams(values: np.ndarray, volumes: np.ndarray | None, *, team_of: np.ndarray,
                teams: Sequence[str], metrics: Sequence[str], signs: np.ndarray,
                weeks: Sequence[date], changes: Sequence[ChangeEntry],
                below_required: Mapping[str, np.ndarray], settings: DetectorSettings,
                linked_skills: Sequence[Sequence[str]] | None = None) -> list[TeamFinding]:
    """Detect and diagnose dips in each team's series built from its people's weekly values.

    values, volumes: (people, weeks); team_of: (people,) team index; signs: (teams,) +1/-1;
    below_required: skill -> (people,) bool; linked_skills: per team, the skills its KPI needs
    (all skills when None). Each team is watched as a whole and, per linked skill, through its
    people below the required level; the false-alarm budget is shared among those series, and
    a change seen by several of them is raised once, by the first.
    """
    weeks = tuple(weeks)
    changes = list(changes)
    if linked_skills is None:
        linked_skills = [list(below_required)] * len(teams)
    groups = _skill_groups(team_of, teams=len(teams), below_required=below_required,
                           linked_skills=linked_skills)
    team_values, team_volumes = team_series(values, volumes, team_of=team_of, teams=len(teams),
                                            ramp_weeks=8)
    rows = np.concatenate([people for _, _, people in groups]) if groups else np.empty(0, int)
    group_of = np.repeat(np.arange(len(groups)), [len(people) for _, _, people in groups])
    group_values, group_volumes = team_series(
        values[rows], None if volumes is None else volumes[rows], team_of=group_of,
        teams=len(groups), ramp_weeks=8)
    owner = np.array([team for team, _, _ in groups], dtype=int)
    series_team = np.concatenate([np.arange(len(teams)), owner])
    excluded = np.stack([excluded_weeks(changes, weeks, team=name) for name in teams])
    logged = np.stack([logged_starts(changes, weeks, team=name) for name in teams])
    watched = 1 + max((len(skills) for skills in linked_skills), default=0) if groups else 1
    detector = calibrated_detector(
        replace(settings, false_alarms_per_year=settings.false_alarms_per_year / watched))
    _, results = detector.run(
        np.concatenate([team_values, group_values]),
        volumes=np.concatenate([team_volumes, group_volumes]),
        excluded=excluded[series_team], logged=logged[series_team],
        sign=np.asarray(signs)[series_team], family=series_team)
    found = detections_from(
        results, detector=detector, weeks=weeks,
        subjects=[(SubjectType.TEAM, teams[team]) for team in series_team],
        metrics=[metrics[team] for team in series_team],
        groups=[None] * len(teams) + [f"below the required level of {skill}"
                                      for _, skill, _ in groups])
    order = np.argsort(team_of, kind="stable")
    bounds = np.searchsorted(team_of[order], np.arange(len(teams) + 1))
    index = {name: i for i, name in enumerate(teams)}
    raised: dict[int, list[int]] = {}
    findings = []
    for detection in sorted(found, key=lambda d: (d.detected_week, d.group is not None)):
        team = index[detection.subject_key]
        # the same change seen again (by the whole team or another part of it) is not news
        if any(start >= detection.change_week - settings.longest_run
               for start in raised.get(team, [])):
            continue
        raised.setdefault(team, []).append(detection.change_week)
        members = order[bounds[team]:bounds[team + 1]]
        nearby = tuple(changes_near(changes, detection.change_start, team=detection.subject_key))
        diagnosis = diagnose(
            values[members], None if volumes is None else volumes[members],
            sign=int(signs[team]), change_start=detection.change_week,
            detected_week=detection.detected_week,
            below_required={s: below_required[s][members] for s in linked_skills[team]},
            nearby_changes=nearby, excluded=excluded[team],
            baseline_weeks=settings.baseline_weeks)
        findings.append(TeamFinding(team=team, detection=detection, diagnosis=diagnosis,
                                    nearby_changes=nearby))
    return findings
