"""Each person's own KPI series, where the data allows: sustained individual dips, kept apart from
team changes so that one team dip does not become a flood of person detections.

The rule (docs/architecture.md, "Sensing"): a person is watched on weeks with at least
`PersonRules.minimum_volume` events behind their value, never in their first weeks as a new hire,
and tested only after `minimum_baseline` such weeks, with the same false-alarm budget per
series-year as a team's KPI. A person's dip stands alone only when the rest of their team did not
move over the same weeks and no team detection covers it; otherwise it is evidence of the team's
change (who moved), never a detection of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from learnloop.domain.sensing.calibration import calibrated_detector
from learnloop.domain.sensing.diagnosis import Cause, Diagnosis, diagnose, verdict
from learnloop.domain.sensing.series import ChangeEntry, excluded_weeks
from learnloop.domain.sensing.settings import DetectorSettings
from learnloop.domain.sensing.teams import Detection, detections_from
from learnloop.domain.signals import SubjectType

__all__ = ["PersonFinding", "PersonRules", "diagnose_person", "rest_of_team", "sense_people",
           "watched_values", "who_moved"]


@dataclass(frozen=True, slots=True)
class PersonRules:
    """The minimum-data rule for a person's own series, and when their team counts as moved."""

    # a person-week built on fewer events says too little about one person
    minimum_volume: float = 5.0
    # weeks of baseline before a person is tested (more than a team's: one person is noisier)
    minimum_baseline: int = 12
    # new hires are left out while they ramp up
    ramp_weeks: int = 8
    # a person's week is mostly sampling noise
    sampling_share: float = 0.9
    # the rest of the team moved when it fell this many of its weekly SDs, or its fall over the
    # same weeks is this clear (a z-score)
    team_moved_sd: float = 1.0
    team_moved_z: float = 2.0


@dataclass(frozen=True, slots=True)
class PersonFinding:
    person: int                     # row of the person
    detection: Detection
    standalone: bool                # their own dip: the rest of the team held steady
    rest_moved_sd: float            # the rest of the team's change over the same weeks, in its
                                    # weekly SDs (negative: it dipped too)
    covering_team_detection: int | None  # change week of the team detection that covers it


def watched_values(values: np.ndarray, volumes: np.ndarray | None, *,
                   rules: PersonRules) -> np.ndarray:
    """Person values left to watch: weeks on too few events and a new hire's first weeks are
    missing (NaN). Causal: each week is judged on what is known up to it."""
    people, weeks = values.shape
    seen = ~np.isnan(values)
    keep = seen.copy()
    if volumes is not None:
        keep &= np.nan_to_num(volumes) >= rules.minimum_volume
    first_seen = np.where(seen.any(axis=1), seen.argmax(axis=1), weeks)
    hired_later = first_seen > first_seen.min(initial=weeks)
    tenure = np.arange(weeks)[None, :] - first_seen[:, None]
    keep &= ~(hired_later[:, None] & (tenure < rules.ramp_weeks))
    return np.where(keep, values, np.nan)


def rest_of_team(values: np.ndarray, volumes: np.ndarray | None, *, team_of: np.ndarray,
                 teams: int) -> np.ndarray:
    """For each person and week, the volume-weighted mean of the rest of their team (NaN when
    no one else has data)."""
    people, weeks = values.shape
    seen = ~np.isnan(values)
    weight = np.where(seen, 1.0 if volumes is None else np.nan_to_num(volumes), 0.0)
    product = weight * np.nan_to_num(values)
    cell = (team_of[:, None] * weeks + np.arange(weeks)[None, :]).ravel()
    total = np.bincount(cell, weights=weight.ravel(), minlength=teams * weeks)
    summed = np.bincount(cell, weights=product.ravel(), minlength=teams * weeks)
    rest_weight = total.reshape(teams, weeks)[team_of] - weight
    rest_sum = summed.reshape(teams, weeks)[team_of] - product
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rest_weight > 1e-9, rest_sum / np.where(rest_weight > 1e-9,
                                                                 rest_weight, 1.0), np.nan)


def _moved(rest: np.ndarray, *, sign: int, start: int, now: int, excluded: np.ndarray,
           baseline_weeks: int) -> tuple[float, float]:
    """How far one person's rest of team moved from before `start` to `start..now`: in its weekly
    SDs, and as a z-score of the mean over those weeks."""
    index = np.arange(len(rest))
    usable = ~np.isnan(rest) & ~excluded
    base = rest[usable & (index < start) & (index >= start - baseline_weeks)]
    run = rest[usable & (index >= start) & (index <= now)]
    if len(base) < 3 or len(run) == 0:
        return 0.0, 0.0
    level = float(np.median(base))
    spread = float(np.median(np.abs(base - level)) * 1.4826) or float(np.std(base)) or 1e-12
    change = sign * (float(np.mean(run)) - level) / spread
    return change, change * float(np.sqrt(len(run)))


def sense_people(values: np.ndarray, volumes: np.ndarray | None, *, team_of: np.ndarray,
                 teams: Sequence[str], people: Sequence[str], metric: str, sign: int,
                 weeks: Sequence[date], changes: Sequence[ChangeEntry],
                 settings: DetectorSettings, rules: PersonRules | None = None,
                 team_detections: Mapping[int, Sequence[tuple[int, int]]] | None = None
                 ) -> list[PersonFinding]:
    """Sustained dips in each person's own series of one metric (values, volumes: (people,
    weeks); team_of: (people,) team index), oldest first.

    `team_detections` maps a team index to the (change week, detected week) of its own
    detections of this metric: a person's dip whose start is within `longest_run` weeks of one
    detected by the person's detection week is covered by it.
    """
    rules = rules or PersonRules()
    weeks = tuple(weeks)
    team_detections = team_detections or {}
    if len(people) == 0:
        return []
    watched = watched_values(values, volumes, rules=rules)
    detector = calibrated_detector(replace(settings, minimum_baseline=rules.minimum_baseline))
    team_excluded = np.stack([excluded_weeks(list(changes), weeks, team=name) for name in teams])
    _, results = detector.run(watched, volumes=volumes, excluded=team_excluded[team_of],
                              sign=sign, sampling_share=rules.sampling_share)
    found = detections_from(results, detector=detector, weeks=weeks,
                            subjects=[(SubjectType.PERSON, key) for key in people],
                            metrics=[metric] * len(people))
    rest = rest_of_team(values, volumes, team_of=team_of, teams=len(teams))
    row_of = {key: row for row, key in enumerate(people)}
    findings = []
    for detection in found:
        if detection.direction != "dip":
            continue
        row = row_of[detection.subject_key]
        team = int(team_of[row])
        start, now = detection.change_week, detection.detected_week
        covering = next((change for change, detected in team_detections.get(team, ())
                         if detected <= now and abs(change - start) <= settings.longest_run),
                        None)
        moved_sd, moved_z = _moved(rest[row], sign=sign, start=start, now=now,
                                   excluded=team_excluded[team],
                                   baseline_weeks=settings.baseline_weeks)
        team_moved = moved_sd <= -rules.team_moved_sd or moved_z <= -rules.team_moved_z
        findings.append(PersonFinding(
            person=row, detection=detection,
            standalone=covering is None and not team_moved, rest_moved_sd=moved_sd,
            covering_team_detection=covering))
    return findings


def who_moved(values: np.ndarray, volumes: np.ndarray | None, *, sign: int, change_start: int,
              detected_week: int, excluded: np.ndarray | None = None,
              baseline_weeks: int = 40) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Rows of the people whose own level dipped over a team's change, and of those compared who
    did not (the diagnosis's own rule: a fall of two of their own standard errors)."""
    found = diagnose(values, volumes, sign=sign, change_start=change_start,
                     detected_week=detected_week, below_required={}, excluded=excluded,
                     baseline_weeks=baseline_weeks)
    return found.moved, found.steady


def diagnose_person(detection: Detection, *, name: str, below_skills: Sequence[str],
                    linked_skills: Sequence[str]) -> Diagnosis:
    """Why one person's own dip happened, in words: a gap in a linked skill they are below the
    required level of (`skill`), else `unknown`: their team held steady, so it is theirs alone."""
    fell = (f"{name}'s own {detection.metric} moved from {detection.baseline_level:.3g} to "
            f"{detection.observed_level:.3g} ({detection.effect_sd:.1f} of their weekly SDs) "
            "while the rest of the team held steady")

    if below_skills:
        return verdict(Cause.SKILL, (
            f"{fell}; they are below the required level of {below_skills[0]}, a skill the "
            "KPI's objective links to it."), below_skills[0])
    at = (f"they are at the required level of {', '.join(linked_skills)}" if linked_skills
          else "no linked skill could be compared")
    return verdict(Cause.UNKNOWN, (
        f"{fell}; {at}, so the reason is likely their own (workload, absence, a new "
        "portfolio): a conversation first, not a course."))
