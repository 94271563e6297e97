"""Each person's evidence packed into one row (evidence_packs), so the skills agent reads 100,000
rows of bytes instead of millions of rows of evidence (7.5 million pieces: about 0.5 s against
10 s on SQLite).

A pack holds fixed-width little-endian records (skill id, day, level, kind code), ordered by
skill, day, then evidence id: the order the estimator works in. The evidence writer keeps the
packs of the people it wrote about up to date in its own transaction (`PackChanges`). A state
row per organisation names the records' format and the highest evidence id the packs were built
with; a reader finding another format or another highest id (evidence written some other way: a
restore, a script straight into the table) builds every pack again from the table. Packs of a
person go with them (foreign key, erasure); a piece of evidence whose skill is gone is left out
when read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from learnloop.domain.proficiencies import KINDS
from learnloop.store import tables
from learnloop.store.copy_rows import insert_rows
from learnloop.store.database import serialise_imports
from learnloop.store.evidence_rows import DAY, KIND, LEVEL, ORDER, PERSON, SKILL, evidence_block
from learnloop.store.reading import chunks, raw_batches

__all__ = ["PACK_FORMAT", "PackChanges", "PackedEvidence", "build_packs", "read_packs",
           "refresh_packs"]

RECORD = np.dtype([("skill", "<i4"), ("day", "<i4"), ("level", "<f8"), ("kind", "i1")])
# a new record layout or a new list of kinds (the codes are places in it) rebuilds every pack
PACK_FORMAT = "1 skill<i4 day<i4 level<f8 kind<i1; " + ",".join(kind.value for kind in KINDS)
# waiting for an evidence import to end before the packs are built again from the table
_IMPORT_WAIT_SECONDS = 600.0
# a write about more than this share of the people with packs builds them all again
_WHOLE_SHARE = 0.25


@dataclass(frozen=True, slots=True, eq=False)
class PackedEvidence:
    """Piece i: person id `person_id[i]` showed skill id `skill_id[i]` at `level[i]` on day
    `day[i]` (since 1970-01-01) by kind `KINDS[kind[i]]` (-1: a kind not in `KINDS`); ordered
    by person id, skill id, day, then evidence id."""

    person_id: np.ndarray  # int64
    skill_id: np.ndarray   # int64
    kind: np.ndarray       # int8
    level: np.ndarray      # float64
    day: np.ndarray        # int64

    def __len__(self) -> int:
        return len(self.level)

    def people(self) -> tuple[np.ndarray, np.ndarray]:
        """The people with evidence (ascending ids) and how many pieces each has."""
        person = self.person_id
        starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]]) if len(person) else \
            np.empty(0, dtype=np.int64)
        return person[starts], np.diff(np.r_[starts, len(person)])


def read_packs(session: Session, *, organisation_id: int) -> PackedEvidence | None:
    """The organisation's evidence from its packs; None when the packs do not hold it as it
    stands (never built, another format, evidence written around the writer)."""
    if not _current(session, organisation_id):
        return None
    pack = tables.EvidencePack
    person_ids: list[int] = []
    blobs: list[bytes] = []
    for batch in raw_batches(session, select(pack.person_id, pack.packed).where(
            pack.organisation_id == organisation_id).order_by(pack.person_id)):
        for person_id, blob in batch:
            person_ids.append(person_id)
            blobs.append(blob)
    records = np.frombuffer(b"".join(blobs), dtype=RECORD)
    counts = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // RECORD.itemsize
    return PackedEvidence(
        person_id=np.repeat(np.array(person_ids, dtype=np.int64), counts),
        skill_id=records["skill"].astype(np.int64), kind=records["kind"].copy(),
        level=records["level"].copy(), day=records["day"].astype(np.int64))


def build_packs(session: Session, *, organisation_id: int) -> PackedEvidence:
    """Every pack of the organisation built again from the evidence table (after any evidence
    import in progress has ended), and the evidence they hold."""
    serialise_imports(session, organisation_id=organisation_id, kind="evidence",
                      wait_seconds=_IMPORT_WAIT_SECONDS)
    newest = _max_evidence_id(session, organisation_id)  # before the read: never newer than it
    evidence = _sorted(evidence_block(session, organisation_id=organisation_id))
    pack = tables.EvidencePack
    session.execute(delete(pack).where(pack.organisation_id == organisation_id))
    _insert(session, organisation_id, evidence)
    _set_state(session, organisation_id, newest)
    return evidence


def refresh_packs(session: Session, *, organisation_id: int, person_ids: Iterable[int]) -> None:
    """These people's packs made from the evidence table as it stands in this transaction; all
    packs when they were not current, or when these are many of them."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return
    pack = tables.EvidencePack
    held = session.scalar(select(func.count()).select_from(pack).where(
        pack.organisation_id == organisation_id)) or 0
    if not _current(session, organisation_id) or len(wanted) > _WHOLE_SHARE * held:
        build_packs(session, organisation_id=organisation_id)
        return
    newest = _max_evidence_id(session, organisation_id)
    evidence = _sorted(evidence_block(session, organisation_id=organisation_id,
                                      person_ids=wanted))
    for chunk in chunks(wanted):
        session.execute(delete(pack).where(pack.person_id.in_(chunk)))
    _insert(session, organisation_id, evidence)
    _set_state(session, organisation_id, newest)


class PackChanges:
    """Keeps the packs of the people an evidence write touches (`store.bulk.RowChanges`): told
    of the new rows' people and of the rows about to change; at the end their people's packs
    are made again from the table (the people a changed row moved to as well)."""

    def __init__(self, session: Session, *, organisation_id: int) -> None:
        self._session = session
        self._organisation_id = organisation_id
        self._people: set[int] = set()
        self._changed: list[int] = []

    def added(self, columns: Sequence[Sequence[Any]]) -> None:
        """New rows as columns of their values (`EVIDENCE_COLUMNS`: the person id first)."""
        self._people.update(np.unique(np.asarray(columns[0], dtype=np.int64)).tolist())

    def replacing(self, row_ids: Sequence[int]) -> None:
        self._people |= _people_of(self._session, row_ids)
        self._changed.extend(row_ids)

    def written(self) -> None:
        people = self._people | _people_of(self._session, self._changed)
        refresh_packs(self._session, organisation_id=self._organisation_id, person_ids=people)
        self._people, self._changed = set(), []


def _people_of(session: Session, row_ids: Sequence[int]) -> set[int]:
    evidence = tables.SkillEvidence
    found: set[int] = set()
    for chunk in chunks(list(row_ids)):
        found.update(session.scalars(select(evidence.person_id).where(evidence.id.in_(chunk))))
    return found


def _current(session: Session, organisation_id: int) -> bool:
    state = tables.EvidencePackState
    stored = session.execute(select(state.format, state.evidence_max_id).where(
        state.organisation_id == organisation_id)).one_or_none()
    return stored is not None and stored[0] == PACK_FORMAT and int(stored[1]) == _max_evidence_id(
        session, organisation_id)


def _max_evidence_id(session: Session, organisation_id: int) -> int:
    evidence = tables.SkillEvidence
    return int(session.scalar(select(func.max(evidence.id)).where(
        evidence.organisation_id == organisation_id)) or 0)


def _set_state(session: Session, organisation_id: int, newest: int) -> None:
    state = tables.EvidencePackState
    session.execute(delete(state).where(state.organisation_id == organisation_id))
    session.execute(insert(state).values(organisation_id=organisation_id, format=PACK_FORMAT,
                                         evidence_max_id=newest))


def _sorted(block: np.ndarray) -> PackedEvidence:
    """A block of `evidence_block` as PackedEvidence, in pack order."""
    keys = (block[:, ORDER], block[:, DAY], block[:, SKILL], block[:, PERSON])
    order = np.lexsort(keys) if len(block) > 1 else slice(None)
    return PackedEvidence(
        person_id=block[order, PERSON].astype(np.int64),
        skill_id=block[order, SKILL].astype(np.int64),
        kind=block[order, KIND].astype(np.int8), level=block[order, LEVEL],
        day=np.rint(block[order, DAY]).astype(np.int64))


def _insert(session: Session, organisation_id: int, evidence: PackedEvidence) -> None:
    """One pack row per person in `evidence` (in pack order)."""
    if not len(evidence):
        return
    records = np.empty(len(evidence), dtype=RECORD)
    records["skill"], records["day"] = evidence.skill_id, evidence.day
    records["level"], records["kind"] = evidence.level, evidence.kind
    data = records.tobytes()
    people, counts = evidence.people()
    ends = np.cumsum(counts) * RECORD.itemsize
    insert_rows(session, tables.EvidencePack.__tablename__,
                names=("person_id", "organisation_id", "packed"),
                types=("int4", "int4", "bytea"),
                rows=((person_id, organisation_id, data[start:end]) for person_id, start, end
                      in zip(people.tolist(), (ends - counts * RECORD.itemsize).tolist(),
                             ends.tolist(), strict=True)))
