"""The one content-engine interface: a request for one component, a validated body back.

Every engine (offline, OpenAI-compatible, Anthropic) answers with the body, where it came
from (provenance) and what it cost (usage), so a pack can show and total both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from learnloop.domain.content.chunks import Chunk
from learnloop.domain.content.components import ComponentKind

__all__ = [
    "ContentEngine",
    "GenerationRequest",
    "GenerationResult",
    "NeedBrief",
    "Provenance",
    "Usage",
]


@dataclass(frozen=True, slots=True)
class NeedBrief:
    """What an engine may know about the need a component serves (no personal data)."""

    title: str
    nature: str | None = None  # procedural | interpersonal | knowledge
    skill_key: str | None = None
    kpi_metric: str | None = None
    kpi_direction: str | None = None
    urgency: float = 0.5
    risk: str = "medium"
    audience_size: int = 0
    reason: str = ""
    key: str | None = None


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    kind: ComponentKind
    source_title: str
    chunks: tuple[Chunk, ...]
    need: NeedBrief | None = None
    target_language: str | None = None  # translation only
    base: BaseModel | None = None  # translation: the body to translate


@dataclass(frozen=True, slots=True)
class Provenance:
    engine: str  # offline | openai | anthropic
    model: str
    prompt_version: str
    chunk_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cached: bool = False

    def __add__(self, other: Usage) -> Usage:
        return Usage(input_tokens=self.input_tokens + other.input_tokens,
                     output_tokens=self.output_tokens + other.output_tokens,
                     cost_usd=self.cost_usd + other.cost_usd,
                     cached=self.cached and other.cached)


@dataclass(frozen=True, slots=True)
class GenerationResult:
    body: BaseModel
    provenance: Provenance
    usage: Usage = field(default_factory=Usage)


@runtime_checkable
class ContentEngine(Protocol):
    name: str  # "offline" | "openai" | "anthropic"
    model: str

    def generate(self, request: GenerationRequest) -> GenerationResult: ...
