"""Pulse scores per team and question as weekly series, their dips, and why they happened.

A fall in a pulse score is a dip. It is an engagement need: a logged change near its start makes
it `process`, otherwise its cause is `unknown`; proficiency never explains it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from learnloop.domain.sensing.calibration import calibrated_detector, quantile_of
from learnloop.domain.sensing.detection import Detector
from learnloop.domain.sensing.diagnosis import Cause, Diagnosis, verdict
from learnloop.domain.sensing.kinds import pulse_metric
from learnloop.domain.sensing.series import (
    ChangeEntry,
    changes_near,
    excluded_weeks,
    logged_starts,
)
from learnloop.domain.sensing.settings import DetectorSettings
from learnloop.domain.sensing.teams import Detection, detections_from
from learnloop.domain.sensing.weeks import week_number
from learnloop.domain.series import PulseSeries
from learnloop.domain.signals import SubjectType

__all__ = ["PulseFinding", "diagnose_pulse", "pulse_weeks", "sense_pulses"]


@dataclass(frozen=True, slots=True)
class PulseFinding:
    series: int                     # index into the series sensed
    team: str
    question: str
    detection: Detection
    diagnosis: Diagnosis
    nearby_changes: tuple[ChangeEntry, ...]


def pulse_weeks(series: Sequence[PulseSeries], *, first_week: int, end_week: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Scores (series, weeks) on the sensing calendar, weeks first_week .. end_week - 1: each
    period in its week, answers as its volume; two surveys in one week are averaged by answers.
    Weeks without a survey stay missing (NaN)."""
    span = max(end_week - first_week, 0)
    weighted = np.zeros((len(series), span))
    answers = np.zeros((len(series), span))
    for row, one in enumerate(series):
        for result in one.results:
            column = week_number(result.period) - first_week
            if 0 <= column < span:
                weighted[row, column] += result.score * result.responses
                answers[row, column] += result.responses
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(answers > 0, weighted / answers, np.nan)
    return values, np.where(answers > 0, answers, np.nan)


def _words(change: ChangeEntry) -> str:
    words = f"{change.kind.value.replace('_', ' ')} logged on {change.starts}"
    return words + (f" ({change.description})" if change.description else "")


def diagnose_pulse(detection: Detection, *, question: str,
                   nearby_changes: Sequence[ChangeEntry]) -> Diagnosis:
    """The cause of a pulse dip, in words: `process` when a logged change explains it, else
    `unknown`. Never `skill`: training may not fix how people feel about their work."""
    fell = (f"The team's score on \u201c{question}\u201d fell from "
            f"{detection.baseline_level:.3g} to {detection.observed_level:.3g} "
            f"({detection.effect_sd:.1f} SD)")

    if nearby_changes:
        return verdict(Cause.PROCESS, (
            f"{fell}, starting with the {_words(nearby_changes[0])}. A pulse dip is an "
            "engagement need: look at how the change landed with the team; training may not "
            "fix it."))
    return verdict(Cause.UNKNOWN, (
        f"{fell}, and no change was logged near its start. A pulse dip is an engagement need, "
        "not a skill gap: ask the team what changed before planning any training."))


def _cadence(one: PulseSeries) -> int:
    """Weeks between a series' surveys (the median gap; 1 until there are two)."""
    numbers = sorted({week_number(result.period) for result in one.results})
    gaps = np.diff(numbers)
    return max(int(np.median(gaps)), 1) if len(gaps) else 1


def _for_cadence(detector: Detector, every: int) -> Detector:
    """The detector for series surveyed every `every` weeks: such a series is tested on a share
    1/every of the weeks a weekly one is, so the same budget per series-year allows the
    threshold that `every` times the budget sets for weekly series."""
    if every <= 1:
        return detector
    budget = min(detector.settings.false_alarms_per_year * every, 1.0)
    return replace(detector, threshold=quantile_of(detector.null_maxima, budget))


def sense_pulses(series: Sequence[PulseSeries], *, weeks: Sequence[date], values: np.ndarray,
                 volumes: np.ndarray, changes: Sequence[ChangeEntry],
                 settings: DetectorSettings) -> list[PulseFinding]:
    """Dips in pulse scores (values, volumes: (series, weeks) from `pulse_weeks`), each team's
    logged holidays and outages left out and its logged changes tested; diagnosed, oldest first.

    Each team and question is a series of its own, with the budget per series-year of
    `settings` whatever its cadence (weekly, fortnightly, monthly).
    """
    weeks = tuple(weeks)
    changes = list(changes)
    if not series:
        return []
    detector = calibrated_detector(settings)
    teams = [one.team_key for one in series]
    excluded = np.stack([excluded_weeks(changes, weeks, team=team) for team in teams])
    logged = np.stack([logged_starts(changes, weeks, team=team) for team in teams])
    cadence = np.array([_cadence(one) for one in series])
    findings = []
    for every in np.unique(cadence):
        rows = np.flatnonzero(cadence == every)
        tuned = _for_cadence(detector, int(every))
        _, results = tuned.run(values[rows], volumes=volumes[rows], excluded=excluded[rows],
                               logged=logged[rows], sign=1)
        for detection in detections_from(
                results, detector=tuned, weeks=weeks,
                subjects=[(SubjectType.TEAM, teams[row]) for row in rows],
                metrics=[pulse_metric(series[row].question) for row in rows],
                groups=[str(row) for row in rows]):
            if detection.direction != "dip":
                continue
            row = int(detection.group or 0)
            detection = replace(detection, group=None)
            nearby = tuple(changes_near(changes, detection.change_start, team=teams[row]))
            findings.append(PulseFinding(
                series=row, team=teams[row], question=series[row].question,
                detection=detection,
                diagnosis=diagnose_pulse(detection, question=series[row].question,
                                         nearby_changes=nearby),
                nearby_changes=nearby))
    return sorted(findings, key=lambda f: (f.detection.detected_week, f.series))
