"""Diagnosis of a detected dip: a skill gap, a process change, or not known, with the reason."""

from __future__ import annotations

from datetime import date

import numpy as np

from learnloop.domain.sensing.diagnosis import Cause, diagnose
from learnloop.domain.sensing.series import ChangeEntry, ChangeKind

START, NOW, WEEKS = 30, 32, 40


def team(seed: int, *, people: int = 20, dip_below: float, dip_proficient: float,
         below: np.ndarray) -> np.ndarray:
    """People's weekly first-contact resolution: shared weekly noise, own noise, then a dip."""
    rng = np.random.default_rng(seed)
    values = 0.7 + rng.normal(0, 0.02, WEEKS)[None, :] + rng.normal(0, 0.05, (people, WEEKS))
    values[below, START:] -= dip_below
    values[~below, START:] -= dip_proficient
    return values


BELOW = np.arange(20) < 8
ROUTING = ChangeEntry(kind=ChangeKind.PROCESS_CHANGE, starts=date(2025, 7, 28),
                      ends=date(2025, 7, 28), team="support-na", description="new routing")
LAUNCH = ChangeEntry(kind=ChangeKind.PRODUCT_LAUNCH, starts=date(2025, 7, 28),
                     ends=date(2025, 7, 28), team="support-emea", description="new plan tier")


def test_a_dip_among_people_below_the_required_level_is_a_skill_gap() -> None:
    values = team(1, dip_below=0.12, dip_proficient=0.0, below=BELOW)
    found = diagnose(values, None, sign=1, change_start=START, detected_week=NOW,
                     below_required={"billing disputes": BELOW})
    assert found.cause == Cause.SKILL and found.skill == "billing disputes"
    assert "8 people below the required level of billing disputes" in found.reason
    assert set(found.moved) <= set(np.flatnonzero(BELOW))


def test_a_harmless_change_logged_at_the_same_time_does_not_make_it_a_process_dip() -> None:
    values = team(2, dip_below=0.12, dip_proficient=0.0, below=BELOW)
    found = diagnose(values, None, sign=1, change_start=START, detected_week=NOW,
                     below_required={"billing disputes": BELOW}, nearby_changes=[LAUNCH])
    assert found.cause == Cause.SKILL
    assert "does not explain it" in found.reason


def test_a_dip_shared_by_proficient_people_is_a_process_change() -> None:
    values = team(3, dip_below=0.06, dip_proficient=0.06, below=BELOW)
    found = diagnose(values, None, sign=1, change_start=START, detected_week=NOW,
                     below_required={"billing disputes": BELOW}, nearby_changes=[ROUTING])
    assert found.cause == Cause.PROCESS
    assert "dipped as much as the others" in found.reason and "new routing" in found.reason
    assert "Training will not fix this" in found.reason


def test_a_rise_in_handle_time_for_everyone_is_a_process_change_even_unlogged() -> None:
    handle_time = 8.0 - team(4, dip_below=0.1, dip_proficient=0.1, below=BELOW) * 10
    found = diagnose(handle_time, None, sign=-1, change_start=START, detected_week=NOW,
                     below_required={"call handling": BELOW})
    assert found.cause == Cause.PROCESS
    assert "worse by" in found.reason


def test_without_a_proficiency_split_or_a_logged_change_the_cause_is_unknown() -> None:
    everyone = np.ones(20, dtype=bool)
    values = team(5, dip_below=0.08, dip_proficient=0.08, below=everyone)
    found = diagnose(values, None, sign=1, change_start=START, detected_week=NOW,
                     below_required={"billing disputes": everyone})
    assert found.cause == Cause.UNKNOWN
    assert "no change was logged" in found.reason


def test_the_linked_skill_whose_gap_explains_the_dip_is_named() -> None:
    other = np.arange(20) % 2 == 0
    values = team(6, dip_below=0.12, dip_proficient=0.0, below=BELOW)
    found = diagnose(values, None, sign=1, change_start=START, detected_week=NOW,
                     below_required={"product knowledge": other, "billing disputes": BELOW})
    assert found.cause == Cause.SKILL and found.skill == "billing disputes"
