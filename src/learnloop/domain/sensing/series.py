"""Weekly series and the change log: the records the sensing agent reads, as plain values.

Also the pure helpers that turn person rows into team series and change-log entries into weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import numpy as np

from learnloop.domain.objectives import Direction
from learnloop.domain.signals import SubjectType

__all__ = [
    "ChangeEntry", "ChangeKind", "DISCOUNTED_KINDS", "EXPLAINING_KINDS", "WeeklySeries",
    "changes_near", "excluded_weeks", "logged_starts", "team_series",
]


class ChangeKind(StrEnum):
    """What happened in the organisation, as kept in change calendars and incident lists."""

    PROCESS_CHANGE = "process_change"
    SYSTEM_CHANGE = "system_change"
    SYSTEM_OUTAGE = "system_outage"
    PRODUCT_LAUNCH = "product_launch"
    REORGANISATION = "reorganisation"
    HOLIDAY = "holiday"
    OTHER = "other"


# weeks of these kinds are left out of baselines and tests: the dip is known and passes
DISCOUNTED_KINDS = frozenset({ChangeKind.HOLIDAY, ChangeKind.SYSTEM_OUTAGE})
# changes of these kinds can explain a sustained dip that starts with them
EXPLAINING_KINDS = frozenset({ChangeKind.PROCESS_CHANGE, ChangeKind.SYSTEM_CHANGE,
                              ChangeKind.REORGANISATION, ChangeKind.PRODUCT_LAUNCH})


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One change-log entry; `team` None means organisation-wide; `ends` is inclusive."""

    kind: ChangeKind
    starts: date
    ends: date
    team: str | None = None
    description: str = ""

    def concerns(self, team: str | None) -> bool:
        return self.team is None or self.team == team

    def as_dict(self) -> dict[str, str | None]:
        """As a detection's evidence names it."""
        return {"kind": self.kind.value, "starts": self.starts.isoformat(),
                "ends": self.ends.isoformat(), "team": self.team,
                "description": self.description}


@dataclass(frozen=True, slots=True)
class WeeklySeries:
    """One metric of one subject, week by week; NaN marks a week with no data.

    `volumes` counts the events behind each value (tickets, answers), so that a value built on 3
    events weighs less than one built on 300.
    """

    subject_type: SubjectType
    subject_key: str | None
    metric: str
    kpi_direction: Direction
    weeks: tuple[date, ...]
    values: tuple[float, ...]
    volumes: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.values) != len(self.weeks):
            raise ValueError("a series needs one value per week")
        if self.volumes is not None and len(self.volumes) != len(self.weeks):
            raise ValueError("a series needs one volume per week")

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better (a rise in handle time is a dip)."""
        return 1 if self.kpi_direction == Direction.UP else -1


def _week_index(weeks: tuple[date, ...], day: date) -> int:
    """Index of the week holding `day`; weeks are consecutive Mondays (or any fixed weekday)."""
    return (day - weeks[0]).days // 7


def excluded_weeks(changes: list[ChangeEntry], weeks: tuple[date, ...], *,
                   team: str | None) -> np.ndarray:
    """Weeks a team's baseline and tests leave out: logged holidays and outages."""
    out = np.zeros(len(weeks), dtype=bool)
    for change in changes:
        if change.kind in DISCOUNTED_KINDS and change.concerns(team):
            first = max(_week_index(weeks, change.starts), 0)
            last = min(_week_index(weeks, change.ends), len(weeks) - 1)
            if first <= last:
                out[first:last + 1] = True
    return out


def logged_starts(changes: list[ChangeEntry], weeks: tuple[date, ...], *,
                  team: str | None) -> np.ndarray:
    """Weeks in which a change that could move a team's KPIs is logged to start."""
    out = np.zeros(len(weeks), dtype=bool)
    for change in changes:
        if change.kind in EXPLAINING_KINDS and change.concerns(team):
            week = _week_index(weeks, change.starts)
            if 0 <= week < len(weeks):
                out[week] = True
    return out


def changes_near(changes: list[ChangeEntry], day: date, *, team: str | None,
                 within_days: int = 14) -> list[ChangeEntry]:
    """Logged changes that could explain a change starting on `day`, nearest first."""
    window = timedelta(days=within_days)
    near = [c for c in changes
            if c.kind in EXPLAINING_KINDS and c.concerns(team)
            and c.starts - window <= day <= c.ends + window]
    return sorted(near, key=lambda c: abs((c.starts - day).days))


def team_series(values: np.ndarray, volumes: np.ndarray | None, *, team_of: np.ndarray,
                teams: int, ramp_weeks: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Volume-weighted team means of person values, shape (people, weeks) -> (teams, weeks).

    People who first appear after their team's first week are new hires: their first
    `ramp_weeks` weeks are left out, so a ramp-up is not read as a team dip. This uses only
    weeks up to each week (causal). Returns (values, volumes); a team-week with no data is NaN.
    """
    people, weeks = values.shape
    seen = ~np.isnan(values)
    if volumes is None:
        volumes = np.ones_like(values)
    weight = np.where(seen, np.nan_to_num(volumes), 0.0)
    first_seen = np.where(seen.any(axis=1), seen.argmax(axis=1), weeks)
    team_first = np.full(teams, weeks)
    np.minimum.at(team_first, team_of, first_seen)
    hired_later = first_seen > team_first[team_of]
    tenure = np.arange(weeks)[None, :] - first_seen[:, None]
    ramping = hired_later[:, None] & (tenure < ramp_weeks)
    weight = np.where(ramping, 0.0, weight)
    cell = (team_of[:, None] * weeks + np.arange(weeks)[None, :]).ravel()
    total = np.bincount(cell, weights=weight.ravel(), minlength=teams * weeks)
    weighted = np.bincount(cell, weights=(weight * np.nan_to_num(values)).ravel(),
                           minlength=teams * weeks)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(total > 0, weighted / total, np.nan)
    return means.reshape(teams, weeks), total.reshape(teams, weeks)
