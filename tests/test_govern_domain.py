"""Govern's pure rules: the state machine, the policy (tiers, parsing), gates, diffs and cycle
times, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from learnloop.config import Settings
from learnloop.domain.govern.cycle_times import Decision, Transition, cycle_times
from learnloop.domain.govern.diff import diff_bodies
from learnloop.domain.govern.gates import (
    Approval,
    auto_publish_reason,
    gate_status,
    refuse_own_work,
)
from learnloop.domain.govern.policy import TierSignals, assign_tier, parse_policy
from learnloop.domain.govern.states import ReviewAction, ReviewState, next_state
from learnloop.errors import ConflictError, ForbiddenError, InputError
from learnloop.governance.policy_file import load_policy

POLICY = load_policy()


def _signals(**overrides: object) -> TierSignals:
    values = {"source_key": "s", "source_kind": "other", "source_owner": "", "need_risk": None,
              "component_kind": "summary", "text": "Call the customer back."}
    return TierSignals(**{**values, **overrides})


def test_states_move_only_along_the_review_path() -> None:
    assert next_state("draft", "submit") is ReviewState.IN_REVIEW
    assert next_state("in_review", "approve") is ReviewState.APPROVED
    assert next_state("approved", "publish") is ReviewState.PUBLISHED
    assert next_state("published", "retire") is ReviewState.RETIRED
    assert next_state("in_review", "request_changes") is ReviewState.CHANGES_REQUESTED
    assert next_state("changes_requested", "submit") is ReviewState.IN_REVIEW
    with pytest.raises(ConflictError, match="cannot publish a component that is in review"):
        next_state("in_review", ReviewAction.PUBLISH)
    with pytest.raises(ConflictError, match="already retired"):
        next_state("retired", "retire")


def test_the_riskiest_matching_tier_wins_and_says_why() -> None:
    assert assign_tier(POLICY, _signals(source_kind="policy")).tier == "compliance"
    owner = assign_tier(POLICY, _signals(source_owner="Legal team"))
    assert owner.tier == "compliance" and "mentions 'legal'" in owner.reasons[0]
    risky_need = assign_tier(POLICY, _signals(need_risk="high"))
    assert risky_need == assign_tier(POLICY, _signals(need_risk="high"))
    assert risky_need.reasons == ("the need's risk is high",)
    words = assign_tier(POLICY, _signals(text="Follow the safety rule."))
    assert words.tier == "compliance" and "'safety'" in words.reasons[0]
    # a word inside another word is not the word
    assert assign_tier(POLICY, _signals(text="legally")).tier == "internal_tip"
    assert assign_tier(POLICY, _signals(source_kind="product")).tier == "customer_facing"
    assert assign_tier(POLICY, _signals()).tier == "internal_tip"


def test_a_wrong_policy_is_refused_naming_each_problem() -> None:
    with pytest.raises(InputError) as refused:
        parse_policy({"default_tier": "nope", "tiers": [
            {"name": "a", "approvals": [{"roles": ["boss"]}]}]}, file="policy.yaml")
    text = "\n".join(str(problem) for problem in refused.value.problems)
    assert "unknown role 'boss'" in text
    with pytest.raises(InputError) as refused:
        parse_policy({"default_tier": "nope", "tiers": [{"name": "a", "auto_publish": True}]})
    assert "default_tier 'nope'" in str(refused.value.problems[0])
    with pytest.raises(InputError):
        parse_policy({"default_tier": "a", "tiers": [{"name": "a"}]})  # no way to publish


def test_the_gate_counts_each_person_once_and_names_what_is_missing() -> None:
    compliance = POLICY.tier("compliance")
    nobody = gate_status(compliance, [])
    assert nobody.missing == ("1 approval from reviewer", "1 approval from ld or admin")
    one = gate_status(compliance, [Approval("sam", "reviewer"), Approval("sam", "ld")])
    assert one.missing == ("1 approval from ld or admin",) and not one.satisfied
    both = gate_status(compliance, [Approval("sam", "reviewer"), Approval("lee", "ld")])
    assert both.satisfied and [a.actor for a in both.counted] == ["sam", "lee"]
    # an admin approval goes to the rule only admins and ld fit, not to the reviewer's
    wrong = gate_status(compliance, [Approval("ada", "admin"), Approval("ann", "admin")])
    assert wrong.missing == ("1 approval from reviewer",)


def test_auto_publish_needs_the_tier_and_every_check_passed() -> None:
    tip, compliance = POLICY.tier("internal_tip"), POLICY.tier("compliance")
    allowed, why = auto_publish_reason(tip, {"passed": True, "problems": [],
                                             "grounded_share": 1.0})
    assert allowed and "every quality check passes" in why and "100%" in why
    assert auto_publish_reason(tip, {"passed": False, "problems": ["link to evil.example"]}) \
        == (False, "checks failed: link to evil.example")
    assert auto_publish_reason(tip, None)[0] is False
    assert auto_publish_reason(compliance, {"passed": True})[0] is False


def test_nobody_approves_their_own_work() -> None:
    with pytest.raises(ForbiddenError, match="nobody reviews their own work"):
        refuse_own_work("token:lena", authors=["token:lena"], action="approve")
    refuse_own_work("token:sam", authors=["token:lena"], action="approve")


def test_the_diff_shows_the_changed_words_per_item() -> None:
    before = {"kind": "summary", "title": "T", "sentences": [
        {"text": "Refunds are paid within 14 days.", "citations": [{"chunk_id": "c1",
                                                                    "quote": "q"}]},
        {"text": "Credits go on the next invoice.", "citations": []}]}
    after = {"kind": "summary", "title": "T", "sentences": [
        {"text": "Refunds are paid within 30 days.", "citations": [{"chunk_id": "c9",
                                                                    "quote": "q2"}]},
        {"text": "Credits go on the next invoice.", "citations": []},
        {"text": "A new rule.", "citations": []}]}
    changes = diff_bodies(before, after)
    assert [(c.change, c.path) for c in changes] == [("changed", "sentences[0].text"),
                                                     ("added", "sentences[2].text")]
    words = {(w.op, w.text) for w in changes[0].words}
    assert ("removed", "14") in words and ("added", "30") in words
    assert diff_bodies(after, after) == []


def test_cycle_times_per_state_tier_and_reviewer() -> None:
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    at = lambda hours: start + timedelta(hours=hours)  # noqa: E731
    moves = [Transition(1, "compliance", None, "draft", "lena", at(0)),
             Transition(1, "compliance", "draft", "in_review", "lena", at(2)),
             Transition(1, "compliance", "in_review", "approved", "lee", at(26)),
             Transition(1, "compliance", "approved", "published", "lee", at(27)),
             Transition(2, "compliance", None, "draft", "lena", at(0)),
             Transition(2, "compliance", "draft", "in_review", "lena", at(1))]
    decisions = [Decision(1, "sam", "approve", at(14)), Decision(1, "lee", "approve", at(26))]
    times = cycle_times(moves, decisions, now=at(11)).to_dict()
    states = {span["state"]: span for span in times["tiers"]["compliance"]["states"]}
    assert states["draft"]["median_hours"] == 1.5  # 2 h and 1 h
    assert states["in_review"]["count"] == 2 and states["in_review"]["open"] == 1
    assert states["approved"]["total_hours"] == 1.0
    assert times["tiers"]["compliance"]["to_publish"]["median_hours"] == 27.0
    assert times["reviewers"]["sam"]["hours_to_decide"]["median_hours"] == 12.0
    assert times["reviewers"]["lee"]["approvals"] == 1


def test_the_documented_example_policy_is_the_default_and_loads(tmp_path) -> None:
    example = Path(__file__).resolve().parents[1] / "docs" / "examples" / "review-policy.yaml"
    assert load_policy(Settings(home=tmp_path, review_policy=example)) == POLICY
    broken = tmp_path / "policy.yaml"
    broken.write_text("default_tier: x\ntiers: []\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_policy(Settings(home=tmp_path, review_policy=broken))
    assert "policy.yaml:tiers" in str(refused.value.problems[0])
