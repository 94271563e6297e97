"""The kinds of series the sensing agent watches, and how a pulse question is named as a metric.

A detection carries its kind so the surfaces can tell a team's KPI from a pulse score or a person.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

__all__ = ["PULSE_PREFIX", "SeriesKind", "pulse_metric"]

PULSE_PREFIX = "pulse:"
_METRIC_LENGTH = 128  # detections.metric


class SeriesKind(StrEnum):
    TEAM_METRIC = "team_metric"        # a team's KPI, from its own rows or its people's
    PULSE_QUESTION = "pulse_question"  # a team's score on one pulse question
    PERSON = "person"                  # one person's own KPI values


def pulse_metric(question: str) -> str:
    """The metric name a pulse question's detections are stored under: `pulse:` and the
    question, shortened with a digest of the whole question when it would not fit."""
    name = PULSE_PREFIX + question
    if len(name) <= _METRIC_LENGTH:
        return name
    digest = hashlib.sha256(question.encode()).hexdigest()[:10]
    return f"{name[:_METRIC_LENGTH - 12]}~{digest}"
