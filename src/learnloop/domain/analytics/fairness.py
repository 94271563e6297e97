"""The fairness audit: rates of being recommended, delivered to, developed and improved, by group.

Flags a group whose rate is under four fifths of the best group's and clearly so (not chance), with
the counts behind it, and suppresses groups too small to report safely, saying so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

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
    below_four_fifths: bool      # ratio under the threshold
    p_value: float               # two-proportion z-test against the highest-rate group
    adjusted_p: float            # Holm-adjusted over every comparison in the audit
    flagged: bool                # under the threshold and unlikely to be chance (adjusted p)


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
    findings: tuple[str, ...]        # plain words: each flag with its counts, each suppression

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
    conditional: bool = True,
    significance: float = 0.05,
) -> FairnessAudit:
    """Compare selection rates by demographic group at each stage.

    `groups` maps an attribute (e.g. "gender") to {person_key: group or None}; `outcomes` maps a
    stage ("recommended", "delivered", "developed", "improved" or any other) to the people who
    reached it. Each stage is a rate over `population` (default: everyone with an attribute
    value); with `conditional`, a stage of STAGES after another counts only those who reached
    the one before (delivered of recommended ...), so a gap shows where it opens. A group is
    flagged when its ratio to the highest rate is under `threshold` and a two-proportion test
    gives p < `significance` after Holm's adjustment over all the audit's comparisons (an audit
    makes many; a ratio under 4/5 at small counts is often chance: those are listed as worth
    watching). Groups with fewer than `minimum_group_size` eligible people are
    suppressed: never shown, never the reference.
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
            if conditional and previous is not None and stage in STAGES and previous in STAGES:
                before = set(outcomes[previous])
                eligible = np.array([p in before for p in people], dtype=bool)
            selected = np.array([p in reached for p in people], dtype=bool)
            audit = _stage(attribute, stage, labels, eligible, selected & eligible,
                           minimum_group_size=minimum_group_size, threshold=threshold)
            stages.append(audit)
            previous = stage
    stages = _holm(stages, significance)
    for audit in stages:
        previous = _previous_stage(audit, outcomes) if conditional else None
        findings.extend(_findings(audit, previous, minimum_group_size, threshold))
    return FairnessAudit(stages=tuple(stages), minimum_group_size=minimum_group_size,
                         findings=tuple(findings))


def _previous_stage(audit: StageAudit, outcomes: Mapping[str, object]) -> str | None:
    order = _ordered(outcomes)
    position = order.index(audit.stage)
    return order[position - 1] if position > 0 else None


def _holm(stages: list[StageAudit], significance: float) -> list[StageAudit]:
    """Holm's step-down adjustment of every comparison's p-value; flags need the adjusted one."""
    comparisons = [(i, j, group.p_value) for i, stage in enumerate(stages)
                   for j, group in enumerate(stage.groups) if stage.reference_group != group.group]
    adjusted: dict[tuple[int, int], float] = {}
    running = 0.0
    for rank, (i, j, p_value) in enumerate(sorted(comparisons, key=lambda item: item[2])):
        running = max(running, min(1.0, (len(comparisons) - rank) * p_value))
        adjusted[(i, j)] = running
    result = []
    for i, stage in enumerate(stages):
        groups = tuple(
            replace(group, adjusted_p=adjusted.get((i, j), 1.0),
                    flagged=group.below_four_fifths and adjusted.get((i, j), 1.0) < significance)
            for j, group in enumerate(stage.groups))
        result.append(replace(stage, groups=groups))
    return result


def _ordered(outcomes: Mapping[str, object]) -> list[str]:
    known = [stage for stage in STAGES if stage in outcomes]
    return known + [stage for stage in outcomes if stage not in STAGES]


def _two_proportion_p(hits: float, count: float, best_hits: float, best_count: float) -> float:
    pooled = (hits + best_hits) / (count + best_count)
    se = math.sqrt(pooled * (1 - pooled) * (1 / count + 1 / best_count))
    if se == 0:
        return 1.0
    z = abs(hits / count - best_hits / best_count) / se
    return math.erfc(z / math.sqrt(2))


def _stage(attribute, stage, labels, eligible, selected, *, minimum_group_size, threshold):
    names, codes = np.unique(labels[eligible], return_inverse=True) if eligible.any() else ([], [])
    counts = np.bincount(codes, minlength=len(names)) if len(names) else np.zeros(0, int)
    hits = np.bincount(codes, weights=selected[eligible], minlength=len(names)) if len(names) \
        else np.zeros(0)
    shown = counts >= minimum_group_size
    rates = np.where(counts > 0, hits / np.maximum(counts, 1), math.nan)
    best_index = np.flatnonzero(shown)[np.argmax(rates[shown])] if shown.any() else None
    best = float(rates[best_index]) if best_index is not None else math.nan
    reference = str(names[best_index]) if best_index is not None else None
    rows = []
    for index in np.flatnonzero(shown):
        ratio = float(rates[index] / best) if best > 0 else math.nan
        below = bool(math.isfinite(ratio) and ratio < threshold)
        p_value = _two_proportion_p(hits[index], counts[index], hits[best_index],
                                    counts[best_index])
        rows.append(GroupRate(group=str(names[index]), eligible=int(counts[index]),
                              selected=int(hits[index]), rate=float(rates[index]), ratio=ratio,
                              below_four_fifths=below, p_value=p_value,
                              adjusted_p=p_value, flagged=below))
    suppressed = tuple(str(names[index]) for index in np.flatnonzero(~shown))
    return StageAudit(attribute=attribute, stage=stage, groups=tuple(rows), suppressed=suppressed,
                      reference_group=reference)


def _findings(audit: StageAudit, previous, minimum_group_size, threshold) -> list[str]:
    chained = previous and audit.stage in STAGES and previous in STAGES
    of = f" (of those {previous})" if chained else ""
    best = next((g for g in audit.groups if g.group == audit.reference_group), None)
    lines = []
    for group in audit.flagged:
        lines.append(
            f"{audit.attribute} = {group.group}: {audit.stage} rate{of} {group.rate:.0%} "
            f"({group.selected} of {group.eligible}) is {group.ratio:.2f} of the highest, "
            f"{best.group} at {best.rate:.0%} ({best.selected} of {best.eligible}), "
            f"under the four-fifths rule ({threshold:g}); p = {group.adjusted_p:.3f}, "
            f"Holm-adjusted.")
    for group in audit.groups:
        if group.below_four_fifths and not group.flagged:
            lines.append(
                f"{audit.attribute} = {group.group}: {audit.stage} rate{of} {group.rate:.0%} "
                f"({group.selected} of {group.eligible}) is {group.ratio:.2f} of the highest, "
                f"but could be chance at these counts (adjusted p = {group.adjusted_p:.2f}): "
                f"worth watching.")
    if audit.suppressed:
        lines.append(
            f"{audit.attribute}, {audit.stage}: {len(audit.suppressed)} group(s) with fewer than "
            f"{minimum_group_size} people not shown, to protect them.")
    return lines
