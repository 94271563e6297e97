"""Put messages in the outbox for people: each person's channel (their preference, else the
configured default order), signed links, and an idempotency key that makes a repeat a no-op."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from learnloop.config import Settings
from learnloop.delivery.links import message_links
from learnloop.domain.delivery.messages import Channel, Message, Why
from learnloop.domain.events import utcnow
from learnloop.store import Session
from learnloop.store.deliveries import NewDelivery, add_deliveries
from learnloop.store.preferences import Reach, reach_of

__all__ = ["Addressed", "channel_for", "configured_channels", "queue_messages"]


def configured_channels(settings: Settings) -> list[str]:
    """Channels this deployment can send through (the inbox always)."""
    found = [Channel.INBOX.value]
    if settings.smtp_host:
        found.append(Channel.EMAIL.value)
    if settings.slack_token:
        found.append(Channel.SLACK.value)
    if settings.teams_webhook_url:
        found.append(Channel.TEAMS.value)
    if settings.webhook_url:
        found.append(Channel.WEBHOOK.value)
    return found


def default_channels(settings: Settings) -> list[str]:
    return [name.strip() for name in settings.delivery_channels.split(",") if name.strip()]


def channel_for(reach: Reach, *, settings: Settings) -> str:
    """The first channel of the person's order (or the default order) that is configured and
    can reach them; the inbox when none can."""
    available = configured_channels(settings)
    for name in reach.channels or default_channels(settings):
        if name not in available:
            continue
        if name == Channel.EMAIL and not reach.email:
            continue
        if name == Channel.SLACK and not reach.slack_user:
            continue
        return name
    return Channel.INBOX.value


class Addressed:
    """One message for one person at a time, under its idempotency key."""

    __slots__ = ("key", "message", "person_key", "send_after", "why")

    def __init__(self, *, person_key: str, key: str, message: Message, why: Why,
                 send_after: datetime | None = None) -> None:
        self.person_key, self.key, self.message, self.why = person_key, key, message, why
        self.send_after = send_after


def queue_messages(session: Session, *, organisation_id: int, settings: Settings,
                   messages: Sequence[Addressed], kind: str, plan_key: str | None = None,
                   channel: str | None = None) -> list[tuple[int, datetime]]:
    """Add one delivery per message; returns (id, send time) of the new ones, for the queue.
    A message whose key was queued before is a duplicate and is left out."""
    reach = reach_of(session, organisation_id=organisation_id,
                     person_keys=[m.person_key for m in messages])
    secret = settings.session_secret()
    now = utcnow()
    new = []
    for addressed in messages:
        person = reach[addressed.person_key]
        links = message_links(public_url=settings.public_url, secret=secret,
                              organisation_id=organisation_id, key=addressed.key)
        new.append(NewDelivery(
            person_id=person.person_id, key=addressed.key, kind=kind, plan_key=plan_key,
            channel=channel or channel_for(person, settings=settings),
            message=replace(addressed.message, links={**addressed.message.links, **links}),
            why=addressed.why, send_after=addressed.send_after or now))
    ids = add_deliveries(session, organisation_id=organisation_id, deliveries=new)
    return [(ids[d.key], d.send_after) for d in new if d.key in ids]
