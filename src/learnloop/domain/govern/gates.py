"""A tier's gate: which approvals a component still lacks, whether it may publish itself, and
the rule that nobody approves their own work.

The authors of a component version are the person who asked for it to be written (for a draft
an agent wrote: whoever ran the agent or imported the source change that caused it) and anyone
who changed it since; none of them may approve or request changes on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from learnloop.domain.govern.policy import ApprovalRule, Tier
from learnloop.errors import ForbiddenError

__all__ = ["Approval", "GateStatus", "auto_publish_reason", "gate_status", "refuse_own_work"]


@dataclass(frozen=True, slots=True)
class Approval:
    actor: str
    role: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class GateStatus:
    tier: str
    required: tuple[str, ...]  # each rule in words
    counted: tuple[Approval, ...]  # the approvals that count toward a rule
    missing: tuple[str, ...]  # what is still needed, in words; empty: the gate is open

    @property
    def satisfied(self) -> bool:
        return not self.missing

    def missing_text(self) -> str:
        return "; ".join(self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {"tier": self.tier, "required": list(self.required),
                "approvals": [{"actor": a.actor, "role": a.role} for a in self.counted],
                "missing": list(self.missing), "satisfied": self.satisfied}


def gate_status(tier: Tier, approvals: Iterable[Approval]) -> GateStatus:
    """Each approval counts once, for one person, toward the first rule its role fits that
    still needs it; a tier that only publishes itself asks for one approval of anyone staff."""
    rules = tier.approvals or [ApprovalRule(roles=["admin", "ld", "reviewer"])]
    needed = [rule.count for rule in rules]
    counted: list[Approval] = []
    seen: set[str] = set()
    # rules with fewer eligible roles first, so an ld approval is not spent where anyone fits
    order = sorted(range(len(rules)), key=lambda index: len(rules[index].roles))
    for approval in approvals:
        if approval.actor in seen:
            continue
        for index in order:
            if needed[index] > 0 and approval.role in rules[index].roles:
                needed[index] -= 1
                counted.append(approval)
                seen.add(approval.actor)
                break
    missing = tuple(rule.describe(left) for rule, left in zip(rules, needed, strict=True)
                    if left > 0)
    return GateStatus(tier=tier.name, required=tuple(rule.describe() for rule in rules),
                      counted=tuple(counted), missing=missing)


def auto_publish_reason(tier: Tier, checks: Mapping[str, Any] | None) -> tuple[bool, str]:
    """Whether the component may publish without a person, and why (or why not)."""
    if not tier.auto_publish:
        return False, f"tier {tier.name} requires people's approval"
    if checks is None:
        return False, "no quality checks were run on it"
    if not checks.get("passed"):
        problems = checks.get("problems") or ["a check failed"]
        return False, f"checks failed: {'; '.join(problems[:3])}"
    grounded = checks.get("grounded_share")
    share = f", {grounded:.0%} of sentences grounded" if isinstance(grounded, int | float) else ""
    return True, (f"auto-published: tier {tier.name} allows it when every quality check passes, "
                  f"and all did{share}")


def refuse_own_work(actor: str, *, authors: Iterable[str], action: str) -> None:
    if actor in set(authors):
        raise ForbiddenError(f"{actor} cannot {action} this component: they asked for it to be "
                             f"written (nobody reviews their own work); ask another reviewer")
