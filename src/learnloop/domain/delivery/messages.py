"""What a delivery says: its message (title, text, HTML, links) and its "why", in plain words.

Statuses, channels and interactions are named once here; the store and the surfaces use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["DEAD_LETTER", "Channel", "DeliveryStatus", "Interaction", "Message", "Why"]


class Channel(StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    SLACK = "slack"
    TEAMS = "teams"
    WEBHOOK = "webhook"


class DeliveryStatus(StrEnum):
    PENDING = "pending"      # waiting for its send time or its worker
    SENDING = "sending"      # an attempt is recorded and the channel is being called
    RETRYING = "retrying"    # a transient failure: tried again after a back-off
    SENT = "sent"
    DEAD = "dead"            # in the dead-letter list: a permanent failure, or out of tries
    IN_DOUBT = "in_doubt"    # a worker stopped mid-send: the peer may have it; never resent blindly
    CANCELLED = "cancelled"


# what the dead-letter list shows and an admin may replay
DEAD_LETTER = (DeliveryStatus.DEAD, DeliveryStatus.IN_DOUBT)


class Interaction(StrEnum):
    OPEN = "open"
    COMPLETE = "complete"
    RATE = "rate"
    ANSWER = "answer"
    NOT_RELEVANT = "not-relevant"


@dataclass(frozen=True, slots=True)
class Why:
    """Why this person sees this: the need, the evidence in plain words, and what data was used."""

    need: str | None
    reason: str
    evidence: tuple[str, ...] = ()
    data_used: tuple[str, ...] = ()
    need_key: str | None = None  # where "not relevant" is fed back to

    def as_dict(self) -> dict[str, Any]:
        return {"need": self.need, "reason": self.reason, "evidence": list(self.evidence),
                "data_used": list(self.data_used), "need_key": self.need_key}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Why:
        return cls(need=data.get("need"), reason=str(data.get("reason", "")),
                   evidence=tuple(data.get("evidence", ())),
                   data_used=tuple(data.get("data_used", ())), need_key=data.get("need_key"))

    def plain(self) -> str:
        lines = [f"Why you are seeing this: {self.reason}"]
        lines += [f"- {line}" for line in self.evidence]
        if self.data_used:
            lines.append("Data used: " + ", ".join(self.data_used) + ".")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Message:
    """The content of a delivery: a title, paragraphs, named links (open, rate, …) and, for
    practice, a role-play to play in the inbox."""

    title: str
    paragraphs: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict)
    practice: dict[str, Any] | None = None  # a role-play component's body, to practise

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "paragraphs": list(self.paragraphs),
                "links": dict(self.links), "practice": self.practice}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        return cls(title=str(data.get("title", "")),
                   paragraphs=tuple(str(p) for p in data.get("paragraphs", ())),
                   links={str(k): str(v) for k, v in (data.get("links") or {}).items()},
                   practice=data.get("practice"))
