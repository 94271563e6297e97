"""The review policy: risk tiers, how a component gets its tier, the approvals each tier needs
and when low-risk content whose checks all pass may publish itself.

Read from a YAML file (docs/configuration.md, "Review policy"); the default ships in
governance/default-policy.yaml. Tiers are listed riskiest first: the first whose conditions a
component meets is its tier, with every condition it met as the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from learnloop.errors import InputError, Problem

__all__ = ["APPROVER_ROLES", "ApprovalRule", "ReviewPolicy", "Tier", "TierChoice",
           "TierConditions", "TierSignals", "assign_tier", "parse_policy"]

# the access roles whose approval a tier may ask for (learnloop.domain.access)
APPROVER_ROLES = ("admin", "ld", "reviewer")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApprovalRule(_Strict):
    """`count` approvals, each by a different person holding one of `roles`."""

    roles: list[str] = Field(min_length=1)
    count: int = Field(default=1, ge=1, le=10)

    @model_validator(mode="after")
    def _known_roles(self) -> ApprovalRule:
        unknown = [role for role in self.roles if role not in APPROVER_ROLES]
        if unknown:
            raise ValueError(f"unknown role {unknown[0]!r}: use {', '.join(APPROVER_ROLES)}")
        return self

    def describe(self, count: int | None = None) -> str:
        count = self.count if count is None else count
        who = " or ".join(self.roles)
        return f"{count} approval{'s' if count != 1 else ''} from {who}"


class TierConditions(_Strict):
    """Any one condition met puts a component in the tier (case-insensitive)."""

    source_kinds: list[str] = Field(default_factory=list)  # policy, product, transcript …
    source_owners: list[str] = Field(default_factory=list)  # words in the source's owner
    sources: list[str] = Field(default_factory=list)  # source keys
    need_risks: list[str] = Field(default_factory=list)  # high, medium, low
    component_kinds: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)  # words or phrases in the component's text


class Tier(_Strict):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_-]*$")
    label: str = ""
    approvals: list[ApprovalRule] = Field(default_factory=list)
    # publish without a person when every check passed (the reason is recorded)
    auto_publish: bool = False
    when: TierConditions = Field(default_factory=TierConditions)

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")


class ReviewPolicy(_Strict):
    tiers: list[Tier] = Field(min_length=1)
    default_tier: str

    @model_validator(mode="after")
    def _consistent(self) -> ReviewPolicy:
        names = [tier.name for tier in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError("tier names must differ")
        if self.default_tier not in names:
            raise ValueError(f"default_tier {self.default_tier!r} is not one of the tiers "
                             f"({', '.join(names)})")
        for tier in self.tiers:
            if not tier.approvals and not tier.auto_publish:
                raise ValueError(f"tier {tier.name!r} needs approvals or auto_publish: true")
        return self

    def tier(self, name: str) -> Tier:
        for tier in self.tiers:
            if tier.name == name:
                return tier
        # a tier removed from the policy since: its components fall back on the default
        return self.tier(self.default_tier)


def parse_policy(data: Any, *, file: str = "review policy") -> ReviewPolicy:
    """A ReviewPolicy from parsed YAML; InputError naming each wrong field."""
    try:
        return ReviewPolicy.model_validate(data)
    except ValidationError as error:
        problems = [Problem(item["msg"].removeprefix("Value error, "), file=file,
                            field=".".join(str(part) for part in item["loc"]) or None)
                    for item in error.errors()]
        raise InputError(f"{file}: not a valid review policy", problems) from None


@dataclass(frozen=True, slots=True)
class TierSignals:
    """What a component's tier is decided from: its source, its need and its own text."""

    source_key: str
    source_kind: str
    source_owner: str
    need_risk: str | None
    component_kind: str
    text: str


@dataclass(frozen=True, slots=True)
class TierChoice:
    tier: str
    reasons: tuple[str, ...]


def assign_tier(policy: ReviewPolicy, signals: TierSignals) -> TierChoice:
    """The riskiest tier whose conditions the component meets, and every condition it met."""
    for tier in policy.tiers:
        reasons = _met(tier.when, signals)
        if reasons:
            return TierChoice(tier=tier.name, reasons=tuple(reasons))
    return TierChoice(tier=policy.default_tier,
                      reasons=("no condition of a riskier tier applies",))


def _met(when: TierConditions, signals: TierSignals) -> list[str]:
    lowered = [value.lower() for value in when.source_kinds]
    reasons = []
    if signals.source_kind.lower() in lowered:
        reasons.append(f"source kind is {signals.source_kind}")
    owner = signals.source_owner.lower()
    reasons += [f"source owner {signals.source_owner!r} mentions {word!r}"
                for word in when.source_owners if owner and _has(owner, word)]
    if signals.source_key in when.sources:
        reasons.append(f"source {signals.source_key} is listed")
    if signals.need_risk and signals.need_risk.lower() in [r.lower() for r in when.need_risks]:
        reasons.append(f"the need's risk is {signals.need_risk}")
    if signals.component_kind in when.component_kinds:
        reasons.append(f"component kind is {signals.component_kind}")
    text = signals.text.lower()
    found = [word for word in when.words if _has(text, word)]
    if found:
        reasons.append("content mentions " + ", ".join(repr(word) for word in found[:5]))
    return reasons


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text) is not None
