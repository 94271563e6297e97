"""Sensing for whole teams from person rows: team series, detection, and diagnosis in one pass.

Pure: arrays and change-log records in, `Detection` and `Diagnosis` records out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from learnloop.domain.sensing.detection import Detector, WeekResult
from learnloop.domain.sensing.diagnosis import Diagnosis, diagnose
from learnloop.domain.sensing.series import ChangeEntry, changes_near, excluded_weeks, team_series
from learnloop.domain.signals import SubjectType

__all__ = ["Detection", "TeamFinding", "detections_from", "sense_teams"]


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


@dataclass(frozen=True, slots=True)
class TeamFinding:
    team: int
    detection: Detection
    diagnosis: Diagnosis
    nearby_changes: tuple[ChangeEntry, ...]


def detections_from(results: Sequence[WeekResult], *, detector: Detector,
                    weeks: Sequence[date], subjects: Sequence[tuple[SubjectType, str | None]],
                    metrics: Sequence[str]) -> list[Detection]:
    """The alarms among week results, as records, oldest first."""
    found = []
    for result in results:
        for row in np.flatnonzero(result.alarm):
            kind, key = subjects[row]
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
                confidence=float(detector.confidence(result.statistic[row])),
                change_start=weeks[start], detected_at=weeks[now],
                statistic=float(result.statistic[row]), change_week=start, detected_week=now))
    return found


def sense_teams(values: np.ndarray, volumes: np.ndarray | None, *, team_of: np.ndarray,
                teams: Sequence[str], metrics: Sequence[str], signs: np.ndarray,
                weeks: Sequence[date], changes: Sequence[ChangeEntry],
                below_required: Mapping[str, np.ndarray], detector: Detector,
                linked_skills: Sequence[Sequence[str]] | None = None) -> list[TeamFinding]:
    """Detect and diagnose dips in each team's series built from its people's weekly values.

    values, volumes: (people, weeks); team_of: (people,) team index; signs: (teams,) +1/-1;
    below_required: skill -> (people,) bool; linked_skills: per team, the skills its KPI needs
    (all skills when None).
    """
    weeks = tuple(weeks)
    changes = list(changes)
    team_values, team_volumes = team_series(values, volumes, team_of=team_of, teams=len(teams),
                                            ramp_weeks=8)
    excluded = np.stack([excluded_weeks(changes, weeks, team=name) for name in teams])
    _, results = detector.run(team_values, volumes=team_volumes, excluded=excluded, sign=signs)
    found = detections_from(results, detector=detector, weeks=weeks,
                            subjects=[(SubjectType.TEAM, name) for name in teams],
                            metrics=metrics)
    order = np.argsort(team_of, kind="stable")
    bounds = np.searchsorted(team_of[order], np.arange(len(teams) + 1))
    index = {name: i for i, name in enumerate(teams)}
    findings = []
    for detection in found:
        team = index[detection.subject_key]
        members = order[bounds[team]:bounds[team + 1]]
        skills = linked_skills[team] if linked_skills is not None else list(below_required)
        nearby = tuple(changes_near(changes, detection.change_start, team=detection.subject_key))
        diagnosis = diagnose(
            values[members], None if volumes is None else volumes[members],
            sign=int(signs[team]), change_start=detection.change_week,
            detected_week=detection.detected_week,
            below_required={s: below_required[s][members] for s in skills},
            nearby_changes=nearby, excluded=excluded[team],
            baseline_weeks=detector.settings.baseline_weeks)
        findings.append(TeamFinding(team=team, detection=detection, diagnosis=diagnosis,
                                    nearby_changes=nearby))
    return findings
