"""A component's review as the rest of learnloop reads it: its state and tier, the decisions
reviewers made in this round, and the comments anchored to parts of the component."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Anchor", "Comment", "ReviewDecision", "ReviewRecord"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a comment points: an item (index into the component's items), a field (a body
    path such as `questions[0].options[1]`) and a character span of that text."""

    item: int | None = None
    field: str | None = None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, "field": self.field, "start": self.start, "end": self.end}

    def describe(self) -> str:
        parts = ([f"item {self.item}"] if self.item is not None else []) + (
            [self.field] if self.field else []) + (
            [f"characters {self.start}–{self.end}"] if self.start is not None else [])
        return ", ".join(parts) or "the whole component"


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    actor: str
    anchor: Anchor
    text: str
    quoted: str | None  # the anchored text as it reads in this version
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    actor: str
    role: str
    decision: str  # approve | request_changes
    note: str
    round: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: int
    component_id: int
    component_key: str
    state: str
    tier: str
    tier_reasons: tuple[str, ...]
    authors: tuple[str, ...]
    round: int
    replaces_component_id: int | None
    stale_chunks: tuple[str, ...]
    stale_since: datetime | None
    note: str
    created_at: datetime
    updated_at: datetime
    decisions: tuple[ReviewDecision, ...] = field(default=())
    comments: tuple[Comment, ...] = field(default=())

    @property
    def stale(self) -> bool:
        return self.stale_since is not None
