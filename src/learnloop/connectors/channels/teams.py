"""Microsoft Teams: an Adaptive Card posted to an incoming webhook or a Workflows URL.
The card's body names the idempotency key, so a Workflows flow can drop a repeat."""

from __future__ import annotations

from typing import Any

import httpx

from learnloop.connectors.channels.base import (
    SEND_TIMEOUT_SECONDS,
    Channel,
    ChannelFailure,
    Outgoing,
    http_failure,
)

__all__ = ["TeamsChannel", "adaptive_card"]


def adaptive_card(outgoing: Outgoing) -> dict[str, Any]:
    message, why = outgoing.message, outgoing.why
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.title, "weight": "Bolder", "size": "Medium",
         "wrap": True}]
    body += [{"type": "TextBlock", "text": p, "wrap": True} for p in message.paragraphs]
    body.append({"type": "TextBlock", "text": f"Why you are seeing this: {why.reason}",
                 "isSubtle": True, "wrap": True})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body,
            "actions": [{"type": "Action.OpenUrl", "title": name.replace("-", " "), "url": url}
                        for name, url in message.links.items()],
            "metadata": {"webUrl": message.links.get("open", "")},
            "learnloop": {"idempotency_key": outgoing.idempotency_key,
                          "recipient": outgoing.recipient.email or outgoing.recipient.key}}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
         "content": card}]}


class TeamsChannel(Channel):
    name = "teams"

    def __init__(self, *, url: str) -> None:
        self.url = url

    def send(self, outgoing: Outgoing) -> str:
        try:
            answer = httpx.post(self.url, json=adaptive_card(outgoing),
                                headers={"Idempotency-Key": outgoing.idempotency_key},
                                timeout=SEND_TIMEOUT_SECONDS)
        except httpx.HTTPError as error:
            raise ChannelFailure(f"Teams unreachable: {error}", transient=True) from error
        # legacy connectors answer 200 with the error in the text
        if answer.status_code >= 300 or "HTTP error 429" in answer.text:
            status = 429 if "HTTP error 429" in answer.text else answer.status_code
            raise http_failure(status, answer.text)
        return answer.headers.get("request-id", str(answer.status_code))
