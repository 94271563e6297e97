"""What every HTTP model provider shares: redaction, the answer cache, retries with backoff,
JSON validation with Pydantic and token accounting. A provider says only how to ask and read.
"""

from __future__ import annotations

import json
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from learnloop.config import mask_url
from learnloop.errors import ProviderError
from learnloop.llm.cache import AnswerCache, request_key
from learnloop.llm.chat import ChatResult, Prices, Usage, json_schema_of
from learnloop.llm.redaction import Redacted, Redactor, restore
from learnloop.llm.retry import RETRYABLE_STATUS, RetryPolicy, retry_after_seconds

__all__ = ["HttpChatModel", "Reply"]

T = TypeVar("T", bound=BaseModel)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer as a provider read it: JSON text, or an already parsed object (a tool call)."""

    answer: str | dict[str, Any] | None
    model: str
    input_tokens: int
    output_tokens: int
    truncated: bool = False
    assistant_turn: Any = None  # what to send back as the assistant's turn when asking again


class InvalidAnswer(Exception):
    """The model answered, but not with JSON that fits the schema."""


def _json_in(text: str) -> Any:
    """The JSON object in a text answer: bare, fenced (```json … ```), after a reasoning
    model's <think> block, or amid a small model's chatter around one object."""
    text = text.strip()
    if text.startswith("<think>") and "</think>" in text:
        text = text.split("</think>", 1)[1].strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[-1].rsplit("```", 1)[0]
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        start, end = text.find("{"), text.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(text[start:end + 1])
            except json.JSONDecodeError:
                pass
        raise InvalidAnswer(f"the answer is not valid JSON ({error})") from None


def _parse(answer: str | dict[str, Any] | None, schema: type[T]) -> T:
    if answer is None:
        raise InvalidAnswer("the answer was empty")
    if isinstance(answer, str):
        answer = _json_in(answer)
    try:
        return schema.model_validate(answer)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
            for e in error.errors()[:10])
        raise InvalidAnswer(f"the JSON does not fit the schema: {problems}") from None


def _server_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])[:300]
    return json.dumps(body)[:300]


class HttpChatModel(ABC):
    """A ChatModel over one HTTP server. Subclasses build the request and read the reply."""

    provider: str = ""

    def __init__(self, *, base_url: str, model: str, api_key: str | None = None,
                 timeout_seconds: float = 120.0, retry: RetryPolicy | None = None,
                 max_output_tokens: int = 4096, prices: Prices | None = None,
                 redactor: Redactor | None = None, cache: AnswerCache | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self.timeout_seconds = timeout_seconds
        self.retry = retry or RetryPolicy()
        self.max_output_tokens = max_output_tokens
        self.prices = prices or Prices()
        self.redactor = redactor  # None: nothing is redacted (LEARNLOOP_LLM_REDACTION=false)
        self.cache = cache
        self._sleep = sleep
        self._client: httpx.Client | None = None  # one per model: its pool and TLS setup reused

    # -- what a provider says -------------------------------------------------------------
    @abstractmethod
    def _url(self) -> str: ...

    @abstractmethod
    def _headers(self) -> dict[str, str]: ...

    def _params(self) -> dict[str, str]:
        return {}

    @abstractmethod
    def _body(self, *, system: str, messages: list[dict[str, Any]], schema_name: str,
              json_schema: dict[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def _read(self, body: Any) -> Reply: ...

    @abstractmethod
    def _ask_again(self, reply: Reply, problem: str) -> list[dict[str, Any]]:
        """The turns that show the model its invalid answer and what was wrong with it."""

    # -- the one way to ask ---------------------------------------------------------------
    def complete_json(self, *, system: str, prompt: str, schema: type[T],
                      purpose: str) -> ChatResult[T]:
        redacted = self.redactor.redact(prompt) if self.redactor else Redacted(prompt)
        json_schema = json_schema_of(schema)
        key = request_key({
            "provider": self.provider, "url": self._url(), "model": self.model,
            "system": system, "prompt": redacted.text, "schema": json_schema,
            "max_output_tokens": self.max_output_tokens,
        })
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            model, answer = hit
            value = self._restored(answer, redacted, schema)
            log.info("%s: %s answer from the cache", purpose, self.provider)
            return ChatResult(value=value, usage=Usage(cached=True), model=model, cached=True,
                              attempts=0)

        messages: list[dict[str, Any]] = [{"role": "user", "content": redacted.text}]
        usage = Usage()
        problem = "no attempt was made"
        for attempt in range(1, self.retry.retries + 2):
            reply, problem, retry_after = self._call(system, messages, schema, json_schema)
            if reply is not None:
                usage += Usage(
                    input_tokens=reply.input_tokens, output_tokens=reply.output_tokens,
                    cost_usd=self.prices.cost(reply.model or self.model,
                                              input_tokens=reply.input_tokens,
                                              output_tokens=reply.output_tokens))
                try:
                    if reply.truncated:
                        raise InvalidAnswer("the answer was cut off at the output token limit")
                    parsed = _parse(reply.answer, schema)
                except InvalidAnswer as error:
                    problem = str(error)
                    messages = [*messages, *self._ask_again(reply, problem)]
                else:
                    answer = parsed.model_dump(mode="json")
                    if self.cache is not None:
                        self.cache.put(key, model=reply.model or self.model, answer=answer)
                    value = self._restored(answer, redacted, schema)
                    return ChatResult(value=value, usage=usage, model=reply.model or self.model,
                                      cached=False, attempts=attempt)
            log.warning("%s: %s attempt %d failed: %s", purpose, self.provider, attempt, problem)
            # an invalid answer is asked again at once; a busy or failing server gets time
            if reply is None and attempt <= self.retry.retries:
                self._sleep(self.retry.wait(attempt - 1, retry_after=retry_after))
        raise ProviderError(
            f"the {self.provider} model {self.model!r} at {mask_url(self.base_url)} gave no valid "
            f"{purpose} after {self.retry.retries + 1} attempts: {problem}")

    def _call(self, system: str, messages: list[dict[str, Any]], schema: type[BaseModel],
              json_schema: dict[str, Any]) -> tuple[Reply | None, str, float | None]:
        """(reply, problem, retry_after): a reply to validate, or why there is none. A failure
        no retry can mend (a bad key, an unknown model) raises ProviderError at once."""
        body = self._body(system=system, messages=messages, schema_name=schema.__name__,
                          json_schema=json_schema)
        if self._client is None:
            self._client = httpx.Client(timeout=httpx.Timeout(
                self.timeout_seconds, connect=min(self.timeout_seconds, 10.0)))
        try:
            response = self._client.post(self._url(), params=self._params(),
                                         headers=self._headers(), json=body)
        except httpx.TimeoutException:
            return None, f"no answer within {self.timeout_seconds:g} s", None
        except httpx.TransportError as error:
            return None, f"could not reach the server ({type(error).__name__}: {error})", None
        if response.status_code in RETRYABLE_STATUS:
            return (None, f"the server answered {response.status_code}: "
                          f"{_server_message(response)}",
                    retry_after_seconds(response.headers.get("retry-after")))
        if response.status_code >= 400:
            raise ProviderError(
                f"the {self.provider} server at {mask_url(self.base_url)} refused the request "
                f"({response.status_code}): {_server_message(response)}")
        try:
            return self._read(response.json()), "", None
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            return None, f"the server's reply is not a {self.provider} answer: " \
                         f"{response.text[:200]!r}", None

    @staticmethod
    def _restored(answer: Any, redacted: Redacted, schema: type[T]) -> T:
        try:
            return schema.model_validate(restore(answer, redacted.originals))
        except ValidationError as error:
            raise ProviderError(
                f"the answer no longer fits its schema once personal data is restored: {error}"
            ) from None

    @property
    def api_key(self) -> str | None:
        return self._api_key

    def close(self) -> None:
        """Closes the connection pool; the model opens a new one if asked again."""
        if self._client is not None:
            self._client.close()
            self._client = None
