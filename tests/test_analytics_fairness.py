"""The fairness audit flags a built-in disparity with its counts, not chance; hides small groups.

Flags need a rate under four fifths of the highest group's and p < 0.05 (two-proportion test).
"""

from __future__ import annotations

import numpy as np
import pytest

from learnloop.domain.analytics import audit_fairness
from learnloop.errors import InputError


def _organisation(seed: int, *, recommended_rate: dict[str, float], sizes: dict[str, int]):
    rng = np.random.default_rng(seed)
    groups, recommended, delivered, developed = {}, [], [], []
    for group, size in sizes.items():
        for index in range(size):
            person = f"{group}-{index}"
            groups[person] = group
            if rng.random() < recommended_rate[group]:
                recommended.append(person)
                if rng.random() < 0.9:
                    delivered.append(person)
                    if rng.random() < 0.6:
                        developed.append(person)
    outcomes = {"recommended": recommended, "delivered": delivered, "developed": developed}
    return {"gender": groups}, outcomes


def test_a_built_in_disparity_in_recommendations_is_flagged_with_its_counts() -> None:
    later_flags = 0
    for seed in range(1, 6):
        groups, outcomes = _organisation(seed, recommended_rate={"women": 0.40, "men": 0.20},
                                         sizes={"women": 300, "men": 300})
        audit = audit_fairness(groups, outcomes)
        stage, men = audit.flagged[0]
        assert (stage.stage, men.group, stage.reference_group) == ("recommended", "men", "women")
        assert men.ratio < 0.8 and men.p_value < 0.05
        finding = audit.findings[0]
        assert f"({men.selected} of 300)" in finding and "four-fifths" in finding
        # later stages are rates among those who reached the one before: no gap opens there,
        # so a flag there is chance (5% per comparison)
        later_flags += len(audit.flagged) - 1
    assert later_flags <= 1


def test_equal_rates_raise_no_flag() -> None:
    for seed in range(5):
        groups, outcomes = _organisation(seed, recommended_rate={"women": 0.3, "men": 0.3},
                                         sizes={"women": 250, "men": 250})
        assert audit_fairness(groups, outcomes).flagged == (), seed


def test_a_small_gap_at_small_counts_is_worth_watching_not_flagged() -> None:
    groups = {"site": {f"p{i}": ("north" if i < 12 else "south") for i in range(24)}}
    outcomes = {"recommended": [f"p{i}" for i in (0, 1, 2, 3, 4, 5, 12, 13, 14, 15)]}
    audit = audit_fairness(groups, outcomes)
    south = next(g for g in audit.stages[0].groups if g.group == "south")
    assert south.below_four_fifths and not south.flagged
    assert any("worth watching" in line for line in audit.findings)


def test_groups_below_the_minimum_size_are_suppressed_and_said_so() -> None:
    groups, outcomes = _organisation(3, recommended_rate={"a": 0.4, "b": 0.4, "c": 0.0},
                                     sizes={"a": 100, "b": 100, "c": 6})
    audit = audit_fairness(groups, outcomes, minimum_group_size=10)
    recommended = audit.stages[0]
    assert {group.group for group in recommended.groups} == {"a", "b"}
    assert recommended.suppressed == ("c",) and recommended.reference_group in {"a", "b"}
    assert all(group.group != "c" for _, group in audit.flagged)   # c's 0 of 6: never reported
    assert any("fewer than 10 people not shown" in line for line in audit.findings)
    assert not any("0 of 6" in line for line in audit.findings)
    lower = audit_fairness(groups, outcomes, minimum_group_size=5)
    shown = {group.group: group for group in lower.stages[0].groups}
    assert shown["c"].selected == 0 and shown["c"].below_four_fifths
    assert not shown["c"].flagged       # 0 of 6 against 40%: could still be chance


def test_a_minimum_group_size_below_one_is_an_input_error() -> None:
    with pytest.raises(InputError):
        audit_fairness({}, {}, minimum_group_size=0)
