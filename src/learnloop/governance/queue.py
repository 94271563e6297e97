"""The review queue and review cycle times, as every surface shows them: one row per component
version with its state, tier, staleness and what its gate still lacks; time in each state per
tier and per reviewer from the transition events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from learnloop.domain.events import utcnow
from learnloop.domain.govern.cycle_times import CycleTimes, cycle_times
from learnloop.domain.govern.gates import Approval, gate_status
from learnloop.domain.govern.policy import ReviewPolicy
from learnloop.domain.govern.states import OPEN_STATES
from learnloop.store import Session
from learnloop.store import content as content_store
from learnloop.store import reviews as review_store

__all__ = ["review_cycle_times", "review_queue"]


def review_queue(session: Session, *, organisation_id: int, policy: ReviewPolicy,
                 states: Sequence[str] | None = None, tier: str | None = None,
                 stale: bool | None = None) -> list[dict[str, Any]]:
    """Reviews in the given states (default: those still open; stale published ones too),
    oldest change first."""
    chosen = list(states) if states else None
    found = review_store.reviews(session, organisation_id=organisation_id,
                                 states=chosen or [*OPEN_STATES, "published"], tier=tier,
                                 stale=stale)
    if not chosen and stale is None:  # the default queue: open work and stale published
        found = [item for item in found if item.state != "published" or item.stale]
    decisions = review_store.review_decisions(session, organisation_id=organisation_id,
                                              review_ids=[item.id for item in found])
    components = {item.id: item for item in content_store.components_by_id(
        session, organisation_id=organisation_id,
        component_ids=[item.component_id for item in found])}
    rows = []
    for review in found:
        component = components[review.component_id]
        approvals = [Approval(actor=item.actor, role=item.role)
                     for item in decisions[review.id]
                     if item.decision == "approve" and item.round == review.round]
        gate = gate_status(policy.tier(review.tier), approvals)
        rows.append({
            "component_id": component.id, "key": component.key, "version": component.version,
            "kind": component.kind, "title": component.title, "source": component.source_key,
            "source_version": component.source_version, "state": review.state,
            "tier": review.tier, "stale": review.stale,
            "checks_passed": bool((component.checks or {}).get("passed")),
            "problems": list((component.checks or {}).get("problems", [])),
            "approvals": [approval.actor for approval in gate.counted],
            "missing": list(gate.missing), "replaces_component_id":
                review.replaces_component_id,
            "note": review.note, "updated_at": review.updated_at.isoformat()})
    return rows


def review_cycle_times(session: Session, *, organisation_id: int,
                       now: datetime | None = None) -> CycleTimes:
    transitions, decisions = review_store.review_transitions(session,
                                                             organisation_id=organisation_id)
    return cycle_times(transitions, decisions, now=now or utcnow())
