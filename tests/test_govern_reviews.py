"""The review service on the demo's sources: tiers, gates, auto-publishing, self-approval,
change requests, anchored comments, transition events and cycle times."""

from __future__ import annotations

from pathlib import Path

import pytest

from govern_support import AUTHOR, packs_for_demo_sources
from learnloop.domain.govern.records import Anchor
from learnloop.errors import ConflictError, ForbiddenError, InputError
from learnloop.governance import reviews
from learnloop.governance.policy_file import load_policy
from learnloop.governance.queue import review_cycle_times, review_queue
from learnloop.store.event_log import EventLog
from learnloop.workspace import Workspace

POLICY = load_policy()
SOURCES = ("refunds-and-credits-policy", "coldchain-product-sheet",
           "sme-interview-excursion-cases")


@pytest.fixture
def demo(sqlite_workspace: Workspace, tmp_path: Path):
    made = packs_for_demo_sources(sqlite_workspace, tmp_path / "sources")
    with sqlite_workspace.session() as session:
        yield session, sqlite_workspace.organisation(session, None).id, made


def _act(session, org, action, component_id, **arguments):
    return getattr(reviews, action)(session, organisation_id=org, component_id=component_id,
                                    policy=POLICY, **arguments)


def test_each_component_gets_its_tier_from_source_need_and_content(demo) -> None:
    session, org, made = demo
    rows = {row["component_id"]: row for row in review_queue(
        session, organisation_id=org, policy=POLICY, states=["draft", "published"])}
    policy_rows = [rows[item] for item in made["refunds-and-credits-policy"]]
    assert {row["tier"] for row in policy_rows} == {"compliance"}
    assert all(row["state"] == "draft" for row in policy_rows)
    product = {rows[item]["kind"]: rows[item] for item in made["coldchain-product-sheet"]}
    assert product["summary"]["tier"] == "customer_facing"
    # the product sheet's manager brief speaks of safety: its content raises its tier
    assert product["manager_brief"]["tier"] == "compliance"
    view = _act(session, org, "review_view", made["coldchain-product-sheet"][-1])
    assert "content mentions 'safety'" in view.review.tier_reasons


def test_low_risk_content_whose_checks_pass_is_auto_published_saying_why(demo) -> None:
    session, org, made = demo
    for component_id in made["sme-interview-excursion-cases"]:
        view = _act(session, org, "review_view", component_id)
        assert view.review.tier == "internal_tip" and view.component.checks["passed"]
        assert view.review.state == "published"
        assert view.review.note.startswith("auto-published: tier internal_tip allows it when "
                                           "every quality check passes")
    moves = EventLog(session, org).about("component", str(made["sme-interview-excursion-cases"][0]),
                                         kinds=["review.transitioned"])
    assert [(event.payload["to"], event.actor) for event in moves] == [
        ("draft", AUTHOR), ("in_review", "policy"), ("approved", "policy"),
        ("published", "policy")]


def test_compliance_needs_its_approvals_and_says_what_is_missing(demo) -> None:
    session, org, made = demo
    quiz = made["refunds-and-credits-policy"][3]
    with pytest.raises(ConflictError, match=r"missing 1 approval from reviewer; 1 approval "
                                            r"from ld or admin; submit it for review first"):
        _act(session, org, "publish", quiz, actor="token:lee-ld", role="ld")
    _act(session, org, "submit", quiz, actor=AUTHOR, role="ld")
    with pytest.raises(ForbiddenError, match="nobody reviews their own work"):
        _act(session, org, "approve", quiz, actor=AUTHOR, role="ld")
    view = _act(session, org, "approve", quiz, actor="token:sam-sme", role="reviewer")
    assert view.review.state == "in_review"
    assert view.message == "approval recorded; still missing: 1 approval from ld or admin"
    with pytest.raises(ConflictError, match=r"\(compliance tier, in review\): missing 1 "
                                            r"approval from ld or admin$"):
        _act(session, org, "publish", quiz, actor="token:lee-ld", role="ld")
    with pytest.raises(ConflictError, match="already approved"):
        _act(session, org, "approve", quiz, actor="token:sam-sme", role="reviewer")
    view = _act(session, org, "approve", quiz, actor="token:lee-ld", role="ld")
    assert view.review.state == "approved" and view.gate.satisfied
    view = _act(session, org, "publish", quiz, actor="token:lee-ld", role="ld")
    assert view.review.state == "published"
    with pytest.raises(ForbiddenError, match="learner role cannot act"):
        _act(session, org, "approve", made["refunds-and-credits-policy"][0],
             actor="token:leo", role="learner")


def test_changes_requested_start_a_new_round_where_old_approvals_do_not_count(demo) -> None:
    session, org, made = demo
    summary = made["refunds-and-credits-policy"][0]
    _act(session, org, "submit", summary, actor=AUTHOR, role="ld")
    _act(session, org, "approve", summary, actor="token:sam-sme", role="reviewer")
    with pytest.raises(InputError, match="say which changes"):
        _act(session, org, "request_changes", summary, actor="token:lee-ld", role="ld",
             note=" ")
    view = _act(session, org, "request_changes", summary, actor="token:lee-ld", role="ld",
                note="The second sentence needs the deadline.")
    assert view.review.state == "changes_requested"
    view = _act(session, org, "submit", summary, actor=AUTHOR, role="ld")
    assert view.review.round == 2
    assert view.gate.missing == ("1 approval from reviewer", "1 approval from ld or admin")


def test_comments_are_anchored_to_an_item_field_or_span(demo) -> None:
    session, org, made = demo
    quiz = made["refunds-and-credits-policy"][3]
    view = _act(session, org, "comment", quiz, actor="token:sam-sme", role="reviewer",
                text="Distractor too close.", anchor=Anchor(field="questions[0].options[1]"))
    stem = view.component.body["questions"][0]["stem"]
    view = _act(session, org, "comment", quiz, actor="token:sam-sme", role="reviewer",
                text="Clearer word?", anchor=Anchor(item=0, start=0, end=5))
    first, second = view.review.comments
    assert first.quoted == view.component.body["questions"][0]["options"][1]
    assert second.quoted == view.items[0]["text"][:5] and second.anchor.describe() == \
        "item 0, characters 0–5"
    assert stem
    with pytest.raises(InputError, match="no field 'questions\\[9\\].stem'"):
        _act(session, org, "comment", quiz, actor="token:sam-sme", role="reviewer", text="x",
             anchor=Anchor(field="questions[9].stem"))
    with pytest.raises(InputError, match="outside the text"):
        _act(session, org, "comment", quiz, actor="token:sam-sme", role="reviewer", text="x",
             anchor=Anchor(item=0, start=0, end=100000))


def test_cycle_times_come_from_the_transition_events(demo) -> None:
    session, org, made = demo
    summary = made["refunds-and-credits-policy"][0]
    _act(session, org, "submit", summary, actor=AUTHOR, role="ld")
    _act(session, org, "approve", summary, actor="token:sam-sme", role="reviewer")
    times = review_cycle_times(session, organisation_id=org).to_dict()
    assert set(times["tiers"]) == {"compliance", "customer_facing", "internal_tip"}
    assert times["tiers"]["internal_tip"]["to_publish"]["count"] == 7
    assert times["reviewers"]["token:sam-sme"]["approvals"] == 1



def test_an_agents_draft_belongs_to_whoever_ran_the_loop(sqlite_workspace: Workspace,
                                                         tmp_path: Path) -> None:
    from govern_support import demo_sources
    from import_support import import_into
    from learnloop.agents.base import AgentReport
    from learnloop.agents.loop import run_loop
    from learnloop.domain.content.components import ComponentKind
    from learnloop.generation import generate_pack
    from learnloop.llm.offline import OfflineEngine

    import_into(sqlite_workspace, kind="sources", path=demo_sources(tmp_path / "sources"))
    written: list[int] = []

    class Writer:  # an agent that writes one component, as the content agent does
        name, stage, description = "writer", "create", "writes a summary"

        def run(self, context):  # noqa: ANN001, ANN202
            made = generate_pack(context.session, organisation_id=context.organisation_id,
                                 source="refunds-and-credits-policy", engine=OfflineEngine(),
                                 actor=context.actor, requested_by=context.requested_by,
                                 kinds=[ComponentKind.SUMMARY],
                                 settings=sqlite_workspace.settings)
            written.extend(component.id for component in made.pack.components)
            return AgentReport(agent=self.name, summary="one summary")

    with sqlite_workspace.session() as session:
        org = sqlite_workspace.organisation(session).id
        ran = run_loop(session, organisation_id=org, agents=[Writer()], actor="token:lee-ld")
        assert ran.failures == {}
        review = reviews.review_view(session, organisation_id=org, component_id=written[0],
                                     policy=POLICY).review
        assert review.authors == ("token:lee-ld",)
        _act(session, org, "submit", written[0], actor="token:lee-ld", role="ld")
        with pytest.raises(ForbiddenError, match="own work"):
            _act(session, org, "approve", written[0], actor="token:lee-ld", role="ld")


def test_a_draft_says_why_it_was_not_published_by_itself(demo) -> None:
    session, org, made = demo
    view = _act(session, org, "review_view", made["refunds-and-credits-policy"][0])
    assert view.review.note == ("not auto-published: tier compliance requires people's "
                                "approval")
