"""Model servers for tests: an OpenAI-compatible chat-completions server and an Anthropic
Messages server on 127.0.0.1, answering from a script and recording every request they get.

    with ModelServer("openai", script=[Status(429, headers={"Retry-After": "0"}),
                                       Answer({"text": "..."})]) as server:
        model = OpenAICompatibleModel(base_url=server.url, model="m")

When the script runs out, `responder(request_body)` decides the reply (content tests can answer
from the request's schema); without one the server answers 500.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

__all__ = [
    "Answer", "ModelServer", "Recorded", "Stall", "Status", "grounded_answer", "material_of",
    "prompt_of", "schema_of", "system_of",
]


@dataclass(frozen=True)
class Answer:
    """A 200 answer: `value` a JSON value the model "wrote", or `text` sent as written (for
    malformed JSON). `truncated` marks the answer as cut off at the token limit."""

    value: Any = None
    text: str | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Status:
    """An error answer with this status, body and headers (a 429 with Retry-After, a 503)."""

    code: int
    body: dict[str, Any] = field(default_factory=lambda: {"error": {"message": "scripted"}})
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Stall:
    """No answer for `seconds` (the client times out first), then a 200 nobody reads."""

    seconds: float


Step = Answer | Status | Stall


@dataclass(frozen=True)
class Recorded:
    path: str
    query: str
    headers: dict[str, str]
    body: dict[str, Any]


def schema_of(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema a request asks the answer to fit (either protocol)."""
    if "response_format" in body:
        return body["response_format"]["json_schema"]["schema"]
    return body["tools"][0]["input_schema"]


def system_of(body: dict[str, Any]) -> str:
    if "system" in body:
        return body["system"]
    return next(m["content"] for m in body["messages"] if m["role"] == "system")


def prompt_of(body: dict[str, Any]) -> str:
    """The first user turn: the prompt that carries the data."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class ModelServer:
    """One server speaking `kind`'s protocol; `requests` lists what it received, in order."""

    def __init__(self, kind: Literal["openai", "anthropic"], *, script: list[Step] | None = None,
                 responder: Callable[[dict[str, Any]], Step] | None = None,
                 api_key: str | None = None) -> None:
        self.kind = kind
        self.script = list(script or [])
        self.responder = responder
        self.api_key = api_key  # when set, a request without it gets 401
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        base = f"http://{host}:{port}"
        return f"{base}/v1" if self.kind == "openai" else base

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict[str, Any]) -> Step:
        with self._lock:
            if self.script:
                return self.script.pop(0)
        if self.responder is not None:
            return self.responder(body)
        return Status(500, {"error": {"message": "the test script ran out"}})

    def _problem(self, path: str, headers: dict[str, str], body: Any) -> Status | None:
        """What a real server would refuse: wrong path, no key, a body missing its fields."""
        expected = "/v1/chat/completions" if self.kind == "openai" else "/v1/messages"
        if path != expected:
            return Status(404, {"error": {"message": f"no route {path}"}})
        if self.api_key is not None:
            given = (headers.get("authorization", "").removeprefix("Bearer ")
                     if self.kind == "openai" else headers.get("x-api-key"))
            if given != self.api_key and headers.get("api-key") != self.api_key:
                return Status(401, {"error": {"message": "invalid api key"}})
        needed = ("model", "messages") if self.kind == "openai" else (
            "model", "messages", "max_tokens")
        if not isinstance(body, dict) or any(key not in body for key in needed):
            return Status(400, {"error": {"message": f"the body needs {needed}"}})
        if self.kind == "anthropic" and "anthropic-version" not in headers:
            return Status(400, {"error": {"message": "anthropic-version header missing"}})
        return None

    def _payload(self, body: dict[str, Any], answer: Answer) -> dict[str, Any]:
        text = answer.text if answer.text is not None else json.dumps(answer.value)
        used_in = _tokens(json.dumps(body))
        used_out = _tokens(text)
        if self.kind == "openai":
            return {
                "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "length" if answer.truncated else "stop"}],
                "usage": {"prompt_tokens": used_in, "completion_tokens": used_out,
                          "total_tokens": used_in + used_out},
            }
        if answer.text is not None or not body.get("tools"):
            content = [{"type": "text", "text": text}]
            stop = "end_turn"
        else:
            content = [{"type": "tool_use", "id": f"toolu_{len(self.requests)}",
                        "name": body["tools"][0]["name"], "input": answer.value}]
            stop = "tool_use"
        return {
            "id": "msg_test", "type": "message", "role": "assistant", "model": body["model"],
            "content": content, "stop_reason": "max_tokens" if answer.truncated else stop,
            "usage": {"input_tokens": used_in, "output_tokens": used_out},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server hook's name
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                path, _, query = self.path.partition("?")
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with server._lock:
                    server.requests.append(Recorded(path, query, headers, body))
                step = server._problem(path, headers, body) or server._next(body)
                if isinstance(step, Stall):
                    time.sleep(step.seconds)
                    step = Answer({})
                if isinstance(step, Status):
                    self._send(step.code, step.body, step.headers)
                else:
                    self._send(200, server._payload(body, step), {})

            def _send(self, code: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(code)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler


def material_of(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON material a request carries between its <source_data> delimiters."""
    prompt = prompt_of(body)
    inside = prompt.split("<source_data>", 1)[1].rsplit("</source_data>", 1)[0]
    return json.loads(inside)


def _kind(body: dict[str, Any]) -> str:
    properties = schema_of(body)["properties"]
    if "texts" in properties:
        return "translation"
    kind = properties["kind"]
    return kind.get("const") or kind.get("default") or kind["enum"][0]


def _sentences(material: dict[str, Any]) -> list[tuple[str, str]]:
    """(chunk id, sentence) pairs of the material, longest sentences of each chunk first."""
    found = []
    for chunk in material["chunks"]:
        parts = [part.strip(" -*|#") for part in re.split(r"(?<=[.!?])\s+|\n+", chunk["text"])]
        found.extend((chunk["id"], part) for part in parts if len(part.split()) >= 6)
    return found or [(chunk["id"], chunk["text"]) for chunk in material["chunks"]]


def grounded_answer(body: dict[str, Any]) -> Answer:
    """A model that does its job: a valid answer of the requested kind built from the source's
    own sentences, each citing the chunk it comes from (a responder for ModelServer)."""
    material = material_of(body)
    kind = _kind(body)
    if kind == "translation":
        language = material["target_language"]
        return Answer({"title": f"[{language}] {material['title']}", "texts": [
            {"index": text["index"], "text": f"[{language}] {text['text']}"}
            for text in material["texts"]]})
    pairs = _sentences(material)

    def statement(i: int) -> dict[str, Any]:
        chunk_id, sentence = pairs[i % len(pairs)]
        return {"text": sentence, "citations": [{"chunk_id": chunk_id, "quote": sentence}]}

    title = f"{material['source_title']}: {kind.replace('_', ' ')}"
    statements = [statement(i) for i in range(min(5, len(pairs)))]
    if kind in ("summary", "key_points"):
        field = "sentences" if kind == "summary" else "points"
        return Answer({"kind": kind, "title": title, field: statements})
    if kind == "job_aid":
        return Answer({"kind": kind, "title": title, "format": "checklist", "steps": statements})
    if kind == "knowledge_check":
        questions = []
        for i in range(min(4, len(pairs))):
            chunk_id, sentence = pairs[i]
            options = ["As the source says", "The opposite", "Never", "Only on Fridays"]
            answer = i % 4
            options[0], options[answer] = options[answer], options[0]
            questions.append({"stem": f"What does the policy say here: {sentence[:80]}?",
                              "options": options, "answer": answer, "rationale": sentence,
                              "citation": {"chunk_id": chunk_id, "quote": sentence}})
        return Answer({"kind": kind, "title": title, "questions": questions})
    if kind == "flashcards":
        cards = []
        for i in range(min(6, len(pairs))):
            chunk_id, sentence = pairs[i]
            term = max(sentence.split(), key=len).strip(".,;:()")
            cards.append({"front": sentence.replace(term, "_____", 1), "back": term,
                          "citations": [{"chunk_id": chunk_id, "quote": sentence}]})
        return Answer({"kind": kind, "title": title, "cards": cards})
    if kind == "role_play":
        rubric = [{"criterion": s["text"], "points": 2, "citations": s["citations"]}
                  for s in statements[:3]]
        return Answer({"kind": kind, "title": title, "situation": "A customer calls.",
                       "counterpart_brief": "An upset customer.", "learner_goal": "Apply it.",
                       "facts": statements[:3], "rubric": rubric})
    if kind == "manager_brief":
        return Answer({"kind": kind, "title": title, "what_changed": statements[:2],
                       "what_to_look_for": statements[2:4] or statements[:1],
                       "discussion_questions": ["What gets in the way?"]})
    raise ValueError(f"no grounded answer for {kind}")
