"""The fairness audit: rates of being recommended, delivered to, developed and improved, by group.

Flags any group whose rate is under four fifths of the best group's (with the counts behind it) and
suppresses groups too small to report safely, saying so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from learnloop.errors import InputError, Problem

__all__ = ["FOUR_FIFTHS", "FairnessAudit", "GroupRate", "StageAudit", "audit_fairness"]

FOUR_FIFTHS = 0.8
STAGES = ("recommended", "delivered", "developed", "improved")


@dataclass(frozen=True, slots=True)
class GroupRate:
    """One group's count and rate at one stage; ratio is against the highest-rate group."""

    group: str
    eligible: int
    selected: int
    rate: float
    ratio: float
    flagged: bool


@dataclass(frozen=True, slots=True)
class StageAudit:
    """One stage of one attribute: the reported groups, the flagged ones and the suppressed."""

    attribute: str
    stage: str
    groups: tuple[GroupRate, ...]
    suppressed: tuple[str, ...]
    reference_group: str | None

    @property
    def flagged(self) -> tuple[GroupRate, ...]:
        return tuple(group for group in self.groups if group.flagged)


@dataclass(frozen=True, slots=True)
class FairnessAudit:
    stages: tuple[StageAudit, ...]
    minimum_group_size: int
    findings: tuple[str, ...]        # plain-words lines: each flag with its counts, each suppression

    @property
    def flagged(self) -> tuple[tuple[StageAudit, GroupRate], ...]:
        return tuple((stage, group) for stage in self.stages for group in stage.flagged)


def audit_fairness(
    groups: Mapping[str, Mapping[str, str | None]],
    outcomes: Mapping[str, Sequence[str] | set[str]],
    *,
    population: Sequence[str] | None = None,
    minimum_group_size: int = 10,
    threshold: float = FOUR_FIFTHS,
) -> FairnessAudit:
    """Compare selection rates by demographic group at each stage.

    `groups` maps an attribute (e.g. "gender") to {person_key: group or None}; `outcomes` maps a
    stage ("recommended", "delivered", "developed", "improved" or any other) to the people who
    reached it. Each stage is a rate over `population` (default: everyone with an attribute
    value), except that a stage listed after another in STAGES counts only those who reached the
    one before (delivered of recommended ...), so a gap shows where it opens. Groups with fewer
    than `minimum_group_size` eligible people are suppressed, never shown.
    """
    if minimum_group_size < 1:
        raise InputError("the minimum group size must be at least 1",
                         problems=[Problem("use e.g. 10", field="minimum_group_size")])
    if not 0 < threshold <= 1:
        raise InputError("the threshold must be in (0, 1]", problems=[Problem("use 0.8")])
    stages: list[StageAudit] = []
    findings: list[str] = []
    for attribute, by_person in groups.items():
        people = [p for p in (population if population is not None else by_person)
                  if by_person.get(p) not in (None, "")]
        labels = np.array([str(by_person[p]) for p in people], dtype=object)
        eligible = np.ones(len(people), dtype=bool)
        previous = None
        for stage in _ordered(outcomes):
            reached = set(outcomes[stage])
            if previous is not None and stage in STAGES and previous in STAGES:
                before = set(outcomes[previous])
                eligible = np.array([p in before for p in people], dtype=bool)
            selected = np.array([p in reached for p in people], dtype=bool)
            audit = _stage(attribute, stage, labels, eligible, selected & eligible,
                           minimum_group_size=minimum_group_size, threshold=threshold)
            stages.append(audit)
            findings.extend(_findings(audit, previous, minimum_group_size, threshold))
            previous = stage
    return FairnessAudit(stages=tuple(stages), minimum_group_size=minimum_group_size,
                         findings=tuple(findings))


def _ordered(outcomes: Mapping[str, object]) -> list[str]:
    known = [stage for stage in STAGES if stage in outcomes]
    return known + [stage for stage in outcomes if stage not in STAGES]


def _stage(attribute, stage, labels, eligible, selected, *, minimum_group_size, threshold):
    names, codes = np.unique(labels[eligible], return_inverse=True) if eligible.any() else ([], [])
    counts = np.bincount(codes, minlength=len(names)) if len(names) else np.zeros(0, int)
    hits = np.bincount(codes, weights=selected[eligible], minlength=len(names)) if len(names) \
        else np.zeros(0)
    shown = counts >= minimum_group_size
    rates = np.where(counts > 0, hits / np.maximum(counts, 1), math.nan)
    best = float(np.max(rates[shown])) if shown.any() else math.nan
    reference = str(names[np.flatnonzero(shown)[np.argmax(rates[shown])]]) if shown.any() else None
    rows = []
    for index in np.flatnonzero(shown):
        ratio = float(rates[index] / best) if best > 0 else math.nan
        rows.append(GroupRate(group=str(names[index]), eligible=int(counts[index]),
                              selected=int(hits[index]), rate=float(rates[index]), ratio=ratio,
                              flagged=bool(math.isfinite(ratio) and ratio < threshold)))
    suppressed = tuple(str(names[index]) for index in np.flatnonzero(~shown))
    return StageAudit(attribute=attribute, stage=stage, groups=tuple(rows), suppressed=suppressed,
                      reference_group=reference)


def _findings(audit: StageAudit, previous, minimum_group_size, threshold) -> list[str]:
    of = f" (of those {previous})" if previous and audit.stage in STAGES and previous in STAGES else ""
    best = next((g for g in audit.groups if g.group == audit.reference_group), None)
    lines = []
    for group in audit.flagged:
        lines.append(
            f"{audit.attribute} = {group.group}: {audit.stage} rate{of} {group.rate:.0%} "
            f"({group.selected} of {group.eligible}) is {group.ratio:.2f} of the highest, "
            f"{best.group} at {best.rate:.0%} ({best.selected} of {best.eligible}), "
            f"under the four-fifths rule ({threshold:g}).")
    if audit.suppressed:
        lines.append(
            f"{audit.attribute}, {audit.stage}: {len(audit.suppressed)} group(s) with fewer than "
            f"{minimum_group_size} people not shown, to protect them.")
    return lines
