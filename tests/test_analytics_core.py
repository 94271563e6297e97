"""The analytics core's behaviour: verdicts, honesty when data are short, levels 1-3, cycle times.

Figures are checked against hand-worked or textbook values; validity over many simulated
organisations is tests/test_analytics_validity.py.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from learnloop.domain.analytics import ImpactPanel, estimate_impact
from learnloop.domain.analytics.levels import (
    before_after,
    behaviour_change,
    learning_change,
    proportion,
    reaction,
)
from learnloop.domain.analytics.pipeline import cycle_times, hours_saved, time_to_competency
from learnloop.domain.analytics.student import t_quantile, t_two_sided_p
from learnloop.domain.analytics.survival import kaplan_meier
from learnloop.errors import InputError
from learnloop.simulation.impact import ImpactSimulationSettings, simulate_impact


def test_student_t_matches_published_quantiles() -> None:
    assert t_quantile(0.975, 4) == pytest.approx(2.7764451052, abs=1e-8)
    assert t_quantile(0.975, 10.3) == pytest.approx(2.2193733755, abs=1e-8)
    assert t_quantile(0.1, 2.5) == pytest.approx(-1.7302509288, abs=1e-8)
    assert t_two_sided_p(2.1, 5) == pytest.approx(0.0897532499, abs=1e-9)


def _org(effect: float, **settings) -> tuple[ImpactPanel, float]:
    simulated = simulate_impact(7, ImpactSimulationSettings(effect_sd=effect, **settings))
    return simulated.panel, simulated.true_effect


def test_a_clear_rise_reads_as_points_more_than_in_the_hold_out() -> None:
    panel, truth = _org(0.6, team_size=(40, 80))
    result = estimate_impact(panel)
    assert result.lower <= truth <= result.upper
    assert result.lower > 0 and result.enough_data and result.improved is True
    expected = f"first-contact resolution rose {result.estimate * 100:.1f} points more than in " \
               f"the hold-out (95% CI {result.lower * 100:.1f}–{result.upper * 100:.1f})"
    assert result.verdict.startswith(expected), result.verdict
    assert result.n_treated + result.n_holdout >= 160 and result.n_clusters >= 4


def test_a_fall_in_a_kpi_where_down_is_good_is_an_improvement() -> None:
    panel, _ = _org(-0.6, team_size=(40, 80))
    handle_time = replace(panel, kpi="handle time", direction="down", unit="seconds", scale=60.0)
    result = estimate_impact(handle_time)
    assert result.upper < 0 and result.improved is True
    assert result.verdict.startswith("handle time fell ") and "an improvement" in result.verdict
    worse = estimate_impact(replace(handle_time, direction="up"))
    assert worse.improved is False and "for the worse" in worse.verdict


def test_a_small_population_says_not_enough_data_yet_with_the_weeks_still_needed() -> None:
    panel, _ = _org(0.0, teams=(4, 4), team_size=(14, 16), weeks_after=3)
    result = estimate_impact(panel)
    assert not result.enough_data
    assert result.mde > result.smallest_effect
    assert result.weeks_needed is None or result.weeks_needed > 0
    assert result.verdict.startswith("Not enough data yet")
    assert f"{result.mde * 100:.1f} points" in result.verdict


def _first_weeks(panel: ImpactPanel, weeks: int) -> ImpactPanel:
    keep = np.asarray(panel.week) < weeks
    return replace(panel, person=panel.person[keep], cluster=panel.cluster[keep],
                   treated=panel.treated[keep], week=panel.week[keep], value=panel.value[keep])


def test_weeks_still_needed_shrink_as_weeks_pass_and_are_about_right() -> None:
    panel, _ = _org(0.0, teams=(6, 6), team_size=(40, 40), weeks_after=30,
                    trajectory_share=0.05)
    early, later = (estimate_impact(_first_weeks(panel, weeks)) for weeks in (2, 4))
    assert not early.enough_data and not later.enough_data
    assert early.weeks_needed is not None and later.weeks_needed is not None
    assert later.mde < early.mde and later.weeks_needed < early.weeks_needed
    then = estimate_impact(_first_weeks(panel, 4 + later.weeks_needed))
    assert then.mde == pytest.approx(then.smallest_effect, rel=0.15)


def test_before_the_start_the_verdict_plans_the_weeks_needed() -> None:
    panel, _ = _org(0.0, team_size=(30, 40))
    before = np.asarray(panel.week) < 0
    only_before = ImpactPanel(person=panel.person[before], cluster=panel.cluster[before],
                              treated=panel.treated[before], week=panel.week[before],
                              value=panel.value[before], kpi=panel.kpi, unit="points", scale=100)
    result = estimate_impact(only_before)
    assert math.isnan(result.estimate) and not result.enough_data
    assert result.weeks_needed and result.weeks_needed > 0
    assert "more weeks of data are needed" in result.verdict


def test_a_person_in_both_groups_is_an_input_error() -> None:
    panel, _ = _org(0.0)
    flipped = np.asarray(panel.treated).copy()
    first = np.flatnonzero(panel.person == panel.person[0])
    flipped[first[0]] = not flipped[first[0]]
    with pytest.raises(InputError, match="both"):
        estimate_impact(replace(panel, treated=flipped))
    with pytest.raises(InputError):
        replace(panel, direction="sideways")


def test_reaction_rating_interval_distribution_and_response_rate() -> None:
    result = reaction([5, 4, 4, 3, 5, 4, 2, 5], invited=20, comments=3)
    assert result.mean == pytest.approx(4.0)
    # t interval: sd 1.0690, n 8, t(0.975, 7) = 2.3646
    assert result.upper - result.mean == pytest.approx(2.3646 * 1.0690 / math.sqrt(8), abs=1e-3)
    assert result.distribution == ((1, 0), (2, 1), (3, 1), (4, 3), (5, 3))
    assert result.response_rate.rate == pytest.approx(0.4)
    assert 0.2 < result.response_rate.lower < 0.4 < result.response_rate.upper < 0.62
    with pytest.raises(InputError):
        reaction([6], invited=1)


def test_wilson_interval_matches_the_textbook_value() -> None:
    # 8 of 10 at 95%: Wilson (0.4902, 0.9433)
    result = proportion(8, 10)
    assert (result.lower, result.upper) == pytest.approx((0.4902, 0.9433), abs=1e-4)


def test_learning_change_is_paired_over_people_measured_both_times() -> None:
    before = {"ann": 0.5, "bo": 0.6, "cy": 0.4, "di": 0.7, "ed": 0.3}
    after = {"ann": 0.8, "bo": 0.7, "cy": 0.7, "di": 0.9, "fay": 0.9}
    result = learning_change(before, after)
    assert result.people == 4 and result.only_before == 1 and result.only_after == 1
    assert result.change == pytest.approx(0.225)
    assert result.lower > 0 and result.p_value < 0.05


def test_behaviour_signals_are_compared_like_the_kpi_and_charted_by_week() -> None:
    panel, truth = _org(0.6, team_size=(40, 80))
    results = behaviour_change({"calls resolved without transfer": panel})
    assert results["calls resolved without transfer"].lower <= truth
    chart = before_after(panel)
    assert len(chart.weekly) == 24
    treated = chart.treated_after - chart.treated_before
    change = treated - (chart.holdout_after - chart.holdout_before)
    assert change == pytest.approx(truth, abs=0.03)


def test_kaplan_meier_median_counts_people_still_learning() -> None:
    durations = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], dtype=float)
    done = np.array([1, 1, 0, 1, 1, 0, 1, 1, 0, 0], dtype=bool)
    curve = kaplan_meier(durations, done)
    # S: 0.9, 0.8, (censor), 0.8*6/7=0.6857, 0.5714, (censor), 0.5714*3/4=0.4286 -> median 7
    assert curve.remaining[:5] == pytest.approx([0.9, 0.8, 0.685714, 0.571429, 0.428571], abs=1e-6)
    assert curve.median == 7.0 and curve.censored == 4
    # dropping the censored would say 4.5 days: censoring keeps slow learners in
    assert np.median(durations[done]) < curve.median


def test_time_to_competency_and_cycle_times_in_days() -> None:
    start = datetime(2026, 1, 5)
    detected = [start] * 7
    reached = [start + timedelta(days=d) for d in (10, 20, 30)] + [None] * 4
    result = time_to_competency(detected, reached, now=start + timedelta(days=40))
    assert result.reached == 3 and result.still_learning == 4
    assert result.median_days is None          # fewer than half reached it: no median yet
    assert result.quartile_days == 20.0        # remaining 6/7, 5/7 (<= 3/4 at day 20)
    one_more = time_to_competency(detected, reached[:6] + [start + timedelta(days=35)],
                                  now=start + timedelta(days=40))
    assert one_more.median_days == 35.0        # 4/7 remain after day 30, 3/7 after day 35
    stamps = {
        "detected": [start, start, start],
        "drafted": [start + timedelta(days=d) for d in (2, 4, 3)],
        "approved": [start + timedelta(days=3), start + timedelta(days=9), None],
        "delivered": [start + timedelta(days=5), None, None],
    }
    steps = {(s.start, s.end): s for s in cycle_times(stamps, now=start + timedelta(days=12))}
    assert steps[("detected", "drafted")].median_days == 3.0
    review = steps[("drafted", "approved")]
    assert review.finished == 2 and review.waiting == 1 and review.median_days == 5.0
    assert steps[("detected", "delivered")].finished == 1


def test_hours_saved_against_the_manual_baseline() -> None:
    result = hours_saved({"module drafted": 4, "needs analysis": 2},
                         manual_hours={"module drafted": 30.0, "needs analysis": 16.0},
                         spent_hours={"module drafted": 10.0})
    assert result.manual == 152.0 and result.spent == 10.0 and result.total == 142.0
    with pytest.raises(InputError, match="baseline"):
        hours_saved({"report": 1}, manual_hours={})


def test_no_effect_in_a_large_population_is_said_plainly_not_as_missing_data() -> None:
    panel, truth = _org(0.0, teams=(8, 8), team_size=(60, 60))
    result = estimate_impact(panel)
    assert result.lower <= truth <= result.upper
    assert result.enough_data and result.improved is None and result.weeks_needed == 0
    assert result.mde <= result.smallest_effect
    assert result.verdict.startswith("No clear effect: first-contact resolution ")


def test_people_and_teams_may_be_named_by_their_keys() -> None:
    panel, _ = _org(0.6, team_size=(40, 80))
    named = replace(panel, person=np.array([f"person-{p}" for p in panel.person], dtype=object),
                    cluster=np.array([f"team-{t}" for t in panel.cluster], dtype=object))
    assert estimate_impact(named).estimate == pytest.approx(estimate_impact(panel).estimate)


def test_whole_teams_held_out_are_compared_team_against_team() -> None:
    panel, truth = _org(0.6, whole_teams=True, teams=(12, 12), team_size=(40, 60))
    result = estimate_impact(panel)
    assert "whole teams held out" in result.method and result.n_clusters == 12
    assert result.lower <= truth <= result.upper
    with pytest.raises(InputError):
        estimate_impact(panel, clustering="department")
