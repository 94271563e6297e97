"""The review service: every state change of a component version goes through here, whoever
asks (API, CLI, console, the demo, living components), in the caller's transaction.

It applies domain.govern: the state machine, the policy's tier and gate, auto-publishing of
low-risk content whose checks all pass, and the rule that nobody approves their own work. Every
transition is a `review.transitioned` event with its actor and reason; decisions are
`review.decided`, comments `review.commented`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from learnloop.domain.content.components import body_model, claims
from learnloop.domain.content.packs import Component
from learnloop.domain.events import Event, utcnow
from learnloop.domain.govern.diff import BodyChange, body_lines, diff_bodies
from learnloop.domain.govern.gates import (
    Approval,
    GateStatus,
    auto_publish_reason,
    gate_status,
    refuse_own_work,
)
from learnloop.domain.govern.policy import ReviewPolicy, TierSignals, assign_tier
from learnloop.domain.govern.records import Anchor, Comment, ReviewRecord
from learnloop.domain.govern.states import ReviewAction, ReviewState, next_state
from learnloop.errors import ConflictError, ForbiddenError, InputError, NotFoundError, Problem
from learnloop.store import Session
from learnloop.store import content as content_store
from learnloop.store import reviews as review_store
from learnloop.store.event_log import EventLog

__all__ = ["POLICY_ACTOR", "ReviewView", "approve", "comment", "open_review", "publish",
           "request_changes", "retire", "review_view", "submit", "text_of"]

POLICY_ACTOR = "policy"  # who auto-publishes: the review policy itself
REVIEW_ROLES = ("admin", "ld", "reviewer")
UPDATE_DUE = "component.update_due"  # delivery sends the new version to the old one's readers
# what only L&D (and admins) do: reviewers decide and comment, L&D moves content in and out
_STAFF_ACTIONS = {action: ("admin", "ld") for action in ("submit", "publish", "retire")}


@dataclass(frozen=True, slots=True)
class ReviewView:
    """One component version under review: what every surface shows and answers."""

    component: Component
    review: ReviewRecord
    gate: GateStatus
    compared_with: Component | None  # the published (else previous) version it is diffed with
    changes: tuple[BodyChange, ...]
    items: tuple[dict[str, Any], ...] = field(default=())
    message: str = ""  # what the last action did, in words

    def to_dict(self) -> dict[str, Any]:
        review, component = self.review, self.component
        return {
            "component_id": component.id, "key": component.key, "version": component.version,
            "kind": component.kind, "title": component.title, "source": component.source_key,
            "source_version": component.source_version, "engine": component.engine,
            "offline": component.offline, "state": review.state, "tier": review.tier,
            "tier_reasons": list(review.tier_reasons), "authors": list(review.authors),
            "round": review.round, "stale": review.stale,
            "stale_chunks": list(review.stale_chunks),
            "replaces_component_id": review.replaces_component_id, "note": review.note,
            "gate": self.gate.to_dict(),
            "decisions": [{"actor": item.actor, "role": item.role, "decision": item.decision,
                           "note": item.note, "round": item.round,
                           "at": item.created_at.isoformat()} for item in review.decisions],
            "comments": [{"id": item.id, "actor": item.actor, "anchor": item.anchor.to_dict(),
                          "where": item.anchor.describe(), "quoted": item.quoted,
                          "text": item.text, "at": item.created_at.isoformat()}
                         for item in review.comments],
            "checks": component.checks,
            "body": component.body,
            "items": list(self.items),
            "compared_with": ({"component_id": self.compared_with.id,
                               "version": self.compared_with.version}
                              if self.compared_with is not None else None),
            "diff": [change.to_dict() for change in self.changes],
            "updated_at": review.updated_at.isoformat(),
            "message": self.message,
        }


def text_of(component: Component) -> str:
    """Every text a reader sees in the component, for the policy's word conditions."""
    return "\n".join(text for _, text in body_lines(component.body))


def open_review(session: Session, *, organisation_id: int, component_id: int, author: str,
                policy: ReviewPolicy, replaces_component_id: int | None = None,
                at: datetime | None = None) -> ReviewRecord:
    """A component version's review, created as a draft with its tier the first time (the same
    review again when it exists: a reused component keeps its state and tier). A tier that
    allows it publishes a component whose checks all passed at once, saying why."""
    existing = review_store.review_of(session, organisation_id=organisation_id,
                                      component_id=component_id)
    if existing is not None:
        return existing
    at = at or utcnow()
    component = _component(session, organisation_id=organisation_id,
                           component_id=component_id)
    kind, owner, risk, source_key = review_store.tier_inputs(
        session, organisation_id=organisation_id, component_id=component_id)
    choice = assign_tier(policy, TierSignals(
        source_key=source_key, source_kind=kind, source_owner=owner, need_risk=risk,
        component_kind=component.kind, text=f"{component.title}\n{text_of(component)}"))
    if replaces_component_id is None:
        replaces_component_id = review_store.published_ids(
            session, organisation_id=organisation_id).get(component.key)
    review_id = review_store.create_review(
        session, organisation_id=organisation_id, component_id=component_id,
        component_key=component.key, state=ReviewState.DRAFT, tier=choice.tier,
        tier_reasons=choice.reasons, authors=[author],
        replaces_component_id=replaces_component_id, at=at)
    _transition_event(session, organisation_id=organisation_id, component=component,
                      tier=choice.tier, before=None, after=ReviewState.DRAFT, actor=author,
                      reason="; ".join(choice.reasons), at=at)
    tier = policy.tier(choice.tier)
    allowed, reason = auto_publish_reason(tier, component.checks)
    if allowed:
        for action in (ReviewAction.SUBMIT, ReviewAction.APPROVE, ReviewAction.PUBLISH):
            _move(session, organisation_id=organisation_id, review_id=review_id,
                  component=component, action=action, actor=POLICY_ACTOR, reason=reason, at=at,
                  policy=policy)
    else:  # why people must look at it: its tier, or the checks that failed
        review_store.update_review(session, organisation_id=organisation_id,
                                   review_id=review_id, note=f"not auto-published: {reason}")
    return _review(session, organisation_id=organisation_id, component_id=component_id)


def submit(session: Session, *, organisation_id: int, component_id: int, actor: str,
           role: str, policy: ReviewPolicy, at: datetime | None = None) -> ReviewView:
    _may_review(role, "submit")
    review, component = _ensure(session, organisation_id=organisation_id,
                                component_id=component_id, policy=policy)
    if review.state == ReviewState.IN_REVIEW:  # a retry changes nothing
        return review_view(session, organisation_id=organisation_id,
                           component_id=component_id, policy=policy,
                           message="already in review")
    _move(session, organisation_id=organisation_id, review_id=review.id, component=component,
          action=ReviewAction.SUBMIT, actor=actor, reason="submitted for review",
          at=at or utcnow(), policy=policy)
    return review_view(session, organisation_id=organisation_id, component_id=component_id,
                       policy=policy, message=f"submitted for review ({review.tier} tier)")


def approve(session: Session, *, organisation_id: int, component_id: int, actor: str,
            role: str, policy: ReviewPolicy, note: str = "",
            at: datetime | None = None) -> ReviewView:
    """Record an approval; when it completes the tier's gate the component is approved."""
    _may_review(role)
    at = at or utcnow()
    review, component = _ensure(session, organisation_id=organisation_id,
                                component_id=component_id, policy=policy)
    refuse_own_work(actor, authors=review.authors, action="approve")
    if review.state != ReviewState.IN_REVIEW:
        next_state(review.state, ReviewAction.APPROVE)  # raises, saying why
    if any(item.actor == actor and item.round == review.round and item.decision == "approve"
           for item in review.decisions):
        raise ConflictError(f"{actor} has already approved this version in this round")
    _decide(session, organisation_id=organisation_id, review=review, component=component,
            decision="approve", actor=actor, role=role, note=note, at=at)
    gate = _gate(session, organisation_id=organisation_id, component_id=component_id,
                 policy=policy)
    if gate.satisfied:
        _move(session, organisation_id=organisation_id, review_id=review.id,
              component=component, action=ReviewAction.APPROVE, actor=actor,
              reason=f"every approval the {review.tier} tier requires is given", at=at,
              policy=policy)
        message = "approved: the gate is complete; it can be published"
    else:
        message = f"approval recorded; still missing: {gate.missing_text()}"
    return review_view(session, organisation_id=organisation_id, component_id=component_id,
                       policy=policy, message=message)


def request_changes(session: Session, *, organisation_id: int, component_id: int, actor: str,
                    role: str, note: str, policy: ReviewPolicy,
                    at: datetime | None = None) -> ReviewView:
    _may_review(role)
    if not note.strip():
        raise InputError("say which changes are needed",
                         [Problem("a change request needs a note", field="note")])
    at = at or utcnow()
    review, component = _ensure(session, organisation_id=organisation_id,
                                component_id=component_id, policy=policy)
    refuse_own_work(actor, authors=review.authors, action="request changes on")
    already = review.state == ReviewState.CHANGES_REQUESTED  # another reviewer adds theirs
    if not already:
        next_state(review.state, ReviewAction.REQUEST_CHANGES)
    _decide(session, organisation_id=organisation_id, review=review, component=component,
            decision="request_changes", actor=actor, role=role, note=note, at=at)
    if not already:
        _move(session, organisation_id=organisation_id, review_id=review.id,
              component=component, action=ReviewAction.REQUEST_CHANGES, actor=actor,
              reason=note, at=at, policy=policy)
    return review_view(session, organisation_id=organisation_id, component_id=component_id,
                       policy=policy, message="changes requested")


def comment(session: Session, *, organisation_id: int, component_id: int, actor: str,
            role: str, text: str, anchor: Anchor, policy: ReviewPolicy,
            at: datetime | None = None) -> ReviewView:
    """A comment on a part of the component; the anchor must point at something it has."""
    _may_review(role)
    if not text.strip():
        raise InputError("a comment needs text", [Problem("empty", field="text")])
    review, component = _ensure(session, organisation_id=organisation_id,
                                component_id=component_id, policy=policy)
    _quoted(component, anchor)  # raises when the anchor points nowhere
    at = at or utcnow()
    comment_id = review_store.add_comment(session, organisation_id=organisation_id,
                                          review_id=review.id, actor=actor, anchor=anchor,
                                          text=text, at=at)
    EventLog(session, organisation_id).append(Event(
        kind="review.commented", actor=actor, subject_type="component",
        subject_id=str(component_id), occurred_at=at,
        payload={"component_id": component_id, "comment_id": comment_id,
                 "anchor": anchor.to_dict()}))
    return review_view(session, organisation_id=organisation_id, component_id=component_id,
                       policy=policy, message=f"comment added on {anchor.describe()}")


def publish(session: Session, *, organisation_id: int, component_id: int, actor: str,
            role: str, policy: ReviewPolicy, at: datetime | None = None) -> ReviewView:
    """Publish an approved component; refused, naming every missing approval, before that.
    The version it replaces is retired and its readers are queued for the update."""
    _may_review(role, "publish")
    review, component = _ensure(session, organisation_id=organisation_id,
                                component_id=component_id, policy=policy)
    if review.state == ReviewState.PUBLISHED:  # a retry changes nothing
        return review_view(session, organisation_id=organisation_id,
                           component_id=component_id, policy=policy,
                           message="already published")
    if review.state != ReviewState.APPROVED:
        gate = _gate(session, organisation_id=organisation_id, component_id=component_id,
                     policy=policy)
        if review.state == ReviewState.RETIRED or gate.satisfied:
            next_state(review.state, ReviewAction.PUBLISH)
        state = review.state.replace("_", " ")
        raise ConflictError(
            f"cannot publish {component.key} v{component.version} ({review.tier} tier, "
            f"{state}): missing {gate.missing_text()}"
            + ("" if review.state == ReviewState.IN_REVIEW else "; submit it for review first"))
    _move(session, organisation_id=organisation_id, review_id=review.id, component=component,
          action=ReviewAction.PUBLISH, actor=actor, reason="published", at=at or utcnow(),
          policy=policy)
    return review_view(session, organisation_id=organisation_id, component_id=component_id,
                       policy=policy, message="published")


def retire(session: Session, *, organisation_id: int, component_id: int, actor: str,
           role: str, reason: str, policy: ReviewPolicy,
           at: datetime | None = None) -> ReviewView:
    _may_review(role, "retire")
    review, component = _ensure(session, organisation_id=organisation_id,
                                component_id=component_id, policy=policy)
    if review.state == ReviewState.RETIRED:  # a retry changes nothing
        return review_view(session, organisation_id=organisation_id,
                           component_id=component_id, policy=policy,
                           message="already retired")
    _move(session, organisation_id=organisation_id, review_id=review.id, component=component,
          action=ReviewAction.RETIRE, actor=actor, reason=reason or "retired",
          at=at or utcnow(), policy=policy)
    return review_view(session, organisation_id=organisation_id, component_id=component_id,
                       policy=policy, message="retired")


def review_view(session: Session, *, organisation_id: int, component_id: int,
                policy: ReviewPolicy, message: str = "") -> ReviewView:
    review, component = _ensure(session, organisation_id=organisation_id,
                                component_id=component_id, policy=policy)
    compared = _compared_with(session, organisation_id=organisation_id, component=component,
                              review=review)
    body = body_model(component.kind).model_validate(component.body)
    items = tuple({"index": index, "text": text,
                   "citations": [citation.model_dump() for citation in cited]}
                  for index, (text, cited) in enumerate(claims(body)))
    comments = tuple(Comment(id=item.id, actor=item.actor, anchor=item.anchor, text=item.text,
                             quoted=_quoted(component, item.anchor, strict=False),
                             created_at=item.created_at) for item in review.comments)
    review = replace(review, comments=comments)
    return ReviewView(
        component=component, review=review,
        gate=_gate(session, organisation_id=organisation_id, component_id=component_id,
                   policy=policy, review=review),
        compared_with=compared,
        changes=tuple(diff_bodies(compared.body if compared else None, component.body))
        if compared is not None else (),
        items=items, message=message)


# -- the parts ---------------------------------------------------------------------------------

def _may_review(role: str, action: str | None = None) -> None:
    if role not in REVIEW_ROLES:
        raise ForbiddenError(f"the {role} role cannot act on reviews: use "
                             f"{', '.join(REVIEW_ROLES)}")
    if action in _STAFF_ACTIONS and role not in _STAFF_ACTIONS[action]:
        raise ForbiddenError(f"the {role} role cannot {action} a component: ask L&D")


def _component(session: Session, *, organisation_id: int, component_id: int) -> Component:
    found = content_store.component(session, organisation_id=organisation_id,
                                    component_id=component_id)
    if found is None:
        raise NotFoundError(f"no component {component_id}")
    return found


def _review(session: Session, *, organisation_id: int, component_id: int) -> ReviewRecord:
    found = review_store.review_of(session, organisation_id=organisation_id,
                                   component_id=component_id)
    assert found is not None
    return found


def _ensure(session: Session, *, organisation_id: int, component_id: int,
            policy: ReviewPolicy) -> tuple[ReviewRecord, Component]:
    """The review (opened as a draft for a component written before reviews existed, its
    author the pack's creator) and the component."""
    component = _component(session, organisation_id=organisation_id,
                           component_id=component_id)
    review = review_store.review_of(session, organisation_id=organisation_id,
                                    component_id=component_id)
    if review is None:
        author = content_store.component_requester(
            session, organisation_id=organisation_id, component_id=component_id) or "unknown"
        review = open_review(session, organisation_id=organisation_id,
                             component_id=component_id, author=author, policy=policy)
    return review, component


def _gate(session: Session, *, organisation_id: int, component_id: int, policy: ReviewPolicy,
          review: ReviewRecord | None = None) -> GateStatus:
    review = review or _review(session, organisation_id=organisation_id,
                               component_id=component_id)
    approvals = [Approval(actor=item.actor, role=item.role, at=item.created_at)
                 for item in review.decisions
                 if item.decision == "approve" and item.round == review.round]
    return gate_status(policy.tier(review.tier), approvals)


def _decide(session: Session, *, organisation_id: int, review: ReviewRecord,
            component: Component, decision: str, actor: str, role: str, note: str,
            at: datetime) -> None:
    review_store.add_decision(session, organisation_id=organisation_id, review_id=review.id,
                              round=review.round, decision=decision, actor=actor, role=role,
                              note=note, at=at)
    EventLog(session, organisation_id).append(Event(
        kind=review_store.DECIDED, actor=actor, subject_type="component",
        subject_id=str(component.id), occurred_at=at,
        payload={"component_id": component.id, "key": component.key,
                 "version": component.version, "decision": decision, "role": role,
                 "round": review.round, "tier": review.tier, "note": note}))


def _move(session: Session, *, organisation_id: int, review_id: int, component: Component,
          action: ReviewAction, actor: str, reason: str, at: datetime,
          policy: ReviewPolicy) -> None:
    review = _review(session, organisation_id=organisation_id, component_id=component.id)
    after = next_state(review.state, action)
    changes: dict[str, Any] = {"state": str(after), "note": reason, "updated_at": at}
    if action is ReviewAction.SUBMIT:
        changes["round"] = review.round + 1
    review_store.update_review(session, organisation_id=organisation_id, review_id=review_id,
                               **changes)
    _transition_event(session, organisation_id=organisation_id, component=component,
                      tier=review.tier, before=ReviewState(review.state), after=after,
                      actor=actor, reason=reason, at=at)
    if after is ReviewState.PUBLISHED:
        _replace_published(session, organisation_id=organisation_id, component=component,
                           actor=actor, at=at, policy=policy)


def _replace_published(session: Session, *, organisation_id: int, component: Component,
                       actor: str, at: datetime, policy: ReviewPolicy) -> None:
    """Retire the key's other published version and queue its readers for this one."""
    for old in review_store.reviews(session, organisation_id=organisation_id,
                                    states=[ReviewState.PUBLISHED]):
        if old.component_key != component.key or old.component_id == component.id:
            continue
        previous = _component(session, organisation_id=organisation_id,
                              component_id=old.component_id)
        _move(session, organisation_id=organisation_id, review_id=old.id, component=previous,
              action=ReviewAction.RETIRE, actor=actor,
              reason=f"replaced by version {component.version}", at=at, policy=policy)
        EventLog(session, organisation_id).append(Event(
            kind=UPDATE_DUE, actor=actor, subject_type="component",
            subject_id=str(component.id), occurred_at=at,
            payload={"key": component.key, "component_id": component.id,
                     "version": component.version, "replaces_component_id": previous.id,
                     "replaces_version": previous.version,
                     "stale_chunks": list(old.stale_chunks),
                     # the delivery agent finds who received the old version and sends this one
                     "recipients": "everyone who received the replaced version"}))


def _transition_event(session: Session, *, organisation_id: int, component: Component,
                      tier: str, before: ReviewState | None, after: ReviewState, actor: str,
                      reason: str, at: datetime) -> None:
    EventLog(session, organisation_id).append(Event(
        kind=review_store.TRANSITIONED, actor=actor, subject_type="component",
        subject_id=str(component.id), occurred_at=at,
        payload={"component_id": component.id, "key": component.key,
                 "version": component.version, "tier": tier,
                 "from": str(before) if before is not None else None, "to": str(after),
                 "reason": reason}))


def _compared_with(session: Session, *, organisation_id: int, component: Component,
                   review: ReviewRecord) -> Component | None:
    """The version a reviewer compares with: the one it replaces, else the published one,
    else the version before it."""
    target = review.replaces_component_id or review_store.published_ids(
        session, organisation_id=organisation_id).get(component.key)
    if target is not None and target != component.id:
        return _component(session, organisation_id=organisation_id, component_id=target)
    earlier = [item for item in content_store.component_versions(
        session, organisation_id=organisation_id, key=component.key)
        if item.version < component.version]
    return earlier[-1] if earlier else None


def _quoted(component: Component, anchor: Anchor, *, strict: bool = True) -> str | None:
    """The text an anchor points at in this version (None when it no longer exists)."""
    text: str | None = None
    try:
        if anchor.field:
            lines = dict(body_lines(component.body))
            if anchor.field not in lines:
                raise InputError(f"the component has no field {anchor.field!r}", [Problem(
                    f"use one of {', '.join(list(lines)[:8])} …", field="anchor.field")])
            text = lines[anchor.field]
        elif anchor.item is not None:
            items = claims(body_model(component.kind).model_validate(component.body))
            if not 0 <= anchor.item < len(items):
                raise InputError(f"the component has items 0–{len(items) - 1}, not "
                                 f"{anchor.item}", [Problem("no such item", field="anchor.item")])
            text = items[anchor.item][0]
        if anchor.start is not None:
            if text is None:
                raise InputError("a text span needs an item or a field",
                                 [Problem("give item or field", field="anchor.start")])
            end = anchor.end if anchor.end is not None else len(text)
            if not 0 <= anchor.start < end <= len(text):
                raise InputError(f"span {anchor.start}–{end} is outside the text "
                                 f"({len(text)} characters)",
                                 [Problem("outside the text", field="anchor.end")])
            text = text[anchor.start:end]
    except InputError:
        if strict:
            raise
        return None
    return text
