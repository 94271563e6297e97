"""Weekly team KPI series with noise and seasonality, plus the two injected changes.

The dip (a skill gap) and the process change are multiplied into the series from their week on.
"""

from __future__ import annotations

import math
import random

from learnloop.demo.catalogue import METRICS, TEAMS
from learnloop.demo.people import DIP_TEAM, PROCESS_CHANGE_TEAM
from learnloop.demo.timeline import (
    DIP_SIZE,
    DIP_WEEK,
    PROCESS_CHANGE_SIZE,
    PROCESS_CHANGE_WEEK,
    WEEKS,
    week_timestamp,
)
from learnloop.domain.signals import Signal, SubjectType

__all__ = ["DIP_METRIC", "PROCESS_CHANGE_METRIC", "SIGNAL_SOURCE", "generate_signals"]

DIP_METRIC = "first_contact_resolution"
PROCESS_CHANGE_METRIC = "average_handle_time"
SIGNAL_SOURCE = "tidewell-bi"


def _injected(team: str, metric: str, week: int) -> float:
    """The factor a team's KPI is multiplied by in a week: 1 unless a change has started."""
    if team == DIP_TEAM and metric == DIP_METRIC and week >= DIP_WEEK:
        return 1.0 - DIP_SIZE
    if (
        team == PROCESS_CHANGE_TEAM
        and metric == PROCESS_CHANGE_METRIC
        and week >= PROCESS_CHANGE_WEEK
    ):
        return 1.0 + PROCESS_CHANGE_SIZE
    return 1.0


def generate_signals(rng: random.Random) -> tuple[Signal, ...]:
    """WEEKS values per team and metric, oldest first, one Signal per week."""
    signals: list[Signal] = []
    for plan in TEAMS:
        for metric in plan.metrics:
            shape = METRICS[metric]
            # teams differ a little, never so much that a percentage passes 100
            spread = min(0.03, (100 - shape.base) / shape.base / 2) if shape.unit == "%" else 0.03
            level = shape.base * (1 + rng.uniform(-spread, spread))
            phase = rng.uniform(0, 2 * math.pi)
            for week in range(WEEKS):
                seasonal = 1 + shape.seasonal * math.sin(2 * math.pi * week / 52 + phase)
                noise = 1 + rng.gauss(0, shape.noise)
                value = level * seasonal * noise * _injected(plan.key, metric, week)
                if shape.unit == "%":
                    value = min(value, 100.0)
                observed_at = week_timestamp(week)
                signals.append(
                    Signal(
                        key=f"{SIGNAL_SOURCE}:{metric}:{plan.key}:{observed_at.date().isoformat()}",
                        metric=metric,
                        subject_type=SubjectType.TEAM,
                        subject_key=plan.key,
                        observed_at=observed_at,
                        value=round(max(value, 0.0), shape.decimals),
                        source=SIGNAL_SOURCE,
                    )
                )
    return tuple(signals)
