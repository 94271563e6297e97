"""The analytics agent's pure measures: the person-week panel, before/after means, reaction,
time to competency, cycle times and hours saved."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from learnloop.domain.measurement import (
    before_after,
    competency_times,
    cycle_times,
    hours_saved,
    impact_panel,
    reaction,
    weekly_means,
)

GROUPS = {"a": "treated", "b": "treated", "c": "holdout", "d": "holdout"}
TEAMS = {"a": "north", "b": "south", "c": "north", "d": "south"}


def test_the_panel_keeps_assigned_people_one_row_per_person_week() -> None:
    panel = impact_panel(person=["a", "a", "a", "c", "x"], days=[-8, -7, 3, 0, 1],
                         values=[1.0, 3.0, 5.0, 7.0, 9.0], groups=GROUPS, teams=TEAMS, kpi="k")
    rows = sorted(zip(panel.person.tolist(), panel.week.tolist(), panel.value.tolist(),
                      panel.treated.tolist(), strict=True))
    # a's two values in week -2 and -1 stay apart (day -8 is week -2, day -7 week -1)
    assert rows == [(0, -2, 1.0, True), (0, -1, 3.0, True), (0, 0, 5.0, True),
                    (1, 0, 7.0, False)]
    assert len(set(panel.cluster.tolist())) == 1  # a and c are both in north
    assert weekly_means(panel) == {"weeks": [-2, -1, 0], "treated": [1.0, 3.0, 5.0],
                                   "holdout": [None, None, 7.0]}


def test_before_after_weighs_each_person_once() -> None:
    found = before_after(person=["a", "a", "a", "b", "c", "c", "d"], days=[-3, -2, 4, 5, -1, 2, 2],
                         values=[1.0, 3.0, 6.0, 4.0, 2.0, 3.0, 5.0], groups=GROUPS)
    assert (found.treated_before, found.treated_after) == (2.0, 5.0)
    assert (found.holdout_before, found.holdout_after) == (2.0, 4.0)
    assert found.difference == 1.0 and (found.n_treated, found.n_holdout) == (2, 2)
    assert before_after(person=[], days=[], values=[], groups=GROUPS).difference is None


def test_reaction_counts_treated_respondents_once() -> None:
    found = reaction(ratings={"a": [4.0, 5.0], "c": [1.0]}, treated=["a", "b"])
    assert (found.responses, found.treated, found.mean_rating, found.response_rate) == (
        1, 2, 4.5, 0.5)


def test_time_to_competency_and_cycle_times() -> None:
    times = competency_times(detected=date(2025, 5, 1),
                             reached={"a": date(2025, 5, 11), "b": date(2025, 5, 31),
                                      "z": date(2025, 5, 2)}, treated=["a", "b", "c"])
    assert (times["reached"], times["median_days"], times["slowest_days"]) == (2, 20.0, 30)
    cycle = cycle_times({"detected": date(2025, 5, 1),
                         "drafted": datetime(2025, 5, 2, 9, tzinfo=UTC),
                         "approved": date(2025, 5, 5), "delivered": date(2025, 5, 12)})
    assert (cycle["detected_to_drafted_days"], cycle["review_lag_days"],
            cycle["detected_to_delivered_days"]) == (1, 3, 11)
    assert cycle_times({"delivered": date(2025, 5, 12)})["review_lag_days"] is None


def test_hours_saved_only_for_what_learnloop_produced() -> None:
    assert hours_saved(baseline_hours=40, source="learnloop", review_hours=3)["hours_saved"] == 37
    assert hours_saved(baseline_hours=40, source="external", review_hours=None)[
        "hours_saved"] == 0.0
    assert np.isclose(hours_saved(baseline_hours=2, source="learnloop",
                                  review_hours=5)["hours_saved"], 0.0)
