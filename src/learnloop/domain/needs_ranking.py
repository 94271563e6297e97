"""Weighs needs by L&D's priorities and ranks them: gap x priority weight x people x confidence.

A need that serves no priority objective is not pushed: it ranks below every prioritised need and
its reason says why. Re-weighing needs only their stored evidence, so a priority edit re-ranks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from learnloop.domain.needs import Need, NeedKind, NeedStatus
from learnloop.domain.objectives import Objective

__all__ = ["ACTIVE", "pushed", "rank_needs", "weigh"]

ACTIVE = frozenset({NeedStatus.OPEN, NeedStatus.ACCEPTED, NeedStatus.IN_PROGRESS})


def pushed(need: Need) -> bool:
    """Whether a priority objective stands behind the need (so L&D's weight ranks it)."""
    return bool(need.evidence.get("priority", {}).get("pushed"))


def _priority_words(need: Need, serves: Sequence[Objective], chosen: Objective | None) -> str:
    skill = need.skill_key or "this KPI"
    if chosen is not None:
        kpi = f", whose KPI is {need.kpi_metric}" if need.kpi_metric else ""
        return (f"It serves the priority '{chosen.title}' (weight {chosen.weight:.2f}){kpi}.")
    refused = [o for o in serves if not o.priority]
    if refused:
        objective = refused[0]
        because = f": {objective.reason}" if objective.reason else "."
        return (f"Not pushed: L&D recorded '{objective.title}' as not a business "
                f"priority{because}")
    if need.kind is NeedKind.INVESTIGATE:
        return "Not pushed: no priority objective has this KPI."
    return f"Not pushed: no priority objective names {skill}."


def weigh(need: Need, objectives: Iterable[Objective]) -> Need:
    """The need with the weight, objective, score and reason L&D's current priorities give it."""
    by_key = {objective.key: objective for objective in objectives}
    serves = [by_key[key] for key in need.evidence.get("serves", []) if key in by_key]
    priorities = sorted((o for o in serves if o.priority and o.weight > 0),
                        key=lambda o: (-o.weight, o.key))
    chosen = priorities[0] if priorities else None
    weight = chosen.weight if chosen else 0.0
    base = float(need.evidence.get("base", 0.0))
    words = _priority_words(need, serves, chosen)
    evidence = {**need.evidence, "priority": {
        "pushed": chosen is not None, "objective": chosen.key if chosen else None,
        "weight": weight, "why": words}}
    finding = need.evidence.get("finding", "")
    return replace(need, weight=weight, objective_key=chosen.key if chosen else (
        serves[0].key if serves else None), score=round(weight * base, 6),
        reason=f"{finding} {words}".strip(), evidence=evidence)


def rank_needs(needs: Iterable[Need], objectives: Sequence[Objective] | None = None) -> list[Need]:
    """Needs in queue order with `rank` 1, 2, ...: active before dismissed and resolved, pushed
    before not pushed, then by score (unpushed ones by their unweighted size), then key.
    With `objectives`, each is re-weighed first."""
    weighed = [weigh(n, objectives) if objectives is not None else n for n in needs]
    ordered = sorted(weighed, key=lambda n: (n.status not in ACTIVE, not pushed(n), -n.score,
                                             -float(n.evidence.get("base", 0.0)), n.key))
    return [replace(n, rank=i) for i, n in enumerate(ordered, start=1)]
