"""The delivery agent's JSON shapes: inbox items with their "why", interactions, review items,
deliveries as staff see them, channel health, plans and rules."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from learnloop.api.incoming import Incoming
from learnloop.domain.delivery.plans import DeliveryPlan
from learnloop.domain.delivery.records import DeliveryRecord
from learnloop.domain.delivery.reviews import ReviewState

__all__ = ["DeliveryOut", "InboxItem", "InteractionIn", "PlanAdjust", "PlanIn", "PlanOut",
           "PracticeIn", "PracticeOut", "PreferencesIn", "PreferencesOut", "ReviewAnswerIn",
           "ReviewOut", "RuleIn", "TurnIn", "WhyOut"]


class WhyOut(BaseModel):
    need: str | None
    reason: str
    evidence: list[str]
    data_used: list[str]


class InboxItem(BaseModel):
    id: int
    title: str
    paragraphs: list[str]
    kind: str
    channel: str
    sent_at: datetime | None
    opened_at: datetime | None
    completed_at: datetime | None
    rating: int | None
    comment: str | None
    not_relevant: bool
    why: WhyOut

    @classmethod
    def from_record(cls, found: DeliveryRecord) -> InboxItem:
        return cls(id=found.id, title=found.message.title,
                   paragraphs=list(found.message.paragraphs), kind=found.kind,
                   channel=found.channel, sent_at=found.sent_at, opened_at=found.opened_at,
                   completed_at=found.completed_at, rating=found.rating, comment=found.comment,
                   not_relevant=found.not_relevant_at is not None,
                   why=WhyOut(need=found.why.need, reason=found.why.reason,
                              evidence=list(found.why.evidence),
                              data_used=list(found.why.data_used)))


class InteractionIn(Incoming):
    rating: int | None = Field(None, ge=1, le=5)
    comment: str | None = Field(None, max_length=2000)
    response: str | None = Field(None, max_length=2000)


class ReviewOut(BaseModel):
    id: int
    kind: str
    prompt: str
    options: list[str]
    due: datetime
    reviews: int
    state: str

    @classmethod
    def from_state(cls, state: ReviewState) -> ReviewOut:
        return cls(id=state.id, kind=state.kind, prompt=state.prompt,
                   options=list(state.options), due=state.due, reviews=state.reviews,
                   state=state.state)


class PreferencesIn(Incoming):
    channels: list[str] | None = Field(None, max_length=5)
    slack_user: str | None = Field(None, max_length=64, pattern=r"^[A-Z0-9]*$")
    weekly_cap: int | None = Field(None, ge=0, le=50)
    quiet_hours: str | None = Field(None, pattern=r"^(\d{1,2}-\d{1,2})?$")


class PreferencesOut(BaseModel):
    channels: list[str]
    slack_user: str | None
    weekly_cap: int | None
    quiet_hours: str | None


class ReviewAnswerIn(Incoming):
    answer: str = Field("", max_length=500)
    rating: str | None = Field(None, max_length=8)


class DeliveryOut(BaseModel):
    id: int
    key: str
    person: str
    channel: str
    kind: str
    plan: str | None
    title: str
    status: str
    attempts: int
    last_error: str | None
    send_after: datetime
    next_attempt_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_record(cls, found: DeliveryRecord) -> DeliveryOut:
        return cls(id=found.id, key=found.key, person=found.person_key, channel=found.channel,
                   kind=found.kind, plan=found.plan_key, title=found.message.title,
                   status=found.status, attempts=found.attempts, last_error=found.last_error,
                   send_after=found.send_after, next_attempt_at=found.next_attempt_at,
                   sent_at=found.sent_at)


class PlanIn(Incoming):
    need: str = Field(min_length=1, max_length=128)
    pack: str | None = Field(None, max_length=128)
    key: str | None = Field(None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
    holdout: float | None = Field(None, gt=0, lt=1)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    start: datetime | None = None
    steps: int = Field(1, ge=1, le=20)
    spacing_days: int = Field(7, ge=1, le=90)
    # ids of published components: a role_play to practise, flashcards / knowledge checks
    components: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        default_factory=list, max_length=20)
    practice: dict[str, Any] | None = None  # a role_play body the planner wrote themselves
    reviews: list[dict[str, Any]] = Field(default_factory=list, max_length=20)


class PracticeIn(Incoming):
    delivery_id: int = Field(ge=1, le=2**63 - 1)


class TurnIn(Incoming):
    text: str = Field(min_length=1, max_length=4000)


class PracticeOut(BaseModel):
    id: int
    delivery_id: int
    turns: list[dict[str, str]]
    finished: bool
    feedback: list[dict[str, Any]] | None
    earned: int | None
    points: int | None

    @classmethod
    def from_attempt(cls, found: Any) -> PracticeOut:
        feedback = found.feedback
        return cls(id=found.id, delivery_id=found.delivery_id, turns=found.turns,
                   finished=found.finished_at is not None, feedback=feedback,
                   earned=sum(item["earned"] for item in feedback) if feedback else None,
                   points=sum(item["points"] for item in feedback) if feedback else None)


class PlanAdjust(Incoming):
    holdout: float | None = Field(None, gt=0, lt=1)
    seed: int | None = Field(None, ge=0, le=2**31 - 1)
    title: str | None = Field(None, min_length=1, max_length=300)
    text: str | None = Field(None, max_length=5000)
    exclude: list[str] = Field(default_factory=list, max_length=10000)
    start: datetime | None = None
    steps: int | None = Field(None, ge=1, le=20)
    spacing_days: int | None = Field(None, ge=1, le=90)


class PlanOut(BaseModel):
    key: str
    need: str | None
    pack: str | None
    status: str
    holdout_fraction: float
    seed: int
    treated: int
    held_out: int
    sends: int
    title: str
    paragraphs: list[str]
    why: WhyOut
    intervention_id: int | None
    approved_by: str | None
    groups: dict[str, str]
    schedule: list[dict[str, Any]]

    @classmethod
    def from_plan(cls, plan: DeliveryPlan) -> PlanOut:
        return cls(key=plan.key, need=plan.need_key, pack=plan.pack_key, status=plan.status,
                   holdout_fraction=plan.holdout_fraction, seed=plan.seed, treated=plan.treated,
                   held_out=plan.held_out, sends=plan.sends, title=plan.message.title,
                   paragraphs=list(plan.message.paragraphs),
                   why=WhyOut(need=plan.why.need, reason=plan.why.reason,
                              evidence=list(plan.why.evidence),
                              data_used=list(plan.why.data_used)),
                   intervention_id=plan.intervention_id, approved_by=plan.approved_by,
                   groups=plan.groups,
                   schedule=[{"person": p.person_key, "team": p.team_key, "channel": p.channel,
                              "send_at": [at.isoformat() for at in p.send_at]}
                             for p in plan.planned])


class RuleIn(Incoming):
    key: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
    metric: str = Field(min_length=1, max_length=128)
    trigger: str = Field(pattern=r"^(below|above|detection)$")
    threshold: float | None = None
    title: str = Field(min_length=1, max_length=300)
    text: str = Field("", max_length=5000)
