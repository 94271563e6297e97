"""Pulse scores per team and question: weekly series on the sensing calendar, dips found on
simulated surveys with known truth, and a cause that never blames skills.

Eight seeded organisations of 40 teams x 4 questions, weekly or fortnightly surveys, 30% of the
series given a sustained dip of 1.5-3.5 SD (half of them with a change logged at the start),
decoy changes, holidays and missed surveys. benchmarks/sensing_quality.py measures the same on
many more seeds.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from learnloop.domain.evidence import PulseResult
from learnloop.domain.sensing import Cause, ChangeEntry, ChangeKind
from learnloop.domain.sensing.kinds import pulse_metric
from learnloop.domain.sensing.pulse import diagnose_pulse, pulse_weeks
from learnloop.domain.sensing.weeks import week_number
from learnloop.domain.series import PulseSeries
from learnloop.simulation import Score
from learnloop.simulation.pulses import simulate_pulses
from learnloop.simulation.series_scoring import score_pulses, sense_simulated_pulses

SEEDS = range(1000, 1008)

# enforced on these 8 organisations (378 dips, 902 quiet series-years), where we measured 70.1%
# within 8 weeks, 32.5% within 2, 0.027 false alarms per series-year, cause right 91.7%
WITHIN_8_WEEKS = 0.66
WITHIN_2_WEEKS = 0.30
FALSE_ALARMS_PER_SERIES_YEAR = 0.05   # the default budget
CAUSE_RIGHT = 0.88

MONDAY = date(2025, 3, 3)


def _series(*rows: tuple[str, date, float, int]) -> PulseSeries:
    return PulseSeries(team_key="ops", question="q", results=tuple(
        PulseResult(survey=survey, team_key="ops", question="q", period=period, score=score,
                    responses=responses) for survey, period, score, responses in rows))


def test_pulse_periods_fall_in_their_weeks_and_weeks_without_a_survey_stay_missing() -> None:
    first = week_number(MONDAY)
    values, volumes = pulse_weeks([_series(
        ("a", MONDAY + timedelta(days=2), 4.0, 10), ("b", MONDAY + timedelta(days=4), 3.0, 30),
        ("a", MONDAY + timedelta(weeks=2), 3.5, 8))], first_week=first, end_week=first + 3)
    assert values[0, 0] == pytest.approx((4.0 * 10 + 3.0 * 30) / 40) and volumes[0, 0] == 40
    assert np.isnan(values[0, 1]) and np.isnan(volumes[0, 1])
    assert values[0, 2] == 3.5 and volumes[0, 2] == 8


def test_a_long_question_still_names_a_metric_that_fits_and_stays_distinct() -> None:
    long = "How " + "very " * 40 + "much"
    assert pulse_metric("short") == "pulse:short"
    assert len(pulse_metric(long)) <= 128
    assert pulse_metric(long) != pulse_metric(long + "!")


def test_a_pulse_dip_is_process_with_a_logged_change_else_unknown_never_skill() -> None:
    pulses = simulate_pulses(3)
    [first, *_] = [f for f in _findings(pulses)]
    change = ChangeEntry(kind=ChangeKind.REORGANISATION, starts=first.detection.change_start,
                         ends=first.detection.change_start, team=first.team,
                         description="two teams merged")
    logged = diagnose_pulse(first.detection, question=first.question, nearby_changes=[change])
    assert logged.cause is Cause.PROCESS and logged.skill is None
    assert "two teams merged" in logged.reason and "training may not fix" in logged.reason
    unlogged = diagnose_pulse(first.detection, question=first.question, nearby_changes=[])
    assert unlogged.cause is Cause.UNKNOWN and "engagement need" in unlogged.reason
    assert first.question in unlogged.reason


def _findings(pulses):
    from learnloop.domain.sensing import DetectorSettings
    from learnloop.domain.sensing.pulse import sense_pulses

    first = week_number(pulses.weeks[0])
    values, volumes = pulse_weeks(pulses.series, first_week=first,
                                  end_week=first + len(pulses.weeks))
    return sense_pulses(pulses.series, weeks=pulses.weeks, values=values, volumes=volumes,
                        changes=pulses.changes, settings=DetectorSettings())


@pytest.fixture(scope="module")
def measured() -> Score:
    total = Score()
    for seed in SEEDS:
        total = total + score_pulses(simulate_pulses(seed))
    return total


def test_most_pulse_dips_are_found_within_eight_weeks(measured: Score) -> None:
    assert len(measured.delays) >= 350
    assert measured.found_within(8) >= WITHIN_8_WEEKS
    assert measured.found_within(2) >= WITHIN_2_WEEKS


def test_pulse_series_without_a_change_stay_within_the_budget(measured: Score) -> None:
    assert measured.quiet_years >= 800
    assert measured.false_alarms_per_year <= FALSE_ALARMS_PER_SERIES_YEAR


def test_the_cause_of_a_found_pulse_dip_is_right(measured: Score) -> None:
    assert measured.cause_accuracy >= CAUSE_RIGHT


def test_weekly_surveys_find_large_dips_almost_always() -> None:
    found, large = 0, 0
    for seed in SEEDS[:4]:
        pulses = simulate_pulses(seed)
        alarms: dict[int, list[int]] = {}
        for alarm in sense_simulated_pulses(pulses):
            alarms.setdefault(alarm.team, []).append(alarm.detected_week)
        for row, (series, truth) in enumerate(zip(pulses.series, pulses.truth, strict=True)):
            weekly = len(series.results) > 0.8 * len(pulses.weeks)
            if truth.dip and weekly and truth.size_sd >= 2.5:
                large += 1
                found += any(0 <= week - truth.start_week <= 8 for week in alarms.get(row, []))
    assert large >= 20 and found / large >= 0.9
