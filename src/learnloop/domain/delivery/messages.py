"""What a delivery says: its message (title, text, HTML, links) and its "why", in plain words.

Statuses, channels and interactions are named once here; the store and the surfaces use them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["DEAD_LETTER", "Channel", "DeliveryStatus", "Interaction", "Message", "Why", "render_html",
           "render_text"]


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

    def as_dict(self) -> dict[str, Any]:
        return {"need": self.need, "reason": self.reason, "evidence": list(self.evidence),
                "data_used": list(self.data_used)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Why:
        return cls(need=data.get("need"), reason=str(data.get("reason", "")),
                   evidence=tuple(data.get("evidence", ())),
                   data_used=tuple(data.get("data_used", ())))

    def plain(self) -> str:
        lines = [f"Why you are seeing this: {self.reason}"]
        lines += [f"- {line}" for line in self.evidence]
        if self.data_used:
            lines.append("Data used: " + ", ".join(self.data_used) + ".")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Message:
    """The content of a delivery: a title, paragraphs, and named links (open, rate, …)."""

    title: str
    paragraphs: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "paragraphs": list(self.paragraphs),
                "links": dict(self.links)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        return cls(title=str(data.get("title", "")),
                   paragraphs=tuple(str(p) for p in data.get("paragraphs", ())),
                   links={str(k): str(v) for k, v in (data.get("links") or {}).items()})


_LINK_LABELS = {"open": "Open", "complete": "Mark as done", "not-relevant": "Not relevant to me",
                "rate": "Rate it"}


def render_text(message: Message, why: Why) -> str:
    parts = [message.title, "", *message.paragraphs, ""]
    parts += [f"{_LINK_LABELS.get(name, name)}: {url}" for name, url in message.links.items()]
    return "\n".join([*parts, "", why.plain()]).strip() + "\n"


def render_html(message: Message, why: Why) -> str:
    """The email's HTML part: every value escaped, no script, no remote content."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in message.paragraphs)
    links = " | ".join(f'<a href="{html.escape(url, quote=True)}">'
                       f"{html.escape(_LINK_LABELS.get(name, name))}</a>"
                       for name, url in message.links.items())
    evidence = "".join(f"<li>{html.escape(line)}</li>" for line in why.evidence)
    used = (f"<p>Data used: {html.escape(', '.join(why.data_used))}.</p>"
            if why.data_used else "")
    return (f"<html><body><h1>{html.escape(message.title)}</h1>{body}<p>{links}</p>"
            f"<hr><p><strong>Why you are seeing this:</strong> {html.escape(why.reason)}</p>"
            f"<ul>{evidence}</ul>{used}</body></html>")
