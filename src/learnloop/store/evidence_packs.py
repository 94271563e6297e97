"""Each person's evidence packed into one row (evidence_packs), so the skills agent reads 100,000
rows of bytes instead of millions of rows of evidence (7.5 million pieces: about 1 s against
9-12 s on SQLite).

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

# 16 bytes, every field aligned: NumPy reads a field of millions of records at memory speed
# (a packed 17-byte record took ten times as long); the day and the kind share one int32
RECORD = np.dtype([("level", "<f8"), ("skill", "<i4"), ("dated", "<i4")])
_KIND_BITS = 4  # kind codes -1 to 14, stored plus one in the low bits of `dated`
if len(KINDS) >= (1 << _KIND_BITS) - 1:
    raise RuntimeError("evidence packs: more kinds than the record's kind bits hold")
# a new record layout or a new list of kinds (the codes are places in it) rebuilds every pack
PACK_FORMAT = ("2 level<f8 skill<i4 day*16+kind+1<i4; "
               + ",".join(kind.value for kind in KINDS))
# waiting for an evidence import to end before the packs are built again from the table
_IMPORT_WAIT_SECONDS = 600.0
# a write about more than this share of the people with packs builds them all again
_WHOLE_SHARE = 0.25


@dataclass(frozen=True, slots=True, eq=False)
class PackedEvidence:
    """The first `counts[0]` pieces are about person id `people[0]`, the next `counts[1]` about
    `people[1]`, and so on (ascending ids); piece i showed skill id `skill_id[i]` at `level[i]`
    on day `day[i]` (since 1970-01-01) by kind `KINDS[kind[i]]` (-1: a kind not in `KINDS`),
    ordered by skill id, day, then evidence id within each person."""

    people: np.ndarray     # int64
    counts: np.ndarray     # int64
    skill_id: np.ndarray   # int64
    kind: np.ndarray       # int8
    level: np.ndarray      # float64
    day: np.ndarray        # int64

    def __len__(self) -> int:
        return len(self.level)

    @property
    def person_id(self) -> np.ndarray:
        """Each piece's person id."""
        return np.repeat(self.people, self.counts)

    def only(self, keep: np.ndarray) -> PackedEvidence:
        """The pieces where `keep` holds (people left with none are dropped)."""
        # every person holds at least one piece, so no segment of reduceat is empty
        counts = np.add.reduceat(keep.astype(np.int64), np.r_[0, np.cumsum(self.counts)[:-1]]
                                 ) if len(self.counts) else self.counts
        held = counts > 0
        return PackedEvidence(people=self.people[held], counts=counts[held].astype(np.int64),
                              skill_id=self.skill_id[keep], kind=self.kind[keep],
                              level=self.level[keep], day=self.day[keep])


def read_packs(session: Session, *, organisation_id: int) -> PackedEvidence | None:
    """The organisation's evidence from its packs; None when the packs do not hold it as it
    stands (never built, another format, evidence written around the writer)."""
    if not _current(session, organisation_id):
        return None
    person_ids, blobs = _packs(session, organisation_id)
    records = np.frombuffer(b"".join(blobs), dtype=RECORD)
    counts = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // RECORD.itemsize
    dated = records["dated"]
    return PackedEvidence(
        people=np.array(person_ids, dtype=np.int64), counts=counts,
        skill_id=records["skill"].astype(np.int64),
        kind=((dated & ((1 << _KIND_BITS) - 1)) - 1).astype(np.int8),
        level=records["level"].copy(), day=(dated >> _KIND_BITS).astype(np.int64))


def _packs(session: Session, organisation_id: int) -> tuple[list[int], list[bytes]]:
    """The person ids and packs, by person id. PostgreSQL sends them in binary (as text, bytea
    travels hex-encoded: twice the bytes, and encoding and decoding 127 MB costs seconds)."""
    pack = tables.EvidencePack
    if session.get_bind().dialect.name == "sqlite":
        rows = [row for batch in raw_batches(session, select(pack.person_id, pack.packed).where(
            pack.organisation_id == organisation_id).order_by(pack.person_id)) for row in batch]
    else:
        with session.connection().connection.driver_connection.cursor(binary=True) as cursor:
            cursor.execute("SELECT person_id, packed FROM evidence_packs "
                           "WHERE organisation_id = %s ORDER BY person_id", (organisation_id,))
            rows = cursor.fetchall()
    return [row[0] for row in rows], [bytes(row[1]) for row in rows]


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


def refresh_packs(session: Session, *, organisation_id: int, person_ids: Iterable[int],
                  current: bool) -> None:
    """These people's packs made from the evidence table as it stands in this transaction,
    after a write about them (`current`: the packs held all evidence before it); all packs
    when they were not current, or when these are many of them."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return
    pack = tables.EvidencePack
    held = session.scalar(select(func.count()).select_from(pack).where(
        pack.organisation_id == organisation_id)) or 0
    if not current or len(wanted) > _WHOLE_SHARE * held:
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
    are made again from the table (the people a changed row moved to as well). Made before the
    write starts (it notes whether the packs hold all evidence then)."""

    def __init__(self, session: Session, *, organisation_id: int) -> None:
        self._session = session
        self._organisation_id = organisation_id
        self._current = _current(session, organisation_id)
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
        refresh_packs(self._session, organisation_id=self._organisation_id, person_ids=people,
                      current=self._current)
        self._people, self._changed, self._current = set(), [], True


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
    order = np.lexsort(keys) if len(block) > 1 and not _in_order(*keys) else slice(None)
    person = block[order, PERSON].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]]) if len(person) else \
        np.empty(0, dtype=np.int64)
    return PackedEvidence(
        people=person[starts], counts=np.diff(np.r_[starts, len(person)]),
        skill_id=block[order, SKILL].astype(np.int64),
        kind=block[order, KIND].astype(np.int8), level=block[order, LEVEL],
        day=np.rint(block[order, DAY]).astype(np.int64))


def _in_order(order: np.ndarray, day: np.ndarray, skill: np.ndarray,
              person: np.ndarray) -> bool:
    """Whether the rows already come by person, skill, day, then order (evidence written
    person by person reads back so): one pass instead of a sort of millions of rows."""
    ordered = order[1:] > order[:-1]
    for key in (day, skill, person):
        ordered = (key[1:] > key[:-1]) | ((key[1:] == key[:-1]) & ordered)
    return bool(ordered.all())


def _insert(session: Session, organisation_id: int, evidence: PackedEvidence) -> None:
    """One pack row per person in `evidence` (in pack order)."""
    if not len(evidence):
        return
    records = np.empty(len(evidence), dtype=RECORD)
    records["level"], records["skill"] = evidence.level, evidence.skill_id
    records["dated"] = (evidence.day << _KIND_BITS) | (evidence.kind.astype(np.int64) + 1)
    data = records.tobytes()
    people, counts = evidence.people, evidence.counts
    ends = np.cumsum(counts) * RECORD.itemsize
    insert_rows(session, tables.EvidencePack.__tablename__,
                names=("person_id", "organisation_id", "packed"),
                types=("int4", "int4", "bytea"),
                rows=((person_id, organisation_id, data[start:end]) for person_id, start, end
                      in zip(people.tolist(), (ends - counts * RECORD.itemsize).tolist(),
                             ends.tolist(), strict=True)))
