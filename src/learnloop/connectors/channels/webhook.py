"""A generic webhook: the delivery as JSON, signed with HMAC-SHA256 over "<timestamp>.<body>"
(`X-Learnloop-Timestamp`, `X-Learnloop-Signature: sha256=<hex>`), with an `Idempotency-Key`."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from learnloop.connectors.channels.base import (
    SEND_TIMEOUT_SECONDS,
    Channel,
    ChannelFailure,
    Outgoing,
    http_failure,
)

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "WebhookChannel", "signature"]

SIGNATURE_HEADER = "X-Learnloop-Signature"
TIMESTAMP_HEADER = "X-Learnloop-Timestamp"


def signature(secret: str, *, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class WebhookChannel(Channel):
    name = "webhook"
    peer_deduplicates = True  # documented: receivers drop a repeated Idempotency-Key

    def __init__(self, *, url: str, secret: str | None) -> None:
        self.url, self.secret = url, secret

    def send(self, outgoing: Outgoing) -> str:
        body = json.dumps({
            "idempotency_key": outgoing.idempotency_key,
            "recipient": {"key": outgoing.recipient.key, "email": outgoing.recipient.email},
            "message": outgoing.message.as_dict(), "why": outgoing.why.as_dict(),
        }, sort_keys=True).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json",
                   "Idempotency-Key": outgoing.idempotency_key, TIMESTAMP_HEADER: timestamp}
        if self.secret:
            headers[SIGNATURE_HEADER] = signature(self.secret, timestamp=timestamp, body=body)
        try:
            answer = httpx.post(self.url, content=body, headers=headers,
                                timeout=SEND_TIMEOUT_SECONDS)
        except httpx.HTTPError as error:
            raise ChannelFailure(f"webhook unreachable: {error}", transient=True) from error
        if answer.status_code >= 300:
            raise http_failure(answer.status_code, answer.text)
        return str(answer.status_code)
