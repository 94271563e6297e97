"""The signals and evidence imports' writes: streamed by key into their large tables.

Each stream's values are a tuple in the order of its COLUMNS; see `store.bulk.KeyedStream`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from learnloop.domain.imports import Problems
from learnloop.store import tables
from learnloop.store.bulk import KeyedStream
from learnloop.store.evidence_packs import PackChanges
from learnloop.store.team_weeks import TeamWeekChanges

__all__ = ["EVIDENCE_COLUMNS", "SIGNAL_COLUMNS", "evidence_stream", "signal_stream"]

SIGNAL_COLUMNS = ("metric", "subject_type", "subject_id", "observed_at", "value", "source",
                  "volume")
EVIDENCE_COLUMNS = ("person_id", "skill_id", "kind", "level", "observed_on", "source")


def signal_stream(session: Session, *, organisation_id: int, problems: Problems,
                  batch_size: int, expected_rows: int = 0,
                  build_indexes_from: int | None = None) -> KeyedStream:
    """A stream of (row, key, SIGNAL_COLUMNS values); written by a thread while rows are checked.
    The team-week summary follows its writes, in the same transaction. From `build_indexes_from`
    `expected_rows`, PostgreSQL builds the signals' secondary indexes after the write when the
    table holds no more rows than that (see `KeyedStream`)."""
    return KeyedStream(session, tables.Signal, organisation_id=organisation_id,
                       columns=SIGNAL_COLUMNS, problems=problems, batch_size=batch_size,
                       noun="signal id", background=True,
                       changes=TeamWeekChanges(session, organisation_id=organisation_id),
                       expected_rows=expected_rows, build_indexes_from=build_indexes_from)


def evidence_stream(session: Session, *, organisation_id: int, problems: Problems,
                    batch_size: int) -> KeyedStream:
    """A stream of (row, key, EVIDENCE_COLUMNS values). The packs of the people it writes about
    follow its writes, in the same transaction (`store/evidence_packs.py`)."""
    return KeyedStream(session, tables.SkillEvidence, organisation_id=organisation_id,
                       columns=EVIDENCE_COLUMNS, problems=problems, batch_size=batch_size,
                       noun="evidence id",
                       changes=PackChanges(session, organisation_id=organisation_id))
