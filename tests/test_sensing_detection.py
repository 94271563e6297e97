"""The sequential detector on weekly series: sustained changes found, single bad weeks ignored,
and an incremental update giving exactly what a full recompute gives."""

from __future__ import annotations

import numpy as np
import pytest

from learnloop.domain.sensing import DetectorSettings, calibrated_detector
from learnloop.domain.sensing.series import excluded_weeks, team_series
from learnloop.simulation import simulate_organisation


@pytest.fixture(scope="module")
def detector():
    return calibrated_detector(DetectorSettings())


def noise(seed: int, weeks: int = 52, series: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 1.0, (series, weeks))


def alarm_weeks(results, row: int = 0) -> list[int]:
    return [int(r.week[row]) for r in results if r.alarm[row]]


def test_a_sustained_dip_is_found_within_a_few_weeks_and_dated(detector) -> None:
    values = noise(10) + 10.0
    values[0, 30:] -= 3.0
    _, results = detector.run(values)
    found = alarm_weeks(results)
    assert found and 31 <= found[0] <= 33
    hit = results[found[0]]
    assert hit.dip[0] and hit.change_start[0] in (29, 30, 31)
    assert hit.effect[0] < -2.0 and hit.effect_sd[0] > 2.0
    assert hit.baseline_last[0] == hit.change_start[0] - 1
    assert 0.95 < detector.confidence(hit.statistic[0]) <= 1.0


def test_a_single_bad_week_is_not_a_change(detector) -> None:
    values = noise(2, series=600) + 10.0
    alone = np.zeros(600, dtype=bool)
    for outage in (0.0, 8.0, 30.0):
        hit = values.copy()
        hit[:, 30] -= outage
        _, results = detector.run(hit)
        alarms = np.any([r.alarm for r in results], axis=0)
        if outage == 0.0:
            alone = alarms
        # an outage adds little and the same however deep it is: its score is clipped, and
        # what is left without it must still be a dip
        assert (alarms & ~alone).mean() <= 0.04
        assert not any(r.alarm[row] for r in results[30:31] for row in np.flatnonzero(~alone)
                       if r.change_start[row] == 30)


def test_a_rise_in_a_down_kpi_is_a_dip(detector) -> None:
    handle_time = noise(3) * 0.5 + 8.0
    handle_time[0, 25:] += 1.5
    _, results = detector.run(handle_time, sign=-1)
    found = alarm_weeks(results)
    assert found and results[found[0]].dip[0]
    assert results[found[0]].effect[0] > 1.0   # natural units: handle time went up


def test_improvements_are_only_raised_when_asked_for() -> None:
    values = noise(4) + 10.0
    values[0, 30:] += 3.0
    quiet = calibrated_detector(DetectorSettings())
    watching = calibrated_detector(DetectorSettings(watch_rises=True, calibration_years=1500))
    assert alarm_weeks(quiet.run(values)[1]) == []
    found = alarm_weeks(watching.run(values)[1])
    assert found and not watching.run(values)[1][found[0]].dip[0]


def test_missing_weeks_stay_missing_and_a_dip_through_gaps_is_still_found(detector) -> None:
    values = noise(5) + 10.0
    values[0, 30:] -= 3.0
    values[0, [10, 20, 31, 33]] = np.nan
    _, results = detector.run(values)
    found = alarm_weeks(results)
    assert found and found[0] not in (31, 33)
    assert all(not results[w].alarm[0] for w in (10, 20, 31, 33))


def test_nothing_is_tested_before_the_minimum_baseline(detector) -> None:
    values = noise(6) + 10.0
    values[0, 4:] -= 5.0
    _, results = detector.run(values)
    assert all(r.statistic[0] == -np.inf for r in results[:detector.settings.minimum_baseline])


def test_a_week_built_on_few_events_weighs_less(detector) -> None:
    values = noise(7) * 0.2 + 10.0
    values[0, 40:42] -= 1.0           # two low weeks...
    busy = np.full_like(values, 300.0)
    thin = busy.copy()
    thin[0, 40:42] = 3.0              # ...built on 3 events instead of 300
    share = 0.9                       # most of a typical week's variance is sampling
    assert alarm_weeks(detector.run(values, volumes=busy, sampling_share=share)[1])
    assert alarm_weeks(detector.run(values, volumes=thin, sampling_share=share)[1]) == []


def test_logged_holiday_weeks_are_left_out(detector) -> None:
    values = noise(8) + 10.0
    values[0, [20, 21, 22]] -= 5.0
    holiday = np.zeros_like(values, dtype=bool)
    holiday[0, [20, 21, 22]] = True
    assert alarm_weeks(detector.run(values)[1])
    assert alarm_weeks(detector.run(values, excluded=holiday)[1]) == []


def test_a_tighter_false_alarm_budget_raises_the_threshold() -> None:
    # a small calibration keeps the test quick; the order of the thresholds is what matters
    loose = calibrated_detector(DetectorSettings(false_alarms_per_year=0.2, calibration_years=800))
    tight = calibrated_detector(DetectorSettings(false_alarms_per_year=0.02,
                                                 calibration_years=800))
    assert tight.threshold > loose.threshold


def test_incremental_updates_give_exactly_the_detections_of_a_full_recompute(detector) -> None:
    org = simulate_organisation(11)
    values, volumes = team_series(org.person_values, org.person_volumes,
                                  team_of=org.person_team, teams=len(org.teams))
    excluded = np.stack([excluded_weeks(list(org.changes), org.weeks, team=name)
                         for name in org.teams])
    _, batch = detector.run(values, volumes=volumes, excluded=excluded, sign=org.signs)
    assert any(r.alarm.any() for r in batch)
    alarmed = {row for r in batch for row in np.flatnonzero(r.alarm)}
    quiet = [row for row in range(len(org.teams)) if row not in alarmed][:4]
    for row in sorted(alarmed)[:8] + quiet:
        # a stored one-series state, advanced one arriving week at a time
        state = detector.start(1, sign=org.signs[row])
        for week in range(len(org.weeks)):
            state, live = detector.advance(state, values[row:row + 1, week],
                                           volumes=volumes[row:row + 1, week],
                                           excluded=excluded[row:row + 1, week])
            full = batch[week]
            assert live.alarm[0] == full.alarm[row]
            assert live.statistic[0] == full.statistic[row]
            if full.alarm[row]:
                assert live.change_start[0] == full.change_start[row]
                assert live.effect[0] == full.effect[row]
                assert live.baseline_level[0] == full.baseline_level[row]


def test_a_stored_state_can_be_split_per_series(detector) -> None:
    values = noise(9, series=3) + 10.0
    state, _ = detector.run(values[:, :30])
    one = state.select(1)
    assert one.history.shape == (1, detector.settings.baseline_weeks)
    _, together = detector.advance(state, values[:, 30])
    _, alone = detector.advance(one, values[1:2, 30])
    assert alone.statistic[0] == together.statistic[1]


def test_a_dip_starting_with_a_logged_change_is_seen_sooner(detector) -> None:
    values = noise(12, series=200) * 1.0 + 10.0
    values[:, 30:] -= 2.0
    logged = np.zeros_like(values, dtype=bool)
    logged[:, 30] = True

    def first(results) -> np.ndarray:
        alarms = np.array([r.alarm for r in results])
        return np.where(alarms.any(axis=0), alarms.argmax(axis=0), 99)

    unlogged = first(detector.run(values)[1])
    _, results = detector.run(values, logged=logged)
    seen = first(results)
    assert np.mean(seen <= 32) > np.mean(unlogged <= 32) + 0.2
    by_log = [r.logged[row] for row in range(200) for r in results[seen[row]:seen[row] + 1]]
    assert any(by_log)


def test_a_harmless_logged_change_rarely_raises_anything(detector) -> None:
    values = noise(13, series=1000) + 10.0
    logged = np.zeros_like(values, dtype=bool)
    logged[:, 30] = True
    _, plain = detector.run(values)
    _, told = detector.run(values, logged=logged)
    extra = np.any([r.alarm for r in told], axis=0) & ~np.any([r.alarm for r in plain], axis=0)
    assert extra.mean() <= 2 * detector.settings.false_alarms_per_logged_change


def test_series_of_one_family_restart_together_in_batch_and_incrementally(detector) -> None:
    # pairs of series watching one team: the whole team and its people below a skill's level
    values = noise(14, series=40) + 10.0
    values[::4, 30:] -= 3.0
    family = np.repeat(np.arange(20), 2)
    _, batch = detector.run(values, family=family)
    alarms = np.array([r.alarm for r in batch])
    assert alarms.any()
    for team in range(20):
        rows = slice(2 * team, 2 * team + 2)
        state = detector.start(2, family=np.zeros(2, dtype=int))
        for week in range(values.shape[1]):
            state, live = detector.advance(state, values[rows, week])
            assert np.array_equal(live.alarm, alarms[week, rows])
            assert np.array_equal(live.statistic, batch[week].statistic[rows])
