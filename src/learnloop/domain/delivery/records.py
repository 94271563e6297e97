"""Deliveries as the surfaces read them: one record per delivery, and a channel's health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from learnloop.domain.delivery.messages import Message, Why

__all__ = ["ChannelHealth", "DeliveryRecord"]


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    id: int
    key: str
    person_key: str
    channel: str
    kind: str
    plan_key: str | None
    message: Message
    why: Why
    status: str
    attempts: int
    last_error: str | None
    send_after: datetime
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None
    opened_at: datetime | None
    completed_at: datetime | None
    rating: int | None
    comment: str | None
    not_relevant_at: datetime | None


@dataclass(frozen=True, slots=True)
class ChannelHealth:
    channel: str
    configured: bool
    sent: int
    waiting: int
    retrying: int
    dead: int
    in_doubt: int
    attempts_24h: int
    failures_24h: int
    last_error: str | None
