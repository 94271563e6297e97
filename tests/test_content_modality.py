"""The modality mix proposed from a need, with its reasons, and L&D's override."""

from __future__ import annotations

import pytest

from learnloop.domain.content.modality import (
    Modality,
    ModalityChoice,
    choose_modality,
    override_modality,
)
from learnloop.errors import InputError


def test_an_urgent_interpersonal_high_risk_need_for_a_small_team_gets_practice_and_a_cohort():
    choice = choose_modality(urgency=0.9, nature="interpersonal", risk="high", complexity=0.3,
                             audience_size=25)
    assert choice.mix == (Modality.MICRO, Modality.PRACTICE, Modality.COHORT)
    assert len(choice.reasons) == 3 and "25 people" in choice.reasons[-1]


def test_a_large_audience_with_high_risk_gets_a_course_not_a_cohort() -> None:
    choice = choose_modality(urgency=0.2, nature="procedural", risk="high", complexity=0.2,
                             audience_size=400)
    assert choice.mix == (Modality.MICRO, Modality.PRACTICE, Modality.COURSE)


def test_a_calm_low_risk_knowledge_need_on_a_short_source_is_micro_content() -> None:
    choice = choose_modality(urgency=0.1, nature="knowledge", risk="low", complexity=0.2,
                             audience_size=10)
    assert choice.mix == (Modality.MICRO,)
    assert choose_modality(urgency=0.1, nature="knowledge", risk="low", complexity=0.8,
                           audience_size=10).mix == (Modality.COHORT, Modality.COURSE)


def test_without_a_need_a_complex_source_adds_a_course() -> None:
    assert choose_modality(urgency=None, nature=None, risk=None, complexity=0.9,
                           audience_size=0).mix == (Modality.MICRO, Modality.COURSE)


def test_an_override_keeps_the_reasons_and_round_trips() -> None:
    proposed = choose_modality(urgency=0.9, nature="interpersonal", risk="low", complexity=0.1,
                               audience_size=5)
    chosen = override_modality(proposed, mix=["cohort_session", "cohort_session"], by="ld:ana",
                               reason="they asked to meet")
    assert chosen.mix == (Modality.COHORT,) and chosen.overridden
    assert chosen.reasons[:2] == proposed.reasons
    assert chosen.reasons[-1] == "overridden by ld:ana: they asked to meet"
    assert ModalityChoice.from_dict(chosen.as_dict()) == chosen
    with pytest.raises(InputError, match="unknown modality 'webinar'"):
        override_modality(proposed, mix=["webinar"], by="x", reason="")
    with pytest.raises(InputError, match="at least one"):
        override_modality(proposed, mix=[], by="x", reason="")


def test_an_unknown_audience_is_said_so_not_called_large() -> None:
    choice = choose_modality(urgency=0.3, nature="knowledge", risk="high", complexity=0.1,
                             audience_size=0)
    assert choice.mix == (Modality.COHORT,)
    assert "audience size not known" in choice.reasons[0]
