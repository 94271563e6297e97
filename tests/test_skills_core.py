"""The skills core on small hand-made cases: what one piece of evidence does to a belief, how
certainty fades, and skill health's counts, single points of failure and trend."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from learnloop.domain.evidence import EvidenceColumns, EvidenceKind
from learnloop.domain.objectives import Direction
from learnloop.domain.proficiencies import (
    KINDS,
    EstimationSettings,
    EvidenceArrays,
    LinkVerdict,
    RequirementArrays,
    day_number,
    estimate_proficiencies,
    estimate_proficiencies_on,
    evidence_arrays,
    health_trend,
    person_means,
    skill_health,
    skill_kpi_links,
)

MANAGER = KINDS.index(EvidenceKind.MANAGER_RATING)
SELF = KINDS.index(EvidenceKind.SELF_ASSESSMENT)
ASSESSMENT = KINDS.index(EvidenceKind.ASSESSMENT)
DAY = day_number(date(2026, 6, 1))


def _evidence(rows: list[tuple[int, int, int, float, int]], *, people: int = 3,
              skills: int = 2) -> EvidenceArrays:
    person, skill, kind, level, day = (np.array(column) for column in zip(*rows, strict=True))
    return EvidenceArrays(people=tuple(f"p{i}" for i in range(people)),
                          skills=tuple(f"s{j}" for j in range(skills)),
                          person=person.astype(np.int64), skill=skill.astype(np.int64),
                          kind=kind.astype(np.int8), level=level.astype(float),
                          day=day.astype(np.int64))


def test_a_generous_manager_rating_counts_for_less_than_an_assessment_of_the_same_level() -> None:
    evidence = _evidence([(0, 0, MANAGER, 3.0, DAY), (1, 0, ASSESSMENT, 3.0, DAY)])
    estimates = estimate_proficiencies(evidence, as_of=DAY)
    rated, assessed = estimates.mean
    # a manager's 3 reads lower than 3 (lenient); an assessment's 3 is taken at its word
    assert rated < assessed
    assert estimates.sd[0] > estimates.sd[1]


def test_without_fresh_evidence_the_interval_widens_and_later_evidence_is_ignored() -> None:
    evidence = _evidence([(0, 0, ASSESSMENT, 2.0, DAY), (0, 0, ASSESSMENT, 4.0, DAY + 400)])
    now = estimate_proficiencies(evidence, as_of=DAY)
    year_on = estimate_proficiencies(evidence, as_of=DAY + 365)
    assert now.evidence.tolist() == [1] and year_on.evidence.tolist() == [1]
    assert now.mean[0] == pytest.approx(year_on.mean[0])
    assert year_on.sd[0] > now.sd[0]
    lower, upper = year_on.bounds()
    assert 0 <= lower[0] < year_on.mean[0] < upper[0] <= 4


def test_the_order_evidence_arrives_in_does_not_change_the_estimate() -> None:
    rows = [(0, 1, SELF, 1.0, DAY + 3), (0, 0, MANAGER, 2.0, DAY), (0, 1, ASSESSMENT, 2.5, DAY),
            (2, 0, ASSESSMENT, 1.5, DAY + 9), (0, 0, ASSESSMENT, 2.0, DAY + 30)]
    forward = estimate_proficiencies(_evidence(rows), as_of=DAY + 60)
    backward = estimate_proficiencies(_evidence(rows[::-1]), as_of=DAY + 60)
    assert forward.pair.tolist() == backward.pair.tolist() == [0, 1, 4]
    assert np.allclose(forward.mean, backward.mean)
    mean, sd, found = forward.lookup(np.array([0, 1]), np.array([1, 1]))
    assert found.tolist() == [True, False]
    assert mean[1] == EstimationSettings().prior_mean and sd[1] == EstimationSettings().prior_sd


def test_one_pass_on_several_days_gives_each_day_what_a_pass_of_its_own_gives() -> None:
    rng = np.random.default_rng(3)
    rows = [(int(p), int(s), int(k), float(v), DAY + int(d)) for p, s, k, v, d in zip(
        rng.integers(0, 3, 60), rng.integers(0, 2, 60), rng.integers(0, 3, 60),
        rng.uniform(0, 4, 60), rng.integers(0, 200, 60), strict=True)]
    evidence = _evidence(rows)
    days = (DAY + 200, DAY + 90, DAY - 1, DAY + 30, DAY + 90)
    together = estimate_proficiencies_on(evidence, days=days)
    for day, found in zip(days, together, strict=True):
        alone = estimate_proficiencies(evidence, as_of=day)
        assert found.as_of == day
        for name in ("pair", "mean", "sd", "evidence"):
            assert getattr(found, name).tolist() == getattr(alone, name).tolist(), (day, name)
    assert len(together[2]) == 0 and 0 < len(together[3]) < len(together[0])


def test_store_columns_become_arrays_with_day_numbers() -> None:
    columns = EvidenceColumns(people=("ana",), person_index=(0,), skills=("sql",),
                              skill_index=(0,), kinds=(EvidenceKind.SELF_ASSESSMENT,),
                              levels=(2.0,), observed_on=(date(2026, 6, 1),), sources=("hr",))
    arrays = evidence_arrays(columns)
    assert arrays.kind.tolist() == [SELF] and arrays.day.tolist() == [DAY]


def _team(levels: list[float], *, required: int, critical: bool) -> RequirementArrays:
    count = len(levels)
    return RequirementArrays(
        teams=("support",), roles=("agent",), person=np.arange(count),
        team=np.zeros(count, dtype=np.int64), role=np.zeros(count, dtype=np.int64),
        skill=np.zeros(count, dtype=np.int64), level=np.full(count, float(required)),
        critical=np.full(count, critical))


def _assessed(levels: list[float], *, day: int = DAY, repeats: int = 4):
    rows = [(i, 0, ASSESSMENT, level, day - k) for i, level in enumerate(levels)
            for k in range(repeats)]
    return estimate_proficiencies(_evidence(rows, people=len(levels), skills=1), as_of=day)


def test_one_strong_person_holding_a_critical_skill_is_a_single_point_of_failure() -> None:
    levels = [3.8, 1.0, 1.2, 0.8]
    health = skill_health(_team(levels, required=3, critical=True), _assessed(levels))
    assert health.people.tolist() == [4]
    assert health.meeting[0] == pytest.approx(1.0, abs=0.1)
    assert health.lower[0] <= health.meeting[0] <= health.upper[0]
    assert health.coverage[0] == pytest.approx(0.25, abs=0.03)
    assert health.single_point_of_failure.tolist() == [True]
    # the same team, not critical: no single point of failure is claimed
    calm = skill_health(_team(levels, required=3, critical=False), _assessed(levels))
    assert np.isnan(calm.single_point[0]) and not calm.single_point_of_failure[0]


def test_the_trend_shows_people_reaching_the_required_level() -> None:
    requirements = _team([0.0] * 6, required=2, critical=False)
    before = skill_health(requirements, _assessed([1.0] * 6, day=DAY))
    after = skill_health(requirements, _assessed([3.0] * 6, day=DAY + 180))
    trend = health_trend(before, after)
    assert trend.change[0] == pytest.approx(6.0, abs=0.5)
    assert trend.lower[0] > 0


def test_too_few_people_is_said_rather_than_judged() -> None:
    estimates = _assessed([1.0, 2.0, 3.0])
    link, = skill_kpi_links(objective="nps", metric="nps", direction=Direction.DOWN,
                            skills=("s0",), kpi=np.array([1.0, 2.0, 3.0]),
                            person_team=np.zeros(3, dtype=np.int64), estimates=estimates)
    assert link.verdict is LinkVerdict.TOO_FEW_PEOPLE and not link.flagged


def test_a_skill_that_makes_a_lower_is_better_kpi_rise_is_flagged_opposite() -> None:
    rng = np.random.default_rng(3)
    levels = rng.uniform(0, 4, 200)
    estimates = _assessed(list(levels))
    handle_time = 10 + 1.5 * levels + rng.normal(0, 0.5, 200)
    link, = skill_kpi_links(objective="speed", metric="handle_time", direction=Direction.DOWN,
                            skills=("s0",), kpi=handle_time,
                            person_team=rng.integers(0, 4, 200), estimates=estimates)
    assert link.verdict is LinkVerdict.OPPOSITE and link.flagged
    assert link.lower > 0


def test_person_means_average_each_persons_values() -> None:
    means = person_means(np.array([0, 0, 2]), np.array([1.0, 3.0, 5.0]), people=3)
    assert means[0] == 2.0 and np.isnan(means[1]) and means[2] == 5.0
