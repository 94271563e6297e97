"""Review cycle times: how long components spend in each review state, per tier and per
reviewer, computed from the transition events alone.

A state's time runs from the transition into it to the next one out (or to `now` while it is
still there: counted as open). A reviewer's time is from the component entering review to their
own decision on it (approval or change request).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

__all__ = ["CycleTimes", "Decision", "StateSpan", "Transition", "cycle_times"]


@dataclass(frozen=True, slots=True)
class Transition:
    component_id: int
    tier: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    component_id: int
    actor: str
    decision: str  # approve | request_changes
    at: datetime


@dataclass(frozen=True, slots=True)
class StateSpan:
    state: str
    hours: list[float]
    open_count: int  # of those, still in the state now

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "count": len(self.hours), "open": self.open_count,
                "median_hours": round(median(self.hours), 2) if self.hours else None,
                "mean_hours": round(sum(self.hours) / len(self.hours), 2) if self.hours
                else None, "total_hours": round(sum(self.hours), 2)}


@dataclass(frozen=True, slots=True)
class CycleTimes:
    by_tier: dict[str, list[StateSpan]]  # tier → time in each state
    by_reviewer: dict[str, dict[str, Any]]  # reviewer → decisions, hours to decide
    to_publish_hours: dict[str, list[float]]  # tier → hours from draft to published

    def to_dict(self) -> dict[str, Any]:
        return {
            "tiers": {tier: {"states": [span.to_dict() for span in spans],
                             "to_publish": _summary(self.to_publish_hours.get(tier, []))}
                      for tier, spans in self.by_tier.items()},
            "reviewers": self.by_reviewer,
        }


_ORDER = ("draft", "in_review", "changes_requested", "approved", "published", "retired")


def cycle_times(transitions: Iterable[Transition], decisions: Iterable[Decision], *,
                now: datetime) -> CycleTimes:
    by_component: dict[int, list[Transition]] = defaultdict(list)
    for transition in sorted(transitions, key=lambda item: (item.at, item.component_id)):
        by_component[transition.component_id].append(transition)
    spans: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    still: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    to_publish: dict[str, list[float]] = defaultdict(list)
    entered_review: dict[int, datetime] = {}
    for component_id, moves in by_component.items():
        tier = moves[-1].tier
        for here, after in zip(moves, [*moves[1:], None], strict=True):
            if here.to_state == "retired":
                continue
            end = after.at if after is not None else now
            spans[tier][here.to_state].append(_hours(here.at, end))
            if after is None:
                still[tier][here.to_state] += 1
            if here.to_state == "in_review":
                entered_review.setdefault(component_id, here.at)
        published = next((move.at for move in moves if move.to_state == "published"), None)
        if published is not None:
            to_publish[tier].append(_hours(moves[0].at, published))
    reviewers: dict[str, dict[str, Any]] = {}
    waits: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for decision in decisions:
        counts[decision.actor][decision.decision] += 1
        start = entered_review.get(decision.component_id)
        if start is not None:
            waits[decision.actor].append(_hours(start, decision.at))
    for actor in sorted(counts):
        reviewers[actor] = {"approvals": counts[actor].get("approve", 0),
                            "changes_requested": counts[actor].get("request_changes", 0),
                            "hours_to_decide": _summary(waits[actor])}
    return CycleTimes(
        by_tier={tier: [StateSpan(state, spans[tier][state], still[tier][state])
                        for state in _ORDER if state in spans[tier]]
                 for tier in sorted(spans)},
        by_reviewer=reviewers, to_publish_hours=dict(to_publish))


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def _summary(hours: list[float]) -> dict[str, Any]:
    return {"count": len(hours),
            "median_hours": round(median(hours), 2) if hours else None,
            "mean_hours": round(sum(hours) / len(hours), 2) if hours else None}
