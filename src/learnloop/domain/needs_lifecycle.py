"""Keeps needs across runs: a re-run refreshes evidence but never undoes what L&D decided.

Dismissed stays dismissed unless the evidence materially changes; a training need is resolved when
its gap closes and reopened if the gap comes back. Every change is returned for the event log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from learnloop.domain.needs import Need, NeedKind, NeedStatus
from learnloop.domain.needs_inputs import NeedSettings, TeamSkillGap
from learnloop.domain.needs_ranking import ACTIVE

__all__ = ["NeedChange", "TRANSITIONS", "as_changed", "basis_of", "material_change", "reconcile",
           "status_problem"]

# what L&D may move a need to from each status (the agent resolves and reopens on evidence)
TRANSITIONS: dict[NeedStatus, frozenset[NeedStatus]] = {
    NeedStatus.OPEN: frozenset({NeedStatus.ACCEPTED, NeedStatus.DISMISSED,
                                NeedStatus.IN_PROGRESS, NeedStatus.RESOLVED}),
    NeedStatus.ACCEPTED: frozenset({NeedStatus.IN_PROGRESS, NeedStatus.DISMISSED,
                                    NeedStatus.RESOLVED, NeedStatus.OPEN}),
    NeedStatus.IN_PROGRESS: frozenset({NeedStatus.RESOLVED, NeedStatus.DISMISSED,
                                       NeedStatus.ACCEPTED}),
    NeedStatus.DISMISSED: frozenset({NeedStatus.OPEN, NeedStatus.ACCEPTED}),
    NeedStatus.RESOLVED: frozenset({NeedStatus.OPEN}),
}


@dataclass(frozen=True, slots=True)
class NeedChange:
    """One change the run made: `raised`, `resolved` or `reopened`, with the reason in words."""

    what: str
    key: str
    old_status: NeedStatus | None
    new_status: NeedStatus
    reason: str


def status_problem(current: NeedStatus, wanted: NeedStatus, reason: str) -> str | None:
    """Why L&D may not make this change (None: it may); the same status again is a change of
    its reason only."""
    if wanted == current:
        return "dismissing a need needs a reason" if (
            wanted is NeedStatus.DISMISSED and not reason.strip()) else None
    if wanted not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current]))
        return f"a {current.value} need can become {allowed}, not {wanted.value}"
    if wanted is NeedStatus.DISMISSED and not reason.strip():
        return "dismissing a need needs a reason"
    return None


def basis_of(need: Need) -> dict[str, Any]:
    """What the evidence said when L&D decided, to tell later whether it changed materially."""
    return {"people": need.evidence.get("people_affected"), "gap": need.gap,
            "detection_id": need.detection_id}


def material_change(basis: Mapping[str, Any], need: Need, settings: NeedSettings) -> str | None:
    """In words, how the evidence moved past what L&D saw when dismissing (None: it did not)."""
    if need.detection_id is not None and need.detection_id != basis.get("detection_id"):
        return "a new KPI dip was detected since the need was dismissed"
    before, now = basis.get("people"), need.evidence.get("people_affected")
    if before is not None and now is not None and (
            now >= before * settings.reopen_people and now >= before + settings.min_people):
        return f"the people affected grew from {before:.0f} to {now:.0f} since it was dismissed"
    if basis.get("gap") is not None and need.gap is not None and (
            need.gap >= basis["gap"] + settings.reopen_gap):
        return (f"the gap grew from {basis['gap']:.1f} to {need.gap:.1f} levels since it was "
                "dismissed")
    return None


def _team_skill(need: Need) -> tuple[str, str] | None:
    if need.kind is not NeedKind.TRAINING or not need.key.startswith("training:"):
        return None
    _, team, skill = need.key.split(":", 2)
    return team, skill


def reconcile(stored: Sequence[Need], found: Sequence[Need], *,
              gaps: Mapping[tuple[str, str], TeamSkillGap], now: datetime,
              settings: NeedSettings | None = None) -> tuple[list[Need], list[NeedChange]]:
    """Every need after this run (stored ones kept, found ones refreshed) and what changed."""
    settings = settings or NeedSettings()
    old = {need.key: need for need in stored}
    out: list[Need] = []
    changes: list[NeedChange] = []
    for need in found:
        before = old.pop(need.key, None)
        if before is None:
            out.append(replace(need, status=NeedStatus.OPEN, created_at=now, updated_at=now))
            changes.append(NeedChange("raised", need.key, None, NeedStatus.OPEN,
                                      need.evidence.get("finding", "")))
            continue
        kept = replace(need, id=before.id, status=before.status,
                       status_reason=before.status_reason,
                       status_changed_at=before.status_changed_at,
                       status_basis=before.status_basis, created_at=before.created_at,
                       updated_at=now)
        why = None
        if before.status is NeedStatus.RESOLVED:
            why = "the gap is back"
        elif before.status is NeedStatus.DISMISSED:
            why = material_change(before.status_basis, kept, settings)
        if why is not None:
            kept = replace(kept, status=NeedStatus.OPEN, status_reason=why,
                           status_changed_at=now, status_basis={})
            changes.append(NeedChange("reopened", need.key, before.status, NeedStatus.OPEN, why))
        out.append(kept)
    for need in old.values():
        pair = _team_skill(need)
        gap = gaps.get(pair) if pair else None
        if need.status in ACTIVE and pair is not None and (gap is None or not gap.material(
                settings)):
            why = ("the gap has closed: " + (
                f"about {gap.below:.0f} of {gap.people} people remain below the level, "
                f"{gap.shortfall:.2f} levels short on average" if gap is not None
                else "no one in the team is asked for the skill any more"))
            changes.append(NeedChange("resolved", need.key, need.status, NeedStatus.RESOLVED, why))
            need = replace(need, status=NeedStatus.RESOLVED, status_reason=why,
                           status_changed_at=now, updated_at=now)
        out.append(need)
    return out, changes


def as_changed(stored: Sequence[Need], ranked: Sequence[Need]) -> list[Need]:
    """`ranked` with each need that is as it was stored (but for `updated_at`) given back as
    stored: a need's `updated_at` says when it last changed, and an unchanged need needs no
    write."""
    old = {need.key: need for need in stored}
    return [before if (before := old.get(need.key)) is not None
            and replace(need, updated_at=before.updated_at) == before else need
            for need in ranked]
