"""The pulse import's writes: one aggregate score per survey, team, question and period.

Results are keyed by those four, not by a key of their own: a survey tool exports no ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import sync_rows

__all__ = ["write_pulse"]

PulseKey = tuple[str, int, str, date]  # survey, team id, question, period


def write_pulse(session: Session, *, organisation_id: int,
                results: Mapping[PulseKey, Mapping[str, Any]], rows: int,
                batch_size: int) -> Counts:
    """Upsert `results` ((survey, team id, question, period) → score, responses)."""
    synced = sync_rows(session, tables.PulseResult, organisation_id=organisation_id,
                       rows=results, key_columns=("survey", "team_id", "question", "period"),
                       compared=("score", "responses"), batch_size=batch_size)
    return synced.counts(rows)
