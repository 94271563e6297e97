"""Signals: KPI values and work observations about a person, a team or the whole organisation.

They arrive by file or webhook and are what the sensing agent watches for changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["Signal", "SubjectType", "signal_key"]


class SubjectType(StrEnum):
    PERSON = "person"
    TEAM = "team"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class Signal:
    key: str
    metric: str
    subject_type: SubjectType
    subject_key: str | None
    observed_at: datetime
    value: float
    source: str


def signal_key(*, source: str, metric: str, subject_type: str, subject_key: str | None,
               observed_at: datetime) -> str:
    """A stable id for a signal sent without one, so re-sending it never duplicates it."""
    return f"{source}|{metric}|{subject_type}:{subject_key or '-'}|{observed_at.isoformat()}"
