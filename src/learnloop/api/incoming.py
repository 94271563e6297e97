"""The base of request bodies: no text anywhere in a body (nested objects and lists too) may hold
a NUL character, which PostgreSQL can store neither in text nor in JSONB; such a body is a 422
naming the rule, on every database alike."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator

__all__ = ["Incoming", "holds_nul"]


def holds_nul(value: Any) -> bool:
    """Whether a NUL character stands in any text of `value` (keys included)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    return False


class Incoming(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if holds_nul(data):
            raise ValueError("text may not contain NUL (\\u0000) characters")
        return data
