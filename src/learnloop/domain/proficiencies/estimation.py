"""Each person's proficiency per skill as a Gaussian belief, updated by every piece of evidence.

A Kalman filter per (person, skill): a random-walk true level, each kind a biased, noisy gauge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiencies.arrays import EvidenceArrays, by_pair_and_day
from learnloop.domain.proficiencies.normal import normal_quantile
from learnloop.domain.proficiencies.sources import (
    DOCUMENTED_SOURCES,
    KINDS,
    EstimationSettings,
    SourceModel,
)
from learnloop.domain.proficiency import MAX_LEVEL, MIN_LEVEL

__all__ = ["ProficiencyEstimates", "estimate_proficiencies", "estimate_proficiencies_on"]


@dataclass(frozen=True, slots=True, eq=False)
class ProficiencyEstimates:
    """One row per (person, skill) with evidence, ordered by `pair` (person × skills + skill):
    the belief's mean and SD on the day `as_of`, and the interval of `settings.interval` clipped
    to the 0–4 scale. `lookup` answers for any pair, with the prior where there is no evidence."""

    people: tuple[str, ...]
    skills: tuple[str, ...]
    as_of: int
    pair: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    evidence: np.ndarray       # pieces of evidence behind each row
    settings: EstimationSettings

    @property
    def person(self) -> np.ndarray:
        return self.pair // max(len(self.skills), 1)

    @property
    def skill(self) -> np.ndarray:
        return self.pair % max(len(self.skills), 1)

    @property
    def level(self) -> np.ndarray:
        return np.clip(self.mean, MIN_LEVEL, MAX_LEVEL)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        z = normal_quantile(0.5 + self.settings.interval / 2)
        return (np.clip(self.mean - z * self.sd, MIN_LEVEL, MAX_LEVEL),
                np.clip(self.mean + z * self.sd, MIN_LEVEL, MAX_LEVEL))

    def __len__(self) -> int:
        return len(self.pair)

    def lookup(self, person: np.ndarray, skill: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                       np.ndarray]:
        """(mean, SD, found) for these (person, skill) codes; the prior where not found."""
        wanted = np.asarray(person, dtype=np.int64) * max(len(self.skills), 1) + skill
        at = np.searchsorted(self.pair, wanted)
        found = at < len(self.pair)
        found[found] = self.pair[at[found]] == wanted[found]
        mean = np.full(len(wanted), self.settings.prior_mean)
        sd = np.full(len(wanted), self.settings.prior_sd)
        mean[found] = self.mean[at[found]]
        sd[found] = self.sd[at[found]]
        return mean, sd, found


def estimate_proficiencies(evidence: EvidenceArrays, *, as_of: int,
                           sources: Mapping[EvidenceKind, SourceModel] = DOCUMENTED_SOURCES,
                           settings: EstimationSettings | None = None) -> ProficiencyEstimates:
    """The belief about each (person, skill) with evidence on or before day `as_of`.

    Each pair's evidence is filtered oldest first; the loop runs over the evidence's rank within
    its pair (first, second, ...), each step vectorised across every pair that has that many,
    so its length is the most evidence one pair has, not the number of people."""
    return estimate_proficiencies_on(evidence, days=(as_of,), sources=sources,
                                     settings=settings)[0]


def estimate_proficiencies_on(evidence: EvidenceArrays, *, days: Sequence[int],
                              sources: Mapping[EvidenceKind, SourceModel] = DOCUMENTED_SOURCES,
                              settings: EstimationSettings | None = None
                              ) -> tuple[ProficiencyEstimates, ...]:
    """`estimate_proficiencies` on each of `days` in one pass over the evidence: a belief on an
    earlier day is the filter's state before the pair's first entry after that day, so it is
    kept as the pass goes by (the same arithmetic as a pass of its own, so the same numbers)."""
    settings = settings or EstimationSettings()
    latest = max(days)
    index = by_pair_and_day(evidence, evidence.day <= latest)
    pair_of_entry = evidence.pair()[index]
    starts = np.flatnonzero(np.r_[True, pair_of_entry[1:] != pair_of_entry[:-1]]) \
        if len(index) else np.empty(0, dtype=np.int64)
    counts = np.diff(np.r_[starts, len(index)])
    pairs = pair_of_entry[starts]

    # per-kind tables, looked up per step: three small tables stay in cache, where per-entry
    # copies would triple the memory traffic
    intercept = np.array([sources[k].intercept for k in KINDS])
    slope = np.array([sources[k].slope for k in KINDS])
    noise = np.array([sources[k].noise_sd ** 2 for k in KINDS])
    kind, observed, day = evidence.kind[index], evidence.level[index], evidence.day[index]
    drift = settings.drift_variance_per_day

    # rows by evidence count, most first: the pairs with an r-th piece are then a prefix, and
    # each step works on slices of the state instead of scattered rows
    by_count = np.argsort(-counts, kind="stable")
    first = starts[by_count]
    descending = -counts[by_count]
    mean = np.full(len(starts), settings.prior_mean)
    var = np.full(len(starts), settings.prior_sd ** 2)
    last = day[first] if len(first) else np.empty(0, dtype=np.int64)
    earlier = {d: _Snapshot(len(starts)) for d in set(days) if d < latest}
    for r in range(int(counts.max(initial=0))):
        n = int(np.searchsorted(descending, -r, side="left"))  # rows with more than r pieces
        entry = first[:n] + r
        k, today = kind[entry], day[entry]
        for d, snapshot in earlier.items():
            snapshot.keep(today > d, r, mean, var, last)
        b = slope[k]
        prior_var = var[:n] + drift * (today - last[:n])
        gain = prior_var * b / (b * b * prior_var + noise[k])
        mean[:n] += gain * (observed[entry] - intercept[k] - b * mean[:n])
        var[:n] = (1.0 - gain * b) * prior_var
        last[:n] = today
    found = {latest: (mean, var, last, -descending)}
    for d, snapshot in earlier.items():
        found[d] = snapshot.finished(mean, var, last, -descending)
    estimates = {}
    for d, (d_mean, d_var, d_last, d_count) in found.items():
        d_var = d_var + drift * (d - d_last)
        # back to pair order; pairs with no evidence by then have no belief on that day
        in_order = np.empty(len(starts), dtype=np.int64)
        in_order[by_count] = np.arange(len(starts))
        held = d_count[in_order] > 0
        rows = in_order[held]
        estimates[d] = ProficiencyEstimates(
            people=evidence.people, skills=evidence.skills, as_of=d, pair=pairs[held],
            mean=d_mean[rows], sd=np.sqrt(d_var[rows]), evidence=d_count[rows],
            settings=settings)
    return tuple(estimates[d] for d in days)


class _Snapshot:
    """The filter's state of each row (in evidence-count order) as it stood on an earlier day:
    taken at the row's first entry after that day, or at the end for rows with none."""

    def __init__(self, size: int) -> None:
        self.mean = np.empty(size)
        self.var = np.empty(size)
        self.last = np.empty(size, dtype=np.int64)
        self.count = np.empty(size, dtype=np.int64)
        self.taken = np.zeros(size, dtype=bool)

    def keep(self, after: np.ndarray, rank: int, mean: np.ndarray, var: np.ndarray,
             last: np.ndarray) -> None:
        """Rows (a prefix as long as `after`) whose entry of this rank is after the day."""
        rows = np.flatnonzero(after & ~self.taken[:len(after)])
        if len(rows):
            self.mean[rows], self.var[rows], self.last[rows] = mean[rows], var[rows], last[rows]
            self.count[rows] = rank
            self.taken[rows] = True

    def finished(self, mean: np.ndarray, var: np.ndarray, last: np.ndarray,
                 count: np.ndarray) -> tuple[np.ndarray, ...]:
        rest = ~self.taken
        self.mean[rest], self.var[rest], self.last[rest] = mean[rest], var[rest], last[rest]
        self.count[rest] = count[rest]
        return self.mean, self.var, self.last, self.count
