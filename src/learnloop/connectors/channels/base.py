"""What every channel is: `send(outgoing)` returns the peer's reference or raises ChannelFailure,
saying whether trying again could help. Channels do no retrying of their own: the outbox does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from learnloop.domain.delivery.messages import Message, Why

if TYPE_CHECKING:
    from learnloop.config import Settings

__all__ = ["Channel", "ChannelFailure", "Outgoing", "Recipient", "channels_from_settings"]

# seconds a channel waits for its peer; a longer hang is a transient failure
SEND_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Recipient:
    key: str
    name: str
    email: str | None
    slack_user: str | None
    time_zone: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One send: `idempotency_key` is the same for every attempt of one delivery, and is passed
    to the peer wherever its protocol has a place for it."""

    idempotency_key: str
    recipient: Recipient
    message: Message
    why: Why


class ChannelFailure(Exception):  # noqa: N818 - a failure report, not a bug
    """The peer did not take the message; `transient`: trying again later may work;
    `in_doubt`: the peer may have taken it (the connection went while it was being sent)."""

    def __init__(self, detail: str, *, transient: bool, in_doubt: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.transient = transient and not in_doubt
        self.in_doubt = in_doubt


class Channel(ABC):
    name: str
    # the peer drops a second message with the same idempotency key: resending after a crash
    # mid-send is safe. Otherwise a send in doubt is never repeated without an admin.
    peer_deduplicates: bool = False

    @abstractmethod
    def send(self, outgoing: Outgoing) -> str:
        """Hand the message to the peer; its reference (message id, ts) or ChannelFailure."""


def http_failure(status: int, detail: str) -> ChannelFailure:
    """429 and 5xx may pass; any other refusal will not."""
    return ChannelFailure(f"HTTP {status}: {detail[:300]}",
                          transient=status == 429 or status >= 500)


def channels_from_settings(settings: Settings) -> dict[str, Channel]:
    """The channels this deployment configured, by name; the inbox is always there."""
    from learnloop.connectors.channels.email import EmailChannel
    from learnloop.connectors.channels.inbox import InboxChannel
    from learnloop.connectors.channels.slack import SlackChannel
    from learnloop.connectors.channels.teams import TeamsChannel
    from learnloop.connectors.channels.webhook import WebhookChannel

    found: dict[str, Channel] = {"inbox": InboxChannel()}
    if settings.smtp_host:
        found["email"] = EmailChannel(
            host=settings.smtp_host, port=settings.smtp_port, sender=settings.smtp_sender,
            username=settings.smtp_username, starttls=settings.smtp_starttls,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password
            else None)
    if settings.slack_token:
        found["slack"] = SlackChannel(token=settings.slack_token.get_secret_value(),
                                      base_url=settings.slack_base_url)
    if settings.teams_webhook_url:
        found["teams"] = TeamsChannel(url=settings.teams_webhook_url.get_secret_value())
    if settings.webhook_url:
        found["webhook"] = WebhookChannel(
            url=settings.webhook_url,
            secret=settings.webhook_secret.get_secret_value() if settings.webhook_secret
            else None)
    return found
