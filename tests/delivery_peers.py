"""Real local peers for the delivery channels: an SMTP server (aiosmtpd) and HTTP servers on
127.0.0.1 speaking the Slack Web API (`chat.postMessage`) and the Teams webhook format.

Each peer can be told to fail the next N requests (transiently or for good) or to hang, and keeps
what it accepted, so tests count deliveries as the receiving side sees them.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from server_support import free_port


@dataclass
class Script:
    """What the peer does with the next requests: a list of answers consumed in order
    ("ok", "transient", "permanent", "hang"); when empty, "ok"."""

    answers: list[str] = field(default_factory=list)
    hang_seconds: float = 30.0
    received: threading.Event = field(default_factory=threading.Event)

    def next(self) -> str:
        return self.answers.pop(0) if self.answers else "ok"


class _SmtpHandler:
    def __init__(self, peer: SmtpPeer) -> None:
        self.peer = peer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        import asyncio

        answer = self.peer.script.next()
        self.peer.script.received.set()
        if answer == "transient":
            return "451 4.3.0 try again later"
        if answer == "permanent":
            return "554 5.7.1 refused"
        if answer == "hang":
            self.peer.in_doubt.append(message_from_bytes(envelope.content))
            await asyncio.sleep(self.peer.script.hang_seconds)
            return "451 4.3.0 gave up"
        if answer == "drop":  # took the message, then the connection went before the answer
            self.peer.in_doubt.append(message_from_bytes(envelope.content))
            server.transport.close()
            return "250 never heard"
        self.peer.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"


class SmtpPeer:
    def __init__(self) -> None:
        self.script = Script()
        self.messages: list[Message] = []
        self.in_doubt: list[Message] = []  # taken, with no answer given yet
        self.port = free_port()
        self.controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpPeer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class _HttpPeer:
    """A ThreadingHTTPServer whose handler calls `answer(path, headers, body)`."""

    def __init__(self) -> None:
        self.script = Script()
        self.requests: list[dict[str, Any]] = []
        self.port = free_port()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, payload = peer.answer(self.path, self.headers, body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, headers: Any, body: bytes) -> tuple[int, dict, Any]:
        raise NotImplementedError


class SlackPeer(_HttpPeer):
    """The Slack Web API's chat.postMessage: bearer token, JSON body, `{"ok": …}` answers."""

    token = "xoxb-test-token"

    def answer(self, path: str, headers: Any, body: bytes) -> tuple[int, dict, Any]:
        if path.rstrip("/") != "/api/chat.postMessage":
            return 200, {}, {"ok": False, "error": "unknown_method"}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        request = json.loads(body or b"{}")
        scripted = self.script.next()
        self.script.received.set()
        if scripted == "transient":
            return 429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}
        if scripted == "permanent":
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        if scripted == "hang":
            time.sleep(self.script.hang_seconds)
        self.requests.append(request)
        return 200, {}, {"ok": True, "channel": request.get("channel"),
                         "ts": f"{time.time():.6f}", "message": {"text": request.get("text")}}


class TeamsPeer(_HttpPeer):
    """A Teams incoming webhook: a message with an Adaptive Card attachment; answers "1"."""

    def answer(self, path: str, headers: Any, body: bytes) -> tuple[int, dict, Any]:
        request = json.loads(body or b"{}")
        scripted = self.script.next()
        self.script.received.set()
        if scripted == "transient":
            return 503, {}, b"Service unavailable"
        if scripted == "permanent":
            return 400, {}, b"Bad payload received by generic incoming webhook."
        attachments = request.get("attachments") or []
        if request.get("type") != "message" or not attachments or attachments[0].get(
                "contentType") != "application/vnd.microsoft.card.adaptive":
            return 400, {}, b"Bad payload received by generic incoming webhook."
        self.requests.append(request)
        return 200, {}, b"1"


class WebhookPeer(_HttpPeer):
    """A receiver that drops a repeated Idempotency-Key, as the webhook channel documents."""

    def __init__(self) -> None:
        super().__init__()
        self.accepted: dict[str, dict[str, Any]] = {}

    def answer(self, path: str, headers: Any, body: bytes) -> tuple[int, dict, Any]:
        scripted = self.script.next()
        self.script.received.set()
        self.requests.append({"headers": dict(headers), "body": body})
        if scripted == "hang":
            time.sleep(self.script.hang_seconds)
        if scripted == "transient":
            return 500, {}, b"down"
        if scripted == "permanent":
            return 410, {}, b"gone"
        self.accepted.setdefault(headers.get("Idempotency-Key"), json.loads(body))
        return 202, {}, b""
