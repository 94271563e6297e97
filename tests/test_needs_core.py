"""The needs agent's pure core: which evidence becomes which need, how L&D's priorities rank them,
and how a need's status survives the next run."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from learnloop.domain.needs import NeedKind, NeedNature, NeedStatus, draft_need, need_json
from learnloop.domain.needs_candidates import (
    NeedSettings,
    TeamSkillGap,
    candidate_needs,
    nature_of,
)
from learnloop.domain.needs_lifecycle import reconcile, status_problem
from learnloop.domain.needs_ranking import pushed, rank_needs
from learnloop.domain.objectives import Direction, Kpi, Objective
from learnloop.domain.sensing import Cause
from learnloop.domain.sensing.records import DetectionRecord
from learnloop.domain.sensing.teams import Detection
from learnloop.domain.signals import SubjectType
from learnloop.domain.skills import Skill

NOW = datetime(2025, 7, 1, tzinfo=UTC)
SKILLS = {key: Skill(key=key, name=key.replace("_", " ").title(), category=category)
          for key, category in (("refund_policy", "Customer service"),
                                ("triage", "Operations"), ("macros", "Business"),
                                ("filing", "Business"), ("de_escalation", "Customer service"))}
OBJECTIVES = [
    Objective(key="resolve", title="Resolve at first contact", priority=True, weight=0.5,
              kpis=(Kpi("fcr", Direction.UP),), skill_keys=("refund_policy", "triage")),
    Objective(key="efficient", title="Handle efficiently", priority=True, weight=0.1,
              kpis=(Kpi("aht", Direction.DOWN),), skill_keys=("triage",),
              team_keys=("support",)),
    Objective(key="macros-for-all", title="Macros for everyone", priority=False, weight=0.0,
              reason="Nothing depends on it.", owner="Finance", skill_keys=("macros",)),
]


def _gap(team: str, skill: str, *, below: float = 8, people: int = 10, shortfall: float = 1.2,
         critical: bool = False) -> TeamSkillGap:
    return TeamSkillGap(team_key=team, skill_key=skill, role_keys=("agent",), required_level=3,
                        people=people, estimated=people, shortfall=shortfall, shortfall_sd=0.1,
                        below=below, below_lower=below - 1, below_upper=below + 1,
                        critical=critical, single_point=None, change=None,
                        person_keys=tuple(f"{team}-{i}" for i in range(int(below))))


def _detection(team: str, metric: str, cause: Cause, *, skill: str | None = None,
               linked: tuple[str, ...] = (), detection_id: int = 1) -> DetectionRecord:
    found = Detection(
        subject_type=SubjectType.TEAM, subject_key=team, metric=metric, direction="dip",
        baseline_level=80.0, baseline_sd=1.0, baseline_from=date(2025, 1, 6),
        baseline_to=date(2025, 3, 31), observed_level=72.0, effect=-8.0, effect_sd=8.0,
        confidence=0.98, change_start=date(2025, 4, 7), detected_at=date(2025, 4, 21),
        statistic=5.0, change_week=0, detected_week=2)
    return DetectionRecord(id=detection_id, detection=found, cause=cause,
                           reason=f"Diagnosed {cause.value}.", skill=skill,
                           evidence={"linked_skills": list(linked)}, created_at=NOW)


def _queue(gaps, detections=(), *, objectives=OBJECTIVES[:2], **kwargs):
    """The ranked needs; by default without the not-priority request (it would add a need)."""
    found = candidate_needs(objectives=objectives, detections=list(detections), gaps=gaps,
                            skills=SKILLS, team_people={"support": 10, "sales": 12,
                                                        "finance": 6}, now=NOW, **kwargs)
    return rank_needs([replace(n, status=NeedStatus.OPEN) for n in found], objectives)


def test_a_skill_dip_with_a_gap_is_a_training_need_that_names_its_evidence() -> None:
    queue = _queue([_gap("support", "refund_policy"), _gap("support", "triage", below=1)],
                   [_detection("support", "fcr", Cause.SKILL, skill="refund_policy",
                               linked=("refund_policy", "triage"))])
    top = queue[0]
    assert (top.kind, top.skill_key, top.detection_id, top.rank) == (
        NeedKind.TRAINING, "refund_policy", 1, 1)
    assert top.kpi_metric == "fcr" and top.kpi_direction == "up" and top.weight == 0.5
    for words in ("fcr in support moved from 80 to 72", "8 of 10 people", "1.2 levels short",
                  "'Resolve at first contact' (weight 0.50)"):
        assert words in top.reason
    # triage has 1 person below: not material, so no need for it
    assert [n.skill_key for n in queue] == ["refund_policy"]


@pytest.mark.parametrize(("cause", "gaps", "words"), [
    (Cause.PROCESS, [], "Diagnosed process. Investigate before training."),
    (Cause.UNKNOWN, [], "The cause is unknown, so training may not fix it"),
    (Cause.SKILL, [_gap("support", "triage", below=0.5, shortfall=0.05)],
     "the team is at the level its roles ask"),
])
def test_a_dip_training_will_not_fix_is_investigate_before_training(cause, gaps, words) -> None:
    [need] = _queue(gaps, [_detection("support", "aht", cause, skill="triage",
                                      linked=("triage",))])
    assert need.kind is NeedKind.INVESTIGATE and words in need.reason
    assert need.kpi_metric == "aht" and need.kpi_direction == "down" and need.person_keys == ()
    assert pushed(need) and need.objective_key == "efficient"


def test_skills_no_priority_names_are_not_pushed_and_rank_below_every_pushed_need() -> None:
    queue = _queue([_gap("sales", "macros", below=12, people=12, shortfall=2.5),
                    _gap("finance", "filing", below=6, people=6, shortfall=2.0, critical=True),
                    _gap("finance", "de_escalation", below=6, people=6, shortfall=2.0),
                    _gap("support", "triage", below=3, shortfall=0.4)],
                   objectives=OBJECTIVES)
    by_skill = {n.skill_key: n for n in queue}
    assert "de_escalation" not in by_skill  # no objective names it and it is not critical
    assert [n.skill_key for n in queue if pushed(n)] == ["triage"]
    assert by_skill["triage"].rank == 1
    assert "Not pushed: L&D recorded 'Macros for everyone' as not a business priority: " \
           "Nothing depends on it." in by_skill["macros"].reason
    assert "Not pushed: no priority objective names filing." in by_skill["filing"].reason
    assert all(n.score == 0 for n in queue if not pushed(n))
    # the not-priority request itself is listed once its skill's gaps do not cover everyone
    assert any(n.key == "request:macros-for-all:macros" for n in queue)


def test_ranking_is_gap_times_weight_times_people_times_confidence() -> None:
    queue = _queue([_gap("support", "refund_policy", below=4, shortfall=1.0),
                    _gap("sales", "refund_policy", below=8, people=12, shortfall=1.0)])
    assert [n.team_keys for n in queue] == [("sales",), ("support",)]
    assert queue[0].score == pytest.approx(2 * queue[1].score, rel=1e-3)
    # L&D halves the weight: the order stays, the scores halve
    halved = [replace(o, weight=o.weight / 2) for o in OBJECTIVES]
    assert rank_needs(queue, halved)[0].score == pytest.approx(queue[0].score / 2)


def test_a_flagged_skill_kpi_link_is_named_for_review() -> None:
    link = {"objective": "resolve", "skill": "refund_policy", "flagged": True,
            "explanation": "the data does not show refund_policy moves fcr"}
    [need] = _queue([_gap("support", "refund_policy")],
                    kpi_links={("resolve", "refund_policy"): link})
    assert "For L&D to review: the data does not show refund_policy moves fcr" in need.reason


def test_nature_follows_the_skills_words_then_its_category() -> None:
    assert nature_of(SKILLS["refund_policy"]) is NeedNature.KNOWLEDGE
    assert nature_of(SKILLS["de_escalation"]) is NeedNature.INTERPERSONAL
    assert nature_of(SKILLS["triage"]) is NeedNature.PROCEDURAL
    assert nature_of(None) is NeedNature.PROCEDURAL


def test_a_rerun_keeps_status_and_reopens_a_dismissal_only_on_material_change() -> None:
    settings = NeedSettings()
    first = _queue([_gap("support", "refund_policy", below=4)])
    dismissed = [replace(n, id=7, status=NeedStatus.DISMISSED, status_reason="not now",
                         status_basis={"people": 4.0, "gap": 1.2, "detection_id": None})
                 for n in first]
    same, changes = reconcile(dismissed, _queue([_gap("support", "refund_policy", below=5)]),
                              gaps={}, now=NOW, settings=settings)
    assert [(n.id, n.status, n.status_reason) for n in same] == [
        (7, NeedStatus.DISMISSED, "not now")] and changes == []
    grown, changes = reconcile(dismissed, _queue([_gap("support", "refund_policy", below=8)]),
                               gaps={}, now=NOW, settings=settings)
    assert grown[0].status is NeedStatus.OPEN and changes[0].what == "reopened"
    assert "grew from 4 to 8" in changes[0].reason


def test_an_active_need_whose_gap_closed_is_resolved_and_an_unseen_one_kept() -> None:
    accepted = [replace(n, id=3, status=NeedStatus.ACCEPTED)
                for n in _queue([_gap("support", "refund_policy")])]
    closed = _gap("support", "refund_policy", below=0.3, shortfall=0.02)
    after, changes = reconcile(accepted, [], gaps={("support", "refund_policy"): closed},
                               now=NOW)
    assert after[0].status is NeedStatus.RESOLVED and "gap has closed" in after[0].status_reason
    assert (changes[0].old_status, changes[0].new_status) == (NeedStatus.ACCEPTED,
                                                              NeedStatus.RESOLVED)
    investigate = draft_need("investigate:support:aht:2025-04-07", "x",
                             kind=NeedKind.INVESTIGATE)
    kept, changes = reconcile([investigate], [], gaps={}, now=NOW)
    assert kept == [investigate] and changes == []


@pytest.mark.parametrize(("current", "wanted", "reason", "allowed"), [
    (NeedStatus.OPEN, NeedStatus.ACCEPTED, "", True),
    (NeedStatus.OPEN, NeedStatus.DISMISSED, "", False),
    (NeedStatus.OPEN, NeedStatus.DISMISSED, "covered elsewhere", True),
    (NeedStatus.DISMISSED, NeedStatus.RESOLVED, "", False),
    (NeedStatus.RESOLVED, NeedStatus.OPEN, "", True),
    (NeedStatus.ACCEPTED, NeedStatus.ACCEPTED, "", True),  # a retry
])
def test_status_moves(current, wanted, reason, allowed) -> None:
    assert (status_problem(current, wanted, reason) is None) is allowed


def test_a_need_as_json_has_plain_values() -> None:
    shown = need_json(draft_need("k", "t", team_keys=("a",), detected_at=date(2025, 4, 7)))
    assert shown["team_keys"] == ["a"] and shown["detected_at"] == "2025-04-07"
    assert shown["status"] == "open" and shown["kind"] == "training"
