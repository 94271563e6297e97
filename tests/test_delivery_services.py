"""The delivery services on a small organisation: FSRS schedules from known answers, plans with a
stratified hold-out that receives nothing, caps and quiet hours, learner interactions recorded as
xAPI statements, "not relevant" fed back, and a webhook signal tripping a rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from delivery_support import MESSAGE, WHY, delivery_workspace, queue
from learnloop.delivery.interactions import Answer, interact
from learnloop.delivery.moments import add_rule, signals_tripped
from learnloop.delivery.plans import adjust_plan, approve_plan, make_plan, plan_status, send_plan
from learnloop.delivery.reinforcement import add_reviews, answer_review
from learnloop.domain.delivery.messages import Interaction
from learnloop.domain.delivery.reviews import ReviewPrompt
from learnloop.domain.delivery.scheduling import QuietHours, next_allowed, schedule_person
from learnloop.domain.needs import draft_need
from learnloop.errors import ConflictError, InputError
from learnloop.jobs import JobQueue
from learnloop.store import tables
from learnloop.store.deliveries import deliveries
from learnloop.store.event_log import EventLog
from learnloop.store.interventions import assignment
from learnloop.store.needs import save_needs
from learnloop.store.people import person_id_by_key

MONDAY_9 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def workspace(tmp_path):
    opened = delivery_workspace(tmp_path / "home")
    yield opened
    opened.close()


def _org(workspace, session):
    return workspace.organisation(session).id


# -- FSRS ----------------------------------------------------------------------------------------

def test_fsrs_moves_the_next_due_date_with_each_known_answer(workspace) -> None:
    prompts = [ReviewPrompt("q1", "question", "Which step comes first?", "1",
                            ("Quote", "Ask what changed", "Close"))]
    with workspace.session() as session:
        org = _org(workspace, session)
        assert add_reviews(session, organisation_id=org, person_keys=["leo"], prompts=prompts,
                           now=MONDAY_9) == 1
        leo = person_id_by_key(session, organisation_id=org, key="leo")
        item = session.scalar(select(tables.ReviewItem.id))
        due, at = [], MONDAY_9
        # right, right, right, wrong, right: the dates FSRS-6's default parameters give
        for answer in ("1", "1", "1", "0", "1"):
            state = answer_review(session, organisation_id=org, person_id=leo, item_id=item,
                                  answer=answer, now=at, actor="test")
            due.append(state.due)
            at = state.due
    assert due == [MONDAY_9 + timedelta(minutes=10),
                   datetime(2026, 1, 7, 9, 10, tzinfo=UTC),
                   datetime(2026, 1, 18, 9, 10, tzinfo=UTC),
                   datetime(2026, 1, 18, 9, 20, tzinfo=UTC),  # wrong: relearn in ten minutes
                   datetime(2026, 1, 20, 9, 20, tzinfo=UTC)]


def test_a_flashcard_is_rated_by_the_learner_and_a_bad_rating_is_refused(workspace) -> None:
    with workspace.session() as session:
        org = _org(workspace, session)
        add_reviews(session, organisation_id=org, person_keys=["leo"], now=MONDAY_9,
                    prompts=[ReviewPrompt("c1", "flashcard", "A renewal starts ___", "early")])
        leo = person_id_by_key(session, organisation_id=org, key="leo")
        item = session.scalar(select(tables.ReviewItem.id))
        with pytest.raises(InputError, match="again, hard, good or easy"):
            answer_review(session, organisation_id=org, person_id=leo, item_id=item,
                          rating="perfect", now=MONDAY_9, actor="test")
        easy = answer_review(session, organisation_id=org, person_id=leo, item_id=item,
                             rating="easy", now=MONDAY_9, actor="test")
    assert easy.due - MONDAY_9 >= timedelta(days=7)


# -- scheduling ----------------------------------------------------------------------------------

def test_quiet_hours_are_in_the_persons_own_time_zone() -> None:
    quiet = QuietHours.parse("20-08")
    # 05:00 UTC is 06:00 in Berlin (quiet) and 00:00 in New York (quiet)
    at = datetime(2026, 1, 5, 5, 0, tzinfo=UTC)
    assert next_allowed(at, time_zone="Europe/Berlin", quiet=quiet) == datetime(
        2026, 1, 5, 7, 0, tzinfo=UTC)
    assert next_allowed(at, time_zone="America/New_York", quiet=quiet) == datetime(
        2026, 1, 5, 13, 0, tzinfo=UTC)
    assert next_allowed(MONDAY_9, time_zone="UTC", quiet=quiet) == MONDAY_9


def test_the_weekly_cap_pushes_nudges_to_a_later_week() -> None:
    sends = schedule_person(4, start=MONDAY_9, spacing=timedelta(days=1), time_zone="UTC",
                            quiet=QuietHours.parse("20-08"), weekly_cap=2)
    times = [s.send_at for s in sends]
    assert times[:2] == [MONDAY_9, MONDAY_9 + timedelta(days=1)]
    for when in times:  # never more than two in any seven days
        assert sum(when - timedelta(days=7) < other <= when for other in times) <= 2


# -- plans ---------------------------------------------------------------------------------------

def _need(workspace, *, people=("leo", "lea", "ivy", "mia", "max", "ola")) -> None:
    with workspace.session() as session:
        save_needs(session, organisation_id=_org(workspace, session), needs=[draft_need(
            "renewals-gap", "Renewal conversations", reason="Renewals fell in Sales.",
            person_keys=tuple(people), skill_key="negotiation", gap=1.2, gap_lower=0.8,
            gap_upper=1.6, kpi_metric="renewal_rate", kpi_direction="up", confidence=0.8)])


def test_a_plan_holds_out_people_who_then_receive_nothing(workspace) -> None:
    _need(workspace)
    with workspace.session() as session:
        org = _org(workspace, session)
        plan = make_plan(session, organisation_id=org, settings=workspace.settings,
                         need_key="renewals-gap", holdout_fraction=0.5, seed=3, key="p1",
                         start=MONDAY_9, actor="test")
        assert (plan.treated, plan.held_out) == (3, 3)
        assert plan.why.need == "Renewal conversations" and plan.why.evidence
        with pytest.raises(ConflictError, match="approve it first"):
            send_plan(session, organisation_id=org, settings=workspace.settings, key="p1",
                      actor="test")
        approved = approve_plan(session, organisation_id=org, key="p1", actor="test")
        groups = assignment(session, organisation_id=org,
                            intervention_id=approved.intervention_id).groups
        assert {k: str(v) for k, v in groups.items()} == plan.groups
        queued = send_plan(session, organisation_id=org, settings=workspace.settings,
                           key="p1", actor="test")
        assert len(queued) == 3
        again = send_plan(session, organisation_id=org, settings=workspace.settings,
                          key="p1", actor="test")
        assert again == []  # sending twice queues nothing new
        sent_to = {d.person_key for d in deliveries(session, organisation_id=org, plan_key="p1")}
        held = {key for key, group in plan.groups.items() if group == "holdout"}
        assert sent_to.isdisjoint(held) and len(sent_to) == 3
        status = plan_status(session, organisation_id=org, key="p1")
        assert status["deliveries"] == {"pending": 3} and status["held_out"] == 3
        kinds = [e.kind for e in EventLog(session, org).about("delivery_plan", "p1")]
        assert kinds == ["delivery.plan_created", "delivery.plan_approved",
                         "delivery.plan_sent", "delivery.plan_sent"]


def test_a_draft_can_be_adjusted_and_the_adjustment_is_an_event(workspace) -> None:
    _need(workspace)
    with workspace.session() as session:
        org = _org(workspace, session)
        make_plan(session, organisation_id=org, settings=workspace.settings,
                  need_key="renewals-gap", key="p2", start=MONDAY_9, actor="test")
        adjusted = adjust_plan(session, organisation_id=org, settings=workspace.settings,
                               key="p2", actor="ld", holdout_fraction=0.5,
                               exclude=("max", "ola"), title="Before your next renewal", steps=2)
        # four people left, all in sales: half of them held out, exactly
        assert (adjusted.treated, adjusted.held_out) == (2, 2)
        assert "ola" not in adjusted.groups
        assert adjusted.message.title == "Before your next renewal"
        assert all(len(p.send_at) == 2 for p in adjusted.planned)
        [event] = EventLog(session, org).recent(kinds=["delivery.plan_adjusted"])
        assert event.actor == "ld" and event.payload["excluded"] == ["max", "ola"]
        with pytest.raises(InputError):
            adjust_plan(session, organisation_id=org, settings=workspace.settings, key="p2",
                        actor="ld", holdout_fraction=1.5)


# -- interactions --------------------------------------------------------------------------------

def test_interactions_are_recorded_as_xapi_statements_and_not_relevant_feeds_back(
        workspace) -> None:
    [delivery_id] = queue(workspace)
    JobQueue(workspace).deliver([delivery_id])
    with workspace.session() as session:
        org = _org(workspace, session)
        common = {"organisation_id": org, "delivery_id": delivery_id, "actor": "token:leo",
                  "public_url": "http://learnloop.test"}
        with pytest.raises(InputError, match="1 to 5"):
            interact(session, action=Interaction.RATE, answer=Answer(rating=9), **common)
        interact(session, action=Interaction.OPEN, **common)
        interact(session, action=Interaction.RATE, answer=Answer(rating=4, comment="useful"),
                 **common)
        found = interact(session, action=Interaction.NOT_RELEVANT, **common)
        assert (found.rating, found.comment) == (4, "useful")
        assert found.opened_at is not None and found.not_relevant_at is not None
        verbs = [row.verb_id for row in session.scalars(select(tables.XapiStatement))]
        assert verbs == ["http://id.tincanapi.com/verb/viewed",
                         "http://id.tincanapi.com/verb/rated",
                         "https://w3id.org/learnloop/verbs/not-relevant"]
        [feedback] = EventLog(session, org).recent(kinds=["delivery.not_relevant"])
        assert feedback.payload["person"] == "leo"


def test_a_delivery_not_yet_sent_cannot_be_acted_on(workspace) -> None:
    [delivery_id] = queue(workspace)
    with workspace.session() as session, pytest.raises(ConflictError):
        interact(session, organisation_id=_org(workspace, session), delivery_id=delivery_id,
                 action=Interaction.OPEN, actor="t", public_url="http://x")


# -- moment of need ------------------------------------------------------------------------------

def test_a_signal_below_a_threshold_reaches_the_person_once(workspace) -> None:
    with workspace.session() as session:
        org = _org(workspace, session)
        add_rule(session, organisation_id=org, key="low-csat", metric="csat", trigger="below",
                 threshold=3.0, title="A tough call?", text="Two lines that help.", actor="t")
        signal = {"id": "s1", "metric": "csat", "subject_type": "person", "subject": "leo",
                  "value": 2.1, "observed_at": "2026-01-05T09:00:00Z"}
        fine = {**signal, "id": "s2", "value": 4.5}
        queued = signals_tripped(session, organisation_id=org, settings=workspace.settings,
                                 signals=[signal, fine])
        assert len(queued) == 1
        assert signals_tripped(session, organisation_id=org, settings=workspace.settings,
                               signals=[signal]) == []  # the same signal resent
        team = {**signal, "id": "s3", "subject_type": "team", "subject": "ops"}
        assert len(signals_tripped(session, organisation_id=org, settings=workspace.settings,
                                   signals=[team])) == 2  # max and ola
        with pytest.raises(InputError, match="threshold"):
            add_rule(session, organisation_id=org, key="bad", metric="csat", trigger="below",
                     threshold=None, title="x", text="", actor="t")


def test_message_and_why_survive_storage(workspace) -> None:
    [delivery_id] = queue(workspace)
    with workspace.session() as session:
        [found] = deliveries(session, organisation_id=_org(workspace, session))
    assert found.id == delivery_id
    assert found.message.title == MESSAGE.title and found.why.evidence == WHY.evidence


FLASHCARDS = {"kind": "flashcards", "title": "Renewal words", "cards": [
    {"front": "A renewal call starts by asking what ___ since signing.", "back": "changed",
     "citations": [{"chunk_id": "c1", "quote": "Ask what changed since they signed."}]}]}


def test_a_plans_flashcards_become_review_items_for_the_treated_and_are_announced(
        workspace) -> None:
    from learnloop.delivery.reinforcement import announce_due, due_for

    _need(workspace)
    with workspace.session() as session:
        org = _org(workspace, session)
        with pytest.raises(InputError, match="flashcards or knowledge_check"):
            make_plan(session, organisation_id=org, settings=workspace.settings,
                      need_key="renewals-gap", key="bad", reviews=[{"kind": "summary"}],
                      actor="t")
        plan = make_plan(session, organisation_id=org, settings=workspace.settings,
                         need_key="renewals-gap", key="p3", holdout_fraction=0.5, seed=3,
                         start=MONDAY_9, reviews=[FLASHCARDS], actor="t")
        approve_plan(session, organisation_id=org, key="p3", actor="t")
        send_plan(session, organisation_id=org, settings=workspace.settings, key="p3",
                  actor="t")
        treated = {k for k, g in plan.groups.items() if g == "treated"}
        for person, group in plan.groups.items():
            pid = person_id_by_key(session, organisation_id=org, key=person)
            assert len(due_for(session, organisation_id=org, person_id=pid)) == (
                1 if group == "treated" else 0)
        announced = announce_due(session, organisation_id=org, settings=workspace.settings)
        assert len(announced) == len(treated)
        assert announce_due(session, organisation_id=org, settings=workspace.settings) == []


def test_a_new_detection_on_a_rules_metric_reaches_the_people_below_the_level(
        workspace) -> None:
    from learnloop.delivery.moments import detections_tripped

    with workspace.session() as session:
        org = _org(workspace, session)
        add_rule(session, organisation_id=org, key="renewal-dip", metric="renewal_rate",
                 trigger="detection", threshold=None, title="Renewals are slipping",
                 text="A five-minute refresher.", actor="t")
        EventLog(session, org).record(
            "sensing.detected", actor="agent:sensing", subject_type="team", subject_id="sales",
            payload={"detection_id": 9, "reason": "Renewals fell after week 12.",
                     "series": {"team": "sales", "metric": "renewal_rate"},
                     "affected_people": {"below_required": ["leo", "lea"]}})
        queued = detections_tripped(session, organisation_id=org, settings=workspace.settings)
        assert len(queued) == 2
        assert detections_tripped(session, organisation_id=org,
                                  settings=workspace.settings) == []  # seen already
        found = deliveries(session, organisation_id=org)
        assert {d.person_key for d in found} == {"leo", "lea"}
        assert found[0].why.evidence == ("Renewals fell after week 12.",)


def test_erasing_a_person_removes_their_deliveries_reviews_and_practice(workspace) -> None:
    from delivery_support import add_matrix_deliveries
    from learnloop.privacy import erase_person

    add_matrix_deliveries(workspace)
    with workspace.session() as session:
        erase_person(session, organisation_id=_org(workspace, session), key="leo", actor="t")
    with workspace.session() as session:
        for table in (tables.Delivery, tables.ReviewItem, tables.PracticeAttempt):
            assert session.scalars(select(table)).all() == []
        groups = [plan.assignment["groups"] for plan in session.scalars(
            select(tables.DeliveryPlan))]
        assert all("leo" not in found for found in groups)


def test_a_plan_carries_only_published_components(workspace) -> None:
    from content_support import add_sample_pack
    from learnloop.delivery.reinforcement import due_for
    from learnloop.demo.reviews import publish_for_delivery
    from learnloop.store.content import pack

    _need(workspace)
    pack_id = add_sample_pack(workspace)
    with workspace.session() as session:
        org = _org(workspace, session)
        components = pack(session, organisation_id=org, pack_id=pack_id).components
        parts = {item.kind: item.id for item in components}
        cards = len(next(item.body["cards"] for item in components if item.kind == "flashcards"))
        carried = [parts["role_play"], parts["flashcards"]]
        with pytest.raises(ConflictError, match="only published components reach learners"):
            make_plan(session, organisation_id=org, settings=workspace.settings,
                      need_key="renewals-gap", key="early", components=carried, actor="t")
        assert publish_for_delivery(session, organisation_id=org, settings=workspace.settings,
                                    component_ids=carried) == carried
        publish_for_delivery(session, organisation_id=org, settings=workspace.settings,
                             component_ids=[parts["summary"]])
        with pytest.raises(InputError, match="summary"):
            make_plan(session, organisation_id=org, settings=workspace.settings,
                      need_key="renewals-gap", key="summary", components=[parts["summary"]],
                      actor="t")
        plan = make_plan(session, organisation_id=org, settings=workspace.settings,
                         need_key="renewals-gap", key="published", holdout_fraction=0.5,
                         seed=3, start=MONDAY_9, components=carried, actor="t")
        assert plan.message.practice is not None
        assert plan.message.practice["kind"] == "role_play"
        assert plan.settings["components"] == carried
        approve_plan(session, organisation_id=org, key="published", actor="t")
        send_plan(session, organisation_id=org, settings=workspace.settings, key="published",
                  actor="t")
        for person, group in plan.groups.items():
            pid = person_id_by_key(session, organisation_id=org, key=person)
            assert len(due_for(session, organisation_id=org, person_id=pid)) == (
                cards if group == "treated" else 0)


def test_inbox_ratings_of_a_plans_deliveries_are_its_level_1_reaction(workspace) -> None:
    from learnloop.agents.analytics import MeasureSettings, measure_intervention
    from learnloop.store.interventions import intervention

    _need(workspace)
    with workspace.session() as session:
        org = _org(workspace, session)
        make_plan(session, organisation_id=org, settings=workspace.settings,
                  need_key="renewals-gap", key="rated", holdout_fraction=0.5, seed=3,
                  start=MONDAY_9, actor="t")
        plan = approve_plan(session, organisation_id=org, key="rated", actor="t")
        queued = send_plan(session, organisation_id=org, settings=workspace.settings,
                           key="rated", actor="t")
    JobQueue(workspace).deliver([delivery_id for delivery_id, _ in queued])
    with workspace.session() as session:
        sent = deliveries(session, organisation_id=org, plan_key="rated")
        for found, rating in zip(sent, (5, 3, 4), strict=False):
            interact(session, organisation_id=org, delivery_id=found.id,
                     action=Interaction.RATE, actor="t", public_url="http://x",
                     answer=Answer(rating=rating, comment="clear" if rating == 5 else None))
        item = intervention(session, organisation_id=org, intervention_id=plan.intervention_id)
        level1 = measure_intervention(session, organisation_id=org, item=item,
                                      settings=MeasureSettings())["levels"]["1"]
    rated = min(len(sent), 3)
    assert level1["sources"] == ["inbox"]
    assert level1["responses"] == rated and level1["treated"] == len(sent)
    assert level1["mean_rating"] == pytest.approx(sum((5, 3, 4)[:rated]) / rated, abs=1e-3)
    assert level1["comments"] == 1
