"""The in-app inbox: the delivery row is the inbox entry, so sending only marks it there."""

from __future__ import annotations

from learnloop.connectors.channels.base import Channel, Outgoing

__all__ = ["InboxChannel"]


class InboxChannel(Channel):
    name = "inbox"
    peer_deduplicates = True  # the row is keyed by its idempotency key

    def send(self, outgoing: Outgoing) -> str:
        return f"inbox:{outgoing.idempotency_key}"
