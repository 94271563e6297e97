"""Series records and helpers: team series from person rows, discounted weeks, nearby changes."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from learnloop.domain.objectives import Direction
from learnloop.domain.sensing.series import (
    ChangeEntry,
    ChangeKind,
    WeeklySeries,
    changes_near,
    excluded_weeks,
    team_series,
)
from learnloop.domain.signals import SubjectType

WEEKS = tuple(date(2025, 1, 6) + timedelta(weeks=k) for k in range(12))


def test_a_team_value_weighs_each_person_by_their_volume() -> None:
    values = np.array([[1.0, 1.0], [3.0, 3.0]])
    volumes = np.array([[1.0, 3.0], [1.0, 1.0]])
    means, totals = team_series(values, volumes, team_of=np.array([0, 0]), teams=1)
    assert means[0].tolist() == [2.0, 1.5] and totals[0].tolist() == [2.0, 4.0]


def test_new_hires_ramping_up_are_left_out_and_empty_weeks_stay_missing() -> None:
    values = np.array([[5.0] * 6, [np.nan, np.nan, 1.0, 1.0, 1.0, 1.0]])
    values[0, 5] = np.nan
    values[1, 5] = np.nan
    means, _ = team_series(values, None, team_of=np.array([0, 0]), teams=1, ramp_weeks=2)
    assert means[0, :4].tolist() == [5.0, 5.0, 5.0, 5.0]     # the hire's first two weeks
    assert means[0, 4] == 3.0 and np.isnan(means[0, 5])


def test_holidays_and_outages_are_discounted_for_the_teams_they_concern() -> None:
    changes = [
        ChangeEntry(ChangeKind.HOLIDAY, WEEKS[2], WEEKS[2] + timedelta(days=6)),
        ChangeEntry(ChangeKind.SYSTEM_OUTAGE, WEEKS[5], WEEKS[6], team="support-na"),
        ChangeEntry(ChangeKind.PROCESS_CHANGE, WEEKS[8], WEEKS[8], team="support-na"),
    ]
    assert np.flatnonzero(excluded_weeks(changes, WEEKS, team="support-na")).tolist() == [2, 5, 6]
    assert np.flatnonzero(excluded_weeks(changes, WEEKS, team="sales")).tolist() == [2]


def test_changes_near_a_start_are_the_explaining_kinds_nearest_first() -> None:
    routing = ChangeEntry(ChangeKind.PROCESS_CHANGE, WEEKS[8], WEEKS[8], team="support-na")
    launch = ChangeEntry(ChangeKind.PRODUCT_LAUNCH, WEEKS[7], WEEKS[7])
    outage = ChangeEntry(ChangeKind.SYSTEM_OUTAGE, WEEKS[8], WEEKS[8], team="support-na")
    far = ChangeEntry(ChangeKind.REORGANISATION, WEEKS[1], WEEKS[1], team="support-na")
    near = changes_near([launch, routing, outage, far], WEEKS[8], team="support-na")
    assert near == [routing, launch]
    assert changes_near([routing], WEEKS[8], team="sales") == []


def test_a_series_needs_one_value_per_week_and_knows_its_direction() -> None:
    series = WeeklySeries(SubjectType.TEAM, "support-na", "handle_time", Direction.DOWN,
                          WEEKS[:2], (8.0, float("nan")), (120.0, 0.0))
    assert series.sign == -1
    with pytest.raises(ValueError):
        WeeklySeries(SubjectType.TEAM, "support-na", "handle_time", Direction.DOWN, WEEKS[:2],
                     (8.0,))
