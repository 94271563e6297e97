"""The offline content engine: extractive, rule-based writing with no model server.

`OfflineEngine` is the default engine; see engine.py.
"""

from learnloop.llm.offline.engine import OFFLINE_MODEL, OfflineEngine

__all__ = ["OFFLINE_MODEL", "OfflineEngine"]
