"""What learnloop asks of a language model: one JSON answer fitting a Pydantic schema, with the
tokens it cost. Providers (openai_compatible, anthropic) implement `ChatModel` over HTTP.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel

from learnloop.llm.engine import Usage  # one Usage: a pack sums what its engines report

__all__ = ["ChatModel", "ChatResult", "Prices", "Usage", "json_schema_of"]

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Prices:
    """USD per million input and output tokens, by model name (LEARNLOOP_LLM_PRICES); a model
    without a price costs 0, so an unpriced local server never invents a bill."""

    per_million: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def cost(self, model: str, *, input_tokens: int, output_tokens: int) -> float:
        price = self.per_million.get(model)
        if price is None:
            return 0.0
        return (input_tokens * price[0] + output_tokens * price[1]) / 1_000_000


@dataclass(frozen=True, slots=True)
class ChatResult(Generic[T]):
    """A validated answer: `model` is the model that answered (as the server named it),
    `attempts` the calls it took (0 when it came from the cache)."""

    value: T
    usage: Usage
    model: str
    cached: bool
    attempts: int


class ChatModel(Protocol):
    """A model behind a provider: asked with a fixed system prompt, a prompt that carries the
    data, and the schema the answer must fit; raises ProviderError when no valid answer comes."""

    provider: str  # "openai" | "anthropic"
    model: str

    def complete_json(self, *, system: str, prompt: str, schema: type[T],
                      purpose: str) -> ChatResult[T]: ...


def json_schema_of(schema: type[BaseModel]) -> dict[str, Any]:
    """The schema's JSON Schema with every $ref written out in place: some servers (llama.cpp
    grammars, older vLLM) do not follow references. Component models are not recursive."""
    document = schema.model_json_schema()
    definitions = document.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                resolved = inline(copy.deepcopy(definitions[name]))
                return {**resolved, **{k: inline(v) for k, v in node.items() if k != "$ref"}}
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(document)
