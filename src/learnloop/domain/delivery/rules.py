"""Moment-of-need rules: which incoming signal values trip a rule, and for whom.

A threshold rule trips when a value of its metric is below (`below`) or above (`above`) the
threshold; the people concerned are the signal's person, or everyone in its team.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["RuleTrigger", "Trip", "ThresholdRule", "trips"]


class RuleTrigger(StrEnum):
    BELOW = "below"
    ABOVE = "above"
    DETECTION = "detection"  # a new detection of the sensing agent on the rule's metric


@dataclass(frozen=True, slots=True)
class ThresholdRule:
    key: str
    metric: str
    trigger: RuleTrigger
    threshold: float | None


@dataclass(frozen=True, slots=True)
class Trip:
    rule_key: str
    subject_type: str
    subject_key: str
    value: float
    signal_key: str


def trips(rules: list[ThresholdRule], signals: list[dict]) -> list[Trip]:
    """Every (rule, signal) pair that trips; `signals` are the webhook's records."""
    by_metric: dict[str, list[ThresholdRule]] = {}
    for rule in rules:
        if rule.trigger is not RuleTrigger.DETECTION and rule.threshold is not None:
            by_metric.setdefault(rule.metric, []).append(rule)
    found: list[Trip] = []
    for signal in signals:
        for rule in by_metric.get(str(signal.get("metric")), ()):
            try:
                value = float(signal["value"])
            except (KeyError, TypeError, ValueError):
                continue
            below = rule.trigger is RuleTrigger.BELOW and value < rule.threshold
            above = rule.trigger is RuleTrigger.ABOVE and value > rule.threshold
            if below or above:
                found.append(Trip(rule.key, str(signal.get("subject_type")),
                                  str(signal.get("subject")), value,
                                  str(signal.get("id") or signal.get("key") or "")))
    return found
