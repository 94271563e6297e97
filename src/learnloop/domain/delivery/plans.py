"""A delivery plan as L&D sees it: the need, the audience split into treated and hold-out, each
treated person's channel and send times, and its status (draft → approved → sent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from learnloop.domain.delivery.messages import Message, Why

__all__ = ["DeliveryPlan", "PlanStatus", "Planned"]


class PlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"


@dataclass(frozen=True, slots=True)
class Planned:
    person_key: str
    team_key: str
    channel: str
    send_at: tuple[datetime, ...]


@dataclass(frozen=True, slots=True)
class DeliveryPlan:
    key: str
    need_key: str | None
    pack_key: str | None
    status: PlanStatus
    holdout_fraction: float
    seed: int
    message: Message
    why: Why
    groups: dict[str, str]  # person key → treated | holdout
    planned: tuple[Planned, ...]
    settings: dict[str, Any]
    created_at: datetime
    approved_at: datetime | None
    approved_by: str | None
    intervention_id: int | None

    @property
    def treated(self) -> int:
        return sum(group == "treated" for group in self.groups.values())

    @property
    def held_out(self) -> int:
        return sum(group == "holdout" for group in self.groups.values())

    @property
    def sends(self) -> int:
        return sum(len(p.send_at) for p in self.planned)
