"""The JSON shapes of the needs queue and the priorities: what the needs and priorities routes
answer and accept (kept apart from schemas.py, which holds the shared shapes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from learnloop.api.incoming import Incoming
from learnloop.domain.needs import Need, need_json
from learnloop.domain.needs_ranking import pushed

__all__ = ["NeedDetail", "NeedOut", "NeedStatusChange", "PriorityChange", "PriorityEdit",
           "PriorityOut"]


class NeedOut(BaseModel):
    """One need of the queue, as ranked by the needs agent and steered by L&D."""

    id: int
    key: str = Field(description="Stable across runs: `training:<team>:<skill>`, "
                                 "`investigate:<team>:<metric>:<start>` or "
                                 "`request:<objective>:<skill>`")
    title: str
    status: str = Field(description="`open`, `accepted`, `in_progress`, `resolved`, `dismissed`")
    kind: str = Field(description="`training`, or `investigate`: investigate before training, "
                                  "training will not fix the cause")
    nature: str = Field(description="`procedural`, `interpersonal` or `knowledge`")
    skill_key: str | None
    objective_key: str | None
    kpi_metric: str | None = Field(description="The KPI the need should move")
    kpi_direction: str | None = Field(description="`up` or `down`: the way the KPI should move")
    behaviour_metrics: list[str]
    team_keys: list[str]
    role_keys: list[str]
    person_keys: list[str] = Field(description="The people below the required level")
    urgency: float
    risk: str
    score: float = Field(description="gap × priority weight × people × confidence × (1 + urgency)")
    rank: int = Field(description="1 is the top of the queue")
    pushed: bool = Field(description="Whether a priority objective stands behind it; a need that "
                                     "is not pushed ranks below every pushed one")
    reason: str = Field(description="Why, in plain words, naming the evidence")
    gap: float | None = Field(description="Mean shortfall below the required level (0-4 scale)")
    gap_lower: float | None
    gap_upper: float | None
    weight: float
    confidence: float
    detection_id: int | None
    detected_at: date | None
    status_reason: str
    status_changed_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_need(cls, need: Need) -> NeedOut:
        return cls(**_fields(need, cls))


class NeedDetail(NeedOut):
    evidence: dict[str, Any] = Field(description="The chain behind the need: the detection, the "
                                                 "gap, the people, the priority")

    @classmethod
    def from_need(cls, need: Need) -> NeedDetail:
        return cls(**_fields(need, cls))


def _fields(need: Need, model: type[BaseModel]) -> dict[str, Any]:
    values = {**need_json(need), "pushed": pushed(need)}
    return {name: values[name] for name in model.model_fields}


class NeedStatusChange(Incoming):
    model_config = ConfigDict(extra="forbid")
    status: str = Field(description="open, accepted, in_progress, resolved or dismissed")
    reason: str = Field(default="", max_length=2000,
                        description="Why; required to dismiss")


class PriorityOut(BaseModel):
    objective: str
    title: str
    priority: bool
    weight: float
    reason: str | None
    owner: str | None
    skills: list[str]
    teams: list[str]
    kpis: list[str]


class PriorityChange(Incoming):
    model_config = ConfigDict(extra="forbid")
    priority: bool | None = None
    weight: float | None = Field(default=None, description="0-1")
    reason: str | None = Field(default=None, max_length=2000)


class PriorityEdit(BaseModel):
    """One edit: who made it, when, the old and the new values."""

    event: int
    at: datetime
    actor: str
    objective: str
    title: str | None
    old: dict[str, Any]
    new: dict[str, Any]
