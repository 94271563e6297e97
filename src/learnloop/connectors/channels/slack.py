"""Slack: the Web API's `chat.postMessage` with Block Kit, through `slack-sdk`, to the person's
Slack user id (a direct message from the app). The idempotency key travels as message metadata.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from learnloop.connectors.channels.base import (
    SEND_TIMEOUT_SECONDS,
    Channel,
    ChannelFailure,
    Outgoing,
)

__all__ = ["SlackChannel", "slack_blocks"]

# errors Slack documents as passing; any other error code is a refusal
_TRANSIENT = {"ratelimited", "internal_error", "service_unavailable", "fatal_error",
              "request_timeout", "team_added_to_org"}


def _text(value: str) -> str:
    # Slack mrkdwn: &, < and > are the only characters it asks to escape
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_blocks(outgoing: Outgoing) -> list[dict[str, Any]]:
    message, why = outgoing.message, outgoing.why
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": message.title[:150]}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": _text(p)[:3000]}}
               for p in message.paragraphs]
    buttons = [{"type": "button", "text": {"type": "plain_text", "text": name.replace("-", " ")},
                "url": url, "action_id": f"learnloop_{name}"}
               for name, url in message.links.items()]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons[:5]})
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": _text(f"Why you are seeing this: {why.reason}")[:3000]}]})
    return blocks


class SlackChannel(Channel):
    name = "slack"

    def __init__(self, *, token: str, base_url: str) -> None:
        # no retry handlers: retries are the outbox's, which records each attempt
        self.client = WebClient(token=token, base_url=base_url,
                                timeout=int(SEND_TIMEOUT_SECONDS), retry_handlers=[])

    def send(self, outgoing: Outgoing) -> str:
        user = outgoing.recipient.slack_user
        if not user:
            raise ChannelFailure(f"{outgoing.recipient.key} has no Slack user id",
                                 transient=False)
        try:
            answer = self.client.chat_postMessage(
                channel=user, text=outgoing.message.title, blocks=slack_blocks(outgoing),
                metadata={"event_type": "learnloop_delivery",
                          "event_payload": {"idempotency_key": outgoing.idempotency_key}})
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response is not None else ""
            status = error.response.status_code if error.response is not None else 0
            raise ChannelFailure(f"Slack: {code or status}",
                                 transient=code in _TRANSIENT or status == 429
                                 or status >= 500) from error
        except (SlackClientError, OSError) as error:
            raise ChannelFailure(f"Slack unreachable: {error}", transient=True) from error
        return str(answer.get("ts", ""))
