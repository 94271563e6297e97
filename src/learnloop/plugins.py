"""Loads what is registered through entry points (agents, importers), failing loudly and alike.

A plugin that cannot load is a configuration error naming the entry point, never a silent skip.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any

from learnloop.errors import ConfigError

__all__ = ["load_entry_point"]


def load_entry_point(point: EntryPoint, *, what: str, call: bool = False) -> Any:
    """The object an entry point names (called, if `call`); `what` words the error."""
    try:
        loaded = point.load()
        return loaded() if call else loaded
    except Exception as error:  # noqa: BLE001 - any failure to load is a configuration error
        raise ConfigError(
            f"{what} {point.name!r} ({point.value}) failed to load: {error}"
        ) from error
