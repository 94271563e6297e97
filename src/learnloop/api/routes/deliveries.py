"""The delivery agent over HTTP: a person's inbox (items with their "why", interactions, review
items), and for staff the outbox, channel health, the dead-letter list, plans and rules."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path

from learnloop.api.delivery_schemas import (
    DeliveryOut,
    InboxItem,
    InteractionIn,
    PlanAdjust,
    PlanIn,
    PlanOut,
    PracticeIn,
    PracticeOut,
    PreferencesIn,
    PreferencesOut,
    ReviewAnswerIn,
    ReviewOut,
    RuleIn,
    TurnIn,
)
from learnloop.delivery.interactions import Answer, interact
from learnloop.delivery.moments import add_rule
from learnloop.delivery.outbox import configured_channels
from learnloop.delivery.plans import adjust_plan, approve_plan, make_plan, plan_status, send_plan
from learnloop.delivery.practice import finish_practice, say, start_practice
from learnloop.delivery.reinforcement import answer_review, due_for
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.delivery.messages import Channel, Interaction
from learnloop.domain.delivery.scheduling import QuietHours
from learnloop.domain.scopes import DELIVERIES_WRITE, INBOX_WRITE
from learnloop.errors import ForbiddenError, InputError, Problem
from learnloop.serving.deps import (
    LARGEST_NUMBER,
    JobsDep,
    RoleDocumentedRoute,
    SessionDep,
    StaffDep,
    WorkspaceDep,
    require_roles,
)
from learnloop.serving.errors import error_responses
from learnloop.serving.scopes import require_scope
from learnloop.store.deliveries import channel_health, dead_letter, deliveries, inbox, replay
from learnloop.store.delivery_plans import delivery_plan, delivery_plans
from learnloop.store.delivery_rules import active_rules
from learnloop.store.people import person_key
from learnloop.store.practice import attempt
from learnloop.store.preferences import reach_of, set_preferences

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["delivery"], route_class=RoleDocumentedRoute)

A = AccessRole
Person = Annotated[Principal, require_roles(A.LEARNER, A.MANAGER)]
Staff = StaffDep
DeliveryId = Annotated[int, Path(ge=1, le=LARGEST_NUMBER)]
# routes whose body names something (a need, a delivery) that may not exist answer 404 for it
NAMES_IN_BODY = {404: error_responses(authenticated=True, has_path_parameters=True,
                                      has_body=True, queues_jobs=False)[404]}
PlanKey = Annotated[str, Path(min_length=1, max_length=128)]


def _own(principal: Principal) -> int:
    if principal.person_id is None:
        raise ForbiddenError("this token belongs to no person, so it has no inbox")
    return principal.person_id


@router.get("/inbox", response_model=list[InboxItem])
def my_inbox(session: SessionDep, principal: Person) -> list[InboxItem]:
    """What you were sent, newest first, each with why you are seeing it."""
    return [InboxItem.from_record(found) for found in inbox(
        session, organisation_id=principal.organisation_id, person_id=_own(principal))]


@router.get("/inbox/reviews", response_model=list[ReviewOut])
def my_reviews(session: SessionDep, principal: Person) -> list[ReviewOut]:
    """Review items due now (spaced reinforcement)."""
    return [ReviewOut.from_state(state) for state in due_for(
        session, organisation_id=principal.organisation_id, person_id=_own(principal))]


@router.post("/inbox/reviews/{item_id}", response_model=ReviewOut)
def answer_my_review(
    item_id: Annotated[int, Path(ge=1, le=LARGEST_NUMBER)], body: ReviewAnswerIn,
    session: SessionDep, principal: Person,
    _scoped: Annotated[Principal, require_scope(INBOX_WRITE)],
) -> ReviewOut:
    """Answer a review item (a question's option index, or a flashcard's rating: again, hard,
    good, easy); returns its next due date."""
    return ReviewOut.from_state(answer_review(
        session, organisation_id=principal.organisation_id, person_id=_own(principal),
        item_id=item_id, answer=body.answer, rating=body.rating, actor=principal.actor))


def _preferences(session: SessionDep, principal: Principal) -> PreferencesOut:
    person = person_key(session, organisation_id=principal.organisation_id,
                        person_id=_own(principal))
    reach = reach_of(session, organisation_id=principal.organisation_id,
                     person_keys=[person])[person]
    return PreferencesOut(channels=list(reach.channels), slack_user=reach.slack_user,
                          weekly_cap=reach.weekly_cap, quiet_hours=reach.quiet_hours)


@router.get("/inbox/preferences", response_model=PreferencesOut)
def my_preferences(session: SessionDep, principal: Person) -> PreferencesOut:
    """How you want to be reached; empty values mean the organisation's defaults."""
    return _preferences(session, principal)


@router.put("/inbox/preferences", response_model=PreferencesOut)
def set_my_preferences(
    body: PreferencesIn, session: SessionDep, principal: Person,
    _scoped: Annotated[Principal, require_scope(INBOX_WRITE)],
) -> PreferencesOut:
    """Set your channels in order of preference (inbox, email, slack, teams, webhook), Slack
    user id, weekly cap on nudges and quiet hours (HH-HH, your time zone); omitted: unchanged."""
    if body.channels is not None:
        unknown = sorted(set(body.channels) - {c.value for c in Channel})
        if unknown:
            raise InputError(f"unknown channel {', '.join(unknown)}",
                             [Problem(f"unknown channel {name!r}", field="channels")
                              for name in unknown])
    if body.quiet_hours:
        QuietHours.parse(body.quiet_hours)
    set_preferences(session, organisation_id=principal.organisation_id,
                    person_id=_own(principal), channels=body.channels,
                    slack_user=body.slack_user, weekly_cap=body.weekly_cap,
                    quiet_hours=body.quiet_hours)
    return _preferences(session, principal)


@router.post("/inbox/{delivery_id}/{action}", response_model=InboxItem)
def act_on_item(
    delivery_id: DeliveryId, action: Interaction, body: InteractionIn | None = None, *,
    session: SessionDep, workspace: WorkspaceDep, principal: Person,
    _scoped: Annotated[Principal, require_scope(INBOX_WRITE)],
) -> InboxItem:
    """open, complete, rate (`rating` 1-5, optional `comment`), answer (`response`) or
    not-relevant (optional `comment`): recorded as an xAPI statement."""
    body = body or InteractionIn()
    return InboxItem.from_record(interact(
        session, organisation_id=principal.organisation_id, delivery_id=delivery_id,
        person_id=_own(principal), action=action, actor=principal.actor,
        answer=Answer(rating=body.rating, comment=body.comment, response=body.response),
        public_url=workspace.settings.public_url))


@router.post("/practice", response_model=PracticeOut, status_code=201, responses=NAMES_IN_BODY)
def start_my_practice(body: PracticeIn, session: SessionDep, principal: Person,
                      _scoped: Annotated[Principal, require_scope(INBOX_WRITE)]) -> PracticeOut:
    """Start (or start again) the role-play of one of your deliveries; the counterpart opens."""
    return PracticeOut.from_attempt(start_practice(
        session, organisation_id=principal.organisation_id, person_id=_own(principal),
        delivery_id=body.delivery_id))


@router.get("/practice/{attempt_id}", response_model=PracticeOut)
def my_practice(attempt_id: DeliveryId, session: SessionDep, principal: Person) -> PracticeOut:
    """One of your attempts: the transcript and, once finished, the feedback."""
    return PracticeOut.from_attempt(attempt(
        session, organisation_id=principal.organisation_id, person_id=_own(principal),
        attempt_id=attempt_id))


@router.post("/practice/{attempt_id}/turns", response_model=PracticeOut)
def take_turn(attempt_id: DeliveryId, body: TurnIn, session: SessionDep, principal: Person,
              _scoped: Annotated[Principal, require_scope(INBOX_WRITE)]) -> PracticeOut:
    """Say your part; the counterpart answers while it has something left to raise."""
    return PracticeOut.from_attempt(say(
        session, organisation_id=principal.organisation_id, person_id=_own(principal),
        attempt_id=attempt_id, text=body.text))


@router.post("/practice/{attempt_id}/finish", response_model=PracticeOut)
def finish(attempt_id: DeliveryId, session: SessionDep, workspace: WorkspaceDep,
           principal: Person,
           _scoped: Annotated[Principal, require_scope(INBOX_WRITE)]) -> PracticeOut:
    """End the conversation: feedback against the rubric, criterion by criterion, quoting your
    words and the source."""
    return PracticeOut.from_attempt(finish_practice(
        session, organisation_id=principal.organisation_id, person_id=_own(principal),
        attempt_id=attempt_id, actor=principal.actor, public_url=workspace.settings.public_url))


@router.get("/deliveries", response_model=list[DeliveryOut])
def list_deliveries(session: SessionDep, principal: Staff, plan: str | None = None,
                    status: str | None = None) -> list[DeliveryOut]:
    """The outbox, newest first (at most 500), by plan or status."""
    return [DeliveryOut.from_record(found) for found in deliveries(
        session, organisation_id=principal.organisation_id, plan_key=plan, status=status)]


@router.get("/deliveries/channels")
def channels(session: SessionDep, workspace: WorkspaceDep,
             principal: Staff) -> list[dict[str, Any]]:
    """Each channel's health: configured, sent, waiting, retrying, dead, in doubt, and the
    attempts and failures of the last 24 hours."""
    return [asdict(health) for health in channel_health(
        session, organisation_id=principal.organisation_id,
        configured=configured_channels(workspace.settings))]


@router.get("/deliveries/dead-letter", response_model=list[DeliveryOut])
def dead_letters(session: SessionDep, principal: Staff) -> list[DeliveryOut]:
    """Deliveries that failed for good, ran out of tries, or are in doubt after a crash."""
    return [DeliveryOut.from_record(found)
            for found in dead_letter(session, organisation_id=principal.organisation_id)]


@router.post("/deliveries/{delivery_id}/replay", response_model=DeliveryOut)
def replay_delivery(
    delivery_id: DeliveryId, session: SessionDep, jobs: JobsDep,
    principal: Annotated[Principal, require_roles(A.ADMIN)],
    _scoped: Annotated[Principal, require_scope(DELIVERIES_WRITE)],
) -> DeliveryOut:
    """Send a dead-lettered delivery again, with the same idempotency key."""
    found = replay(session, organisation_id=principal.organisation_id, delivery_id=delivery_id)
    jobs.enqueue_deliveries(session, [(found.id, found.next_attempt_at)])
    return DeliveryOut.from_record(found)


@router.get("/delivery-plans", response_model=list[PlanOut])
def list_plans(session: SessionDep, principal: Staff) -> list[PlanOut]:
    """Every delivery plan, newest first."""
    return [PlanOut.from_plan(plan)
            for plan in delivery_plans(session, organisation_id=principal.organisation_id)]


@router.post("/delivery-plans", response_model=PlanOut, status_code=201,
             responses=NAMES_IN_BODY)
def create_plan(body: PlanIn, session: SessionDep, workspace: WorkspaceDep, principal: Staff,
                _scoped: Annotated[Principal, require_scope(DELIVERIES_WRITE)]) -> PlanOut:
    """Plan a need's delivery: audience, hold-out, schedule (a draft to preview)."""
    return PlanOut.from_plan(make_plan(
        session, organisation_id=principal.organisation_id, settings=workspace.settings,
        need_key=body.need, pack_key=body.pack, key=body.key, holdout_fraction=body.holdout,
        seed=body.seed, start=body.start, steps=body.steps, spacing_days=body.spacing_days,
        practice=body.practice, reviews=body.reviews, components=body.components,
        actor=principal.actor))


@router.get("/delivery-plans/{key}", response_model=PlanOut)
def get_plan(key: PlanKey, session: SessionDep, principal: Staff) -> PlanOut:
    """One plan: who is treated and who held out, and every send time."""
    return PlanOut.from_plan(delivery_plan(session, organisation_id=principal.organisation_id,
                                           key=key))


@router.get("/delivery-plans/{key}/status")
def get_plan_status(key: PlanKey, session: SessionDep, principal: Staff) -> dict[str, Any]:
    """A plan's deliveries counted by status."""
    return plan_status(session, organisation_id=principal.organisation_id, key=key)


@router.patch("/delivery-plans/{key}", response_model=PlanOut)
def adjust(key: PlanKey, body: PlanAdjust, session: SessionDep, workspace: WorkspaceDep,
           principal: Staff,
           _scoped: Annotated[Principal, require_scope(DELIVERIES_WRITE)]) -> PlanOut:
    """Adjust a draft (hold-out, seed, message, people left out, timing)."""
    return PlanOut.from_plan(adjust_plan(
        session, organisation_id=principal.organisation_id, settings=workspace.settings,
        key=key, actor=principal.actor, holdout_fraction=body.holdout, seed=body.seed,
        title=body.title, text=body.text, exclude=tuple(body.exclude), start=body.start,
        steps=body.steps, spacing_days=body.spacing_days))


@router.post("/delivery-plans/{key}/approve", response_model=PlanOut)
def approve(key: PlanKey, session: SessionDep, principal: Staff,
            _scoped: Annotated[Principal, require_scope(DELIVERIES_WRITE)]) -> PlanOut:
    """Approve a draft; its hold-out becomes the intervention analytics measures."""
    return PlanOut.from_plan(approve_plan(session, organisation_id=principal.organisation_id,
                                          key=key, actor=principal.actor))


@router.post("/delivery-plans/{key}/send", status_code=202)
def send(key: PlanKey, session: SessionDep, workspace: WorkspaceDep, jobs: JobsDep,
         principal: Staff,
         _scoped: Annotated[Principal, require_scope(DELIVERIES_WRITE)]) -> dict[str, int]:
    """Queue an approved plan's deliveries, each at its time; sending again adds nothing."""
    queued = send_plan(session, organisation_id=principal.organisation_id,
                       settings=workspace.settings, key=key, actor=principal.actor)
    jobs.enqueue_deliveries(session, queued)
    return {"queued": len(queued)}


@router.get("/delivery-rules")
def list_rules(session: SessionDep, principal: Staff) -> list[dict[str, Any]]:
    """Active moment-of-need rules."""
    return [{**asdict(stored.rule), "message": stored.message}
            for stored in active_rules(session, organisation_id=principal.organisation_id)]


@router.post("/delivery-rules", status_code=201)
def save_delivery_rule(body: RuleIn, session: SessionDep, principal: Staff,
                       _scoped: Annotated[Principal, require_scope(DELIVERIES_WRITE)],
                       ) -> dict[str, Any]:
    """Add or replace a moment-of-need rule: a signal of `metric` below/above `threshold`,
    or a new detection on it, delivers the message at once."""
    stored = add_rule(session, organisation_id=principal.organisation_id, key=body.key,
                      metric=body.metric, trigger=body.trigger, threshold=body.threshold,
                      title=body.title, text=body.text, actor=principal.actor)
    return {**asdict(stored.rule), "message": stored.message}

