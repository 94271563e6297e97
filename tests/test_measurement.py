"""The bridge from records to the analytics core: the person-week panel, weekly means, and the
core's results as JSON (no NaN)."""

from __future__ import annotations

from learnloop.domain.measurement import estimate_fields, impact_panel, plain, weekly_means

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


def test_an_estimate_without_data_becomes_json_without_nan() -> None:
    from learnloop.domain.analytics import estimate_impact

    panel = impact_panel(person=["a", "c"], days=[1, 1], values=[1.0, 2.0], groups=GROUPS,
                         teams=TEAMS, kpi="k")
    fields = estimate_fields(estimate_impact(panel))
    assert fields["estimate"] is None and fields["enough_data"] is False
    assert plain(float("nan")) is None and plain(1.23456) == 1.2346
