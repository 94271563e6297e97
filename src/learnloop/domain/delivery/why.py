""""Why am I seeing this", from a need: the reason, the evidence in plain words, the data used.
Never names other people and never says the reader is in a comparison group."""

from __future__ import annotations

from learnloop.domain.delivery.messages import Why
from learnloop.domain.needs import Need

__all__ = ["why_of_need"]


def why_of_need(need: Need) -> Why:
    evidence: list[str] = []
    if need.kpi_metric:
        way = {"up": "go up", "down": "go down"}.get(need.kpi_direction or "", "move")
        evidence.append(f"Your organisation wants {need.kpi_metric} to {way}; "
                        "this is meant to help with it.")
    if need.skill_key and need.gap is not None:
        line = f"In {need.skill_key}, the evidence puts your team {need.gap:.1f} levels below " \
               "what the role asks"
        if need.gap_lower is not None and need.gap_upper is not None:
            line += f" (likely between {need.gap_lower:.1f} and {need.gap_upper:.1f})"
        evidence.append(line + ".")
    if need.detected_at is not None:
        evidence.append(f"A lasting change in the numbers was noticed on "
                        f"{need.detected_at.isoformat()}.")
    if need.confidence:
        evidence.append(f"How sure learnloop is of this evidence: {need.confidence:.0%}.")
    used: list[str] = []
    if need.kpi_metric:
        used.append(f"{need.kpi_metric} figures of your team")
    used += [f"{metric} (work signals)" for metric in need.behaviour_metrics]
    if need.skill_key:
        used.append(f"skill evidence for {need.skill_key} (ratings and assessments)")
    used.append("your team and role")
    return Why(need=need.title, need_key=need.key,
               reason=need.reason or f"learnloop found a learning need: {need.title}.",
               evidence=tuple(evidence), data_used=tuple(used))
