"""A learning need: who needs what, why it matters, and where it stands with L&D.

The needs agent writes these; the content, delivery and analytics parts read them by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

__all__ = ["Need", "NeedEvent", "NeedKind", "NeedNature", "NeedStatus", "draft_need", "need_json"]


class NeedStatus(StrEnum):
    """Where L&D has taken a need: open -> accepted | dismissed -> in_progress -> resolved."""

    OPEN = "open"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class NeedKind(StrEnum):
    """Training, or investigate before training: the cause is one that training will not fix."""

    TRAINING = "training"
    INVESTIGATE = "investigate"


class NeedNature(StrEnum):
    """What sort of learning the skill asks for, which decides the kind of content that fits."""

    PROCEDURAL = "procedural"
    INTERPERSONAL = "interpersonal"
    KNOWLEDGE = "knowledge"


class NeedEvent:
    """The event kinds about needs and the priorities that rank them (subject: the need's id,
    or the objective's key)."""

    RAISED = "need.raised"                  # the agent found a new need
    RESOLVED = "need.resolved"              # the agent saw its gap close
    REOPENED = "need.reopened"              # the gap came back, or a dismissal's evidence moved
    STATUS_CHANGED = "need.status_changed"  # L&D moved it (accepted, dismissed, ...)
    RANKED = "needs.ranked"                 # one per agent run: counts and every rank change
    PRIORITY_CHANGED = "objective.priority_changed"  # L&D edited a priority or weight


@dataclass(frozen=True, slots=True)
class Need:
    """One ranked need; `evidence` holds the chain behind it (detection, gap, people, priority).

    `kpi_direction` is the way the KPI should move ("up"/"down"). `urgency` is 0..1 and `risk`
    "high" | "medium" | "low". `rank` is 1 for the first need of the queue.
    """

    id: int
    key: str
    title: str
    status: NeedStatus
    kind: NeedKind
    nature: NeedNature
    skill_key: str | None
    objective_key: str | None
    kpi_metric: str | None
    kpi_direction: str | None
    behaviour_metrics: tuple[str, ...]
    team_keys: tuple[str, ...]
    person_keys: tuple[str, ...]
    urgency: float
    risk: str
    score: float
    rank: int
    reason: str
    evidence: dict[str, Any]
    detection_id: int | None
    detected_at: date | None
    created_at: datetime
    updated_at: datetime
    # added beyond the shared contract
    role_keys: tuple[str, ...] = ()
    gap: float | None = None            # required level minus the estimated level (0-4 scale)
    gap_lower: float | None = None      # its 90% interval
    gap_upper: float | None = None
    weight: float = 0.0                 # the priority weight of the objective it serves
    confidence: float = 0.0             # 0..1: how sure the evidence is
    status_reason: str = ""             # why L&D set the status (a dismissal's reason)
    status_changed_at: datetime | None = None
    status_basis: dict[str, Any] = field(default_factory=dict)  # the evidence when L&D decided


def draft_need(key: str, title: str, **fields: Any) -> Need:
    """A need not yet stored (id 0) with plain defaults, for `store.needs.save_needs`."""
    now = fields.pop("created_at", None) or datetime.now(UTC)
    values: dict[str, Any] = {
        "id": 0, "key": key, "title": title, "status": NeedStatus.OPEN,
        "kind": NeedKind.TRAINING, "nature": NeedNature.PROCEDURAL, "skill_key": None,
        "objective_key": None, "kpi_metric": None, "kpi_direction": None,
        "behaviour_metrics": (), "team_keys": (), "person_keys": (), "urgency": 0.0,
        "risk": "low", "score": 0.0, "rank": 0, "reason": "", "evidence": {},
        "detection_id": None, "detected_at": None, "created_at": now,
        "updated_at": fields.pop("updated_at", None) or now}
    values.update(fields)
    return Need(**values)


def need_json(need: Need) -> dict[str, Any]:
    """The need as JSON-ready values, the shape `learnloop needs --json` and the API share."""
    out: dict[str, Any] = {}
    for name in Need.__slots__:
        value = getattr(need, name)
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out
