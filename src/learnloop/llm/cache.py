"""Answers to identical model requests, kept in an SQLite file in the workspace so a second
generation of the same thing costs nothing. Keys and answers are the redacted forms.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["AnswerCache", "request_key"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    stored_at REAL NOT NULL,
    model TEXT NOT NULL,
    answer TEXT NOT NULL
)
"""


def request_key(request: Mapping[str, Any]) -> str:
    """The request's fingerprint: everything that shapes the answer (provider, server, model,
    system prompt, redacted prompt, schema, token limit), never the API key."""
    canonical = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class AnswerCache:
    """A file of validated answers by request key, each kept `max_age_days`.

    A file, not a database table: an answer is paid for once the server sends it, so keeping it
    must not depend on the caller's transaction committing (a pack that fails on a later step
    would roll a table row back and pay again), and the cache holds only redacted text, apart
    from the organisation's records. Several processes may share it (WAL, busy timeout)."""

    def __init__(self, path: Path, *, max_age_days: float) -> None:
        self.path = path
        self.max_age_seconds = max_age_days * 86_400

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(_SCHEMA)
        return connection

    def get(self, key: str) -> tuple[str, Any] | None:
        """(model, answer) stored for `key` within its age, or None."""
        connection = self._connect()
        try:
            row = connection.execute(
                "SELECT model, answer FROM answers WHERE key = ? AND stored_at >= ?",
                (key, time.time() - self.max_age_seconds)).fetchone()
        finally:
            connection.close()
        return None if row is None else (row[0], json.loads(row[1]))

    def put(self, key: str, *, model: str, answer: Any) -> None:
        connection = self._connect()
        try:
            with connection:
                connection.execute(
                    "INSERT OR REPLACE INTO answers (key, stored_at, model, answer) "
                    "VALUES (?, ?, ?, ?)",
                    (key, time.time(), model, json.dumps(answer, ensure_ascii=False)))
                # expired answers go as new ones arrive, so the file stays bounded
                connection.execute("DELETE FROM answers WHERE stored_at < ?",
                                   (time.time() - self.max_age_seconds,))
        finally:
            connection.close()
