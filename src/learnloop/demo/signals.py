"""Weekly team KPI series with noise and seasonality, plus the two injected changes.

The dip (a skill gap) and the process change are multiplied into the series from their week on.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

from learnloop.demo.catalogue import METRICS, TEAMS, MetricShape
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

__all__ = ["DIP_METRIC", "EVENTS_PER_PERSON", "PROCESS_CHANGE_METRIC", "SIGNAL_SOURCE",
           "generate_signals"]

DIP_METRIC = "first_contact_resolution"
PROCESS_CHANGE_METRIC = "average_handle_time"
SIGNAL_SOURCE = "tidewell-bi"

# events behind a team-week's value, per person: tickets, opportunities, shipments, deploys
EVENTS_PER_PERSON: dict[str, float] = {
    "first_contact_resolution": 42, "average_handle_time": 42, "escalation_resolution_time": 9,
    "win_rate": 3, "customer_health_score": 12, "on_time_delivery": 60,
    "temperature_excursion_rate": 80, "tender_acceptance_rate": 35, "change_failure_rate": 4,
    "deployment_frequency": 3, "edi_message_success_rate": 900, "invoice_accuracy": 150,
    "time_to_hire": 1, "gross_margin": 400,
}


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


def _relative_noise(shape: MetricShape, level: float, volume: float) -> float:
    """A week's relative noise: the metric's own, plus sampling noise for a share of events
    (a rate from 200 tickets wobbles more than one from 2,000)."""
    if shape.unit != "%":
        return shape.noise
    share = min(max(level / 100, 0.001), 0.999)
    sampling = math.sqrt(share * (1 - share) / max(volume, 1)) / share
    return math.hypot(shape.noise, sampling)


def _volumes(team: str, metric: str, staff: int) -> list[float]:
    """Events behind each week's value: the team's size times a per-person rate, give or take.

    Drawn from a generator of their own, so adding volumes left every KPI value as it was.
    """
    draw = random.Random(f"{team}:{metric}")
    rate = EVENTS_PER_PERSON.get(metric, 5) * max(staff, 1)
    return [float(max(1, round(rate * (1 + draw.gauss(0, 0.08))))) for _ in range(WEEKS)]


def generate_signals(rng: random.Random, *, staff: Mapping[str, int] | None = None
                     ) -> tuple[Signal, ...]:
    """WEEKS values per team and metric, oldest first, one Signal per week, each with the number
    of events behind it (from `staff`: head count per team)."""
    signals: list[Signal] = []
    for plan in TEAMS:
        for metric in plan.metrics:
            volumes = _volumes(plan.key, metric, (staff or {}).get(plan.key, 1))
            shape = METRICS[metric]
            # teams differ a little, never so much that a percentage passes 100
            spread = min(0.03, (100 - shape.base) / shape.base / 2) if shape.unit == "%" else 0.03
            level = shape.base * (1 + rng.uniform(-spread, spread))
            phase = rng.uniform(0, 2 * math.pi)
            for week in range(WEEKS):
                seasonal = 1 + shape.seasonal * math.sin(2 * math.pi * week / 52 + phase)
                noise = 1 + rng.gauss(0, _relative_noise(shape, level, volumes[week]))
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
                        volume=volumes[week],
                    )
                )
    return tuple(signals)
