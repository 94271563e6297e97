"""Simulated organisations: seeded, with the truth the quality tests score against."""

from __future__ import annotations

import numpy as np

from learnloop.domain.sensing.series import ChangeKind
from learnloop.simulation import SimulationSettings, simulate_organisation


def test_the_same_seed_gives_the_same_organisation() -> None:
    first, again = simulate_organisation(7), simulate_organisation(7)
    assert np.array_equal(first.person_values, again.person_values, equal_nan=True)
    assert first.changes == again.changes and first.truth == again.truth
    assert not np.array_equal(first.person_values, simulate_organisation(8).person_values,
                              equal_nan=True)


def test_teams_have_eight_to_fifty_people_with_volumes_and_gaps() -> None:
    org = simulate_organisation(3)
    sizes = np.bincount(org.person_team)
    assert sizes.min() >= 8 and sizes.max() <= 50
    assert np.isnan(org.person_values).any()
    seen = ~np.isnan(org.person_values)
    assert (org.person_volumes[seen] > 0).all()
    kinds = {change.kind for change in org.changes}
    assert {ChangeKind.HOLIDAY, ChangeKind.SYSTEM_OUTAGE, ChangeKind.PROCESS_CHANGE} <= kinds


def test_injected_dips_have_the_stated_size_and_cause() -> None:
    org = simulate_organisation(4, SimulationSettings(teams=60))
    dips = [t for t in org.truth if t.dip]
    assert 15 <= len(dips) <= 45
    assert all(1.5 <= t.size_sd <= 3.5 and 14 <= t.start_week <= 43 for t in dips)
    assert {t.cause for t in dips} == {"skill", "process"}


def test_a_skill_dip_sits_with_people_below_the_required_level() -> None:
    org = simulate_organisation(5, SimulationSettings(teams=30, skill_share=1.0, dip_share=1.0,
                                                      dip_sd=(3.5, 3.5)))
    truth = org.truth[0]
    people = org.person_team == 0
    values = org.person_values[people] * (1 if truth.direction == "up" else -1)
    below = org.below_required[people]
    start = truth.start_week
    change = np.nanmean(values[:, start:], axis=1) - np.nanmean(values[:, :start], axis=1)
    assert np.nanmean(change[below]) < 0
    assert abs(np.nanmean(change[below])) > 3 * abs(np.nanmean(change[~below]))
