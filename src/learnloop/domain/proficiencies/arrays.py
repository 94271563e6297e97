"""Evidence as NumPy arrays: integer codes for people, skills and kinds, days as day numbers.

The estimator and the calibration work on these; `evidence_arrays` converts the store's columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from learnloop.domain.evidence import EvidenceColumns
from learnloop.domain.proficiencies.sources import KINDS

__all__ = ["EvidenceArrays", "by_pair_and_day", "day_number", "evidence_arrays"]

_EPOCH = np.datetime64("1970-01-01", "D")


def day_number(day: date) -> int:
    """Days since 1970-01-01, the unit of `EvidenceArrays.day`."""
    return int((np.datetime64(day, "D") - _EPOCH).astype(np.int64))


@dataclass(frozen=True, slots=True, eq=False)
class EvidenceArrays:
    """Entry i: person `person[i]` showed skill `skill[i]` at `level[i]` on day `day[i]`, by kind
    `KINDS[kind[i]]`; `people` and `skills` name the codes."""

    people: tuple[str, ...]
    skills: tuple[str, ...]
    person: np.ndarray   # int64
    skill: np.ndarray    # int64
    kind: np.ndarray     # int8
    level: np.ndarray    # float64
    day: np.ndarray      # int64, days since 1970-01-01
    # entries come by pair, then day (the store reads them so): `by_pair_and_day` then trusts
    # the order instead of checking millions of entries on every use
    ordered: bool = False

    def __len__(self) -> int:
        return len(self.level)

    def pair(self) -> np.ndarray:
        """One integer per (person, skill): person × number of skills + skill."""
        return self.person * max(len(self.skills), 1) + self.skill


def evidence_arrays(columns: EvidenceColumns) -> EvidenceArrays:
    code = {kind: i for i, kind in enumerate(KINDS)}
    days = np.array(columns.observed_on, dtype="datetime64[D]") if len(columns) else \
        np.empty(0, dtype="datetime64[D]")
    return EvidenceArrays(
        people=columns.people, skills=columns.skills,
        person=np.asarray(columns.person_index, dtype=np.int64),
        skill=np.asarray(columns.skill_index, dtype=np.int64),
        kind=np.fromiter(map(code.__getitem__, columns.kinds), dtype=np.int8,
                         count=len(columns)),
        level=np.asarray(columns.levels, dtype=np.float64),
        day=(days - _EPOCH).astype(np.int64))


def by_pair_and_day(evidence: EvidenceArrays, keep: np.ndarray) -> np.ndarray:
    """Indices of the kept entries ordered by pair, then day. The store and the simulations
    hand evidence over in that order already, so this is usually one check (none when the
    evidence says it is `ordered`) and no sort."""
    index = np.flatnonzero(keep)
    if evidence.ordered:
        return index
    pair = evidence.pair()[index]
    day = evidence.day[index]
    if len(index) < 2:
        return index
    ordered = (pair[1:] > pair[:-1]) | ((pair[1:] == pair[:-1]) & (day[1:] >= day[:-1]))
    if not ordered.all():
        index = index[np.lexsort((day, pair))]
    return index
