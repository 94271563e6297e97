"""Delivery channels: one base (`base.Channel`), one module per channel; `channels_from_settings`
builds the ones a deployment configured."""

from learnloop.connectors.channels.base import (
    Channel,
    ChannelFailure,
    Outgoing,
    Recipient,
    channels_from_settings,
)

__all__ = ["Channel", "ChannelFailure", "Outgoing", "Recipient", "channels_from_settings"]
