"""Request bodies of the review routes (api/routes/reviews.py)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from learnloop.api.incoming import Incoming

__all__ = ["AnchorIn", "CommentIn", "DecisionIn", "RetireIn"]


class _In(Incoming):
    model_config = ConfigDict(extra="forbid")


class DecisionIn(_In):
    note: str = Field(default="", max_length=4000,
                      description="Why; required for a change request")


class AnchorIn(_In):
    item: int | None = Field(default=None, ge=0, le=10_000,
                             description="Index of the item (as `items` numbers them)")
    field: str | None = Field(default=None, max_length=200,
                              description="A body path, e.g. questions[0].options[1]")
    start: int | None = Field(default=None, ge=0, le=1_000_000)
    end: int | None = Field(default=None, ge=0, le=1_000_000)


class CommentIn(_In):
    text: str = Field(min_length=1, max_length=4000)
    anchor: AnchorIn = Field(default_factory=AnchorIn)


class RetireIn(_In):
    reason: str = Field(default="", max_length=1000)
