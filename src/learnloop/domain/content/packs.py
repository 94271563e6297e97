"""A content pack and its components as the rest of learnloop reads them.

A component is one version of one reusable piece (summary, quiz …) with its provenance,
usage and checks; a pack groups components made from one source version for a need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from learnloop.domain.content.chunks import Chunk

__all__ = ["Component", "Pack", "SourceChunks"]


@dataclass(frozen=True, slots=True)
class Component:
    id: int
    key: str
    version: int
    kind: str
    title: str
    body: dict[str, Any]
    source_key: str
    source_version: int
    engine: str
    model: str
    prompt_version: str
    chunk_ids: tuple[str, ...]
    input_tokens: int
    output_tokens: int
    cost_usd: float
    cached: bool
    checks: dict[str, Any] | None  # None: no checks were run on it
    created_at: datetime

    @property
    def offline(self) -> bool:
        return self.engine == "offline"


@dataclass(frozen=True, slots=True)
class Pack:
    id: int
    title: str
    source_key: str
    source_title: str
    source_version: int
    need_id: int | None
    need_key: str | None
    engine: str
    model: str
    modality: dict[str, Any]
    input_tokens: int
    output_tokens: int
    cost_usd: float
    created_by: str
    created_at: datetime
    components: tuple[Component, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class SourceChunks:
    """One version of one source with its chunks, what generation reads."""

    document_id: int
    key: str
    title: str
    version: int
    chunks: tuple[Chunk, ...]
    origin: str = ""  # where the version was imported from (a file name or an address)
