"""What learnloop asks of a language model: one JSON answer fitting a Pydantic schema, with the
tokens it cost. Providers (openai_compatible, anthropic) implement `ChatModel` over HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

__all__ = ["ChatModel", "ChatResult", "Prices", "Usage"]

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens one or more model calls used and what they cost; a cached answer costs nothing."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(input_tokens=self.input_tokens + other.input_tokens,
                     output_tokens=self.output_tokens + other.output_tokens,
                     cost_usd=self.cost_usd + other.cost_usd)


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
