"""Review storage: each component version's review (state, tier, authors, stale passages), the
reviewers' decisions and anchored comments, and the transition events cycle times are read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from learnloop.domain.govern.cycle_times import Decision, Transition
from learnloop.domain.govern.records import Anchor, Comment, ReviewDecision, ReviewRecord
from learnloop.errors import NotFoundError
from learnloop.store import tables

__all__ = [
    "TRANSITIONED", "DECIDED", "add_comment", "add_decision", "create_review", "published_ids",
    "review_decisions", "review_of", "review_transitions", "reviews", "tier_inputs",
    "update_review",
]

TRANSITIONED = "review.transitioned"  # every state change, with its actor and reason
DECIDED = "review.decided"  # an approval or a change request


def create_review(session: Session, *, organisation_id: int, component_id: int,
                  component_key: str, state: str, tier: str, tier_reasons: Sequence[str],
                  authors: Sequence[str], replaces_component_id: int | None,
                  at: datetime) -> int:
    return session.execute(insert(tables.ComponentReview).returning(tables.ComponentReview.id), {
        "organisation_id": organisation_id, "component_id": component_id,
        "component_key": component_key, "state": state, "tier": tier,
        "tier_reasons": list(tier_reasons), "authors": list(authors), "round": 0,
        "replaces_component_id": replaces_component_id, "stale_chunks": [],
        "stale_since": None, "note": "", "created_at": at, "updated_at": at}).scalar_one()


def update_review(session: Session, *, organisation_id: int, review_id: int,
                  **changes: Any) -> None:
    row = session.get(tables.ComponentReview, review_id)
    if row is None or row.organisation_id != organisation_id:
        raise NotFoundError(f"no review {review_id}")
    for name, value in changes.items():
        setattr(row, name, value)
    session.flush()


def add_decision(session: Session, *, organisation_id: int, review_id: int, round: int,
                 decision: str, actor: str, role: str, note: str, at: datetime) -> None:
    session.execute(insert(tables.ComponentReviewDecision), {
        "organisation_id": organisation_id, "review_id": review_id, "round": round,
        "decision": decision, "actor": actor, "role": role, "note": note, "created_at": at})


def add_comment(session: Session, *, organisation_id: int, review_id: int, actor: str,
                anchor: Anchor, text: str, at: datetime) -> int:
    return session.execute(
        insert(tables.ComponentReviewComment).returning(tables.ComponentReviewComment.id), {
            "organisation_id": organisation_id, "review_id": review_id, "actor": actor,
            "anchor": anchor.to_dict(), "text": text, "created_at": at}).scalar_one()


def review_of(session: Session, *, organisation_id: int,
              component_id: int) -> ReviewRecord | None:
    """A component version's review with every decision and comment, None before it has one."""
    review = tables.ComponentReview
    row = session.scalar(select(review).where(review.organisation_id == organisation_id,
                                              review.component_id == component_id))
    if row is None:
        return None
    decision, comment = tables.ComponentReviewDecision, tables.ComponentReviewComment
    decisions = tuple(ReviewDecision(actor=item.actor, role=item.role, decision=item.decision,
                                     note=item.note, round=item.round,
                                     created_at=item.created_at)
                      for item in session.scalars(select(decision).where(
                          decision.review_id == row.id).order_by(decision.id)))
    comments = tuple(Comment(id=item.id, actor=item.actor, anchor=Anchor(**item.anchor),
                             text=item.text, quoted=None, created_at=item.created_at)
                     for item in session.scalars(select(comment).where(
                         comment.review_id == row.id).order_by(comment.id)))
    return _record(row, decisions=decisions, comments=comments)


def reviews(session: Session, *, organisation_id: int, states: Sequence[str] | None = None,
            tier: str | None = None, stale: bool | None = None,
            limit: int = 500) -> list[ReviewRecord]:
    """Reviews oldest change first (the queue's order), without decisions or comments."""
    review = tables.ComponentReview
    query = select(review).where(review.organisation_id == organisation_id)
    if states:
        query = query.where(review.state.in_(list(states)))
    if tier is not None:
        query = query.where(review.tier == tier)
    if stale is not None:
        query = query.where(review.stale_since.is_not(None) if stale
                            else review.stale_since.is_(None))
    return [_record(row) for row in session.scalars(
        query.order_by(review.updated_at, review.id).limit(limit))]


def review_decisions(session: Session, *, organisation_id: int,
                     review_ids: Sequence[int]) -> dict[int, list[ReviewDecision]]:
    decision = tables.ComponentReviewDecision
    found: dict[int, list[ReviewDecision]] = {review_id: [] for review_id in review_ids}
    if not review_ids:
        return found
    for item in session.scalars(select(decision).where(
            decision.organisation_id == organisation_id,
            decision.review_id.in_(list(review_ids))).order_by(decision.id)):
        found[item.review_id].append(ReviewDecision(
            actor=item.actor, role=item.role, decision=item.decision, note=item.note,
            round=item.round, created_at=item.created_at))
    return found


def published_ids(session: Session, *, organisation_id: int) -> dict[str, int]:
    """Component key → the id of its published version."""
    review = tables.ComponentReview
    return {row.component_key: row.component_id for row in session.execute(
        select(review.component_key, review.component_id).where(
            review.organisation_id == organisation_id, review.state == "published"))}


def tier_inputs(session: Session, *, organisation_id: int,
                component_id: int) -> tuple[str, str, str | None, str]:
    """(source kind, source owner, the riskiest risk of the needs its packs serve, source key)
    for a component: what its tier is decided from, beside its own text."""
    component, document = tables.ContentComponent, tables.SourceDocument
    row = session.execute(select(document.kind, document.owner, document.key)
                          .join(component, component.document_id == document.id)
                          .where(component.id == component_id,
                                 component.organisation_id == organisation_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"no component {component_id}")
    link, pack, need = tables.ContentPackComponent, tables.ContentPack, tables.Need
    risks = set(session.scalars(select(need.risk).join(pack, pack.need_id == need.id)
                                .join(link, link.pack_id == pack.id)
                                .where(link.component_id == component_id)))
    risk = next((level for level in ("high", "medium", "low") if level in risks), None)
    return row.kind, row.owner or "", risk, row.key


def review_transitions(session: Session, *, organisation_id: int,
                       since: datetime | None = None) -> tuple[list[Transition], list[Decision]]:
    """Every review transition and decision in the event log (oldest first)."""
    event = tables.Event
    query = select(event).where(event.organisation_id == organisation_id,
                                event.kind.in_([TRANSITIONED, DECIDED]))
    if since is not None:
        query = query.where(event.occurred_at >= since)
    transitions, decisions = [], []
    for row in session.scalars(query.order_by(event.occurred_at, event.id)):
        payload = row.payload
        if row.kind == TRANSITIONED:
            transitions.append(Transition(
                component_id=int(payload["component_id"]), tier=payload.get("tier", ""),
                from_state=payload.get("from"), to_state=payload["to"], actor=row.actor,
                at=row.occurred_at))
        else:
            decisions.append(Decision(component_id=int(payload["component_id"]),
                                      actor=row.actor, decision=payload["decision"],
                                      at=row.occurred_at))
    return transitions, decisions


def _record(row: tables.ComponentReview, *, decisions: tuple[ReviewDecision, ...] = (),
            comments: tuple[Comment, ...] = ()) -> ReviewRecord:
    return ReviewRecord(
        id=row.id, component_id=row.component_id, component_key=row.component_key,
        state=row.state, tier=row.tier, tier_reasons=tuple(row.tier_reasons),
        authors=tuple(row.authors), round=row.round,
        replaces_component_id=row.replaces_component_id,
        stale_chunks=tuple(row.stale_chunks), stale_since=row.stale_since, note=row.note,
        created_at=row.created_at, updated_at=row.updated_at, decisions=decisions,
        comments=comments)
