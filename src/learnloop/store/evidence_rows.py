"""The evidence table read as numbers: (id, person id, skill id, kind code, level, day) per piece,
as few numbers as the database can send, with no Python object per row.

The skills agent reads the packs (`store/evidence_packs.py`); this is how the packs are built
from the table, whole or for some people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Integer, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from learnloop.domain.proficiencies import KINDS
from learnloop.store import tables
from learnloop.store.joined_columns import joined_integers, joined_reals
from learnloop.store.number_blocks import number_block
from learnloop.store.reading import chunks

__all__ = ["DAY", "KIND", "LEVEL", "ORDER", "PERSON", "SKILL", "evidence_block"]

ORDER, PERSON, SKILL, KIND, LEVEL, DAY = range(6)  # the columns of a block


def evidence_block(session: Session, *, organisation_id: int,
                   person_ids: Sequence[int] | None = None) -> np.ndarray:
    """Every piece of the organisation's evidence (only these people's, if given) as a float64
    block of (order, person id, skill id, kind code, level, day) rows. Among one person's rows
    `order` follows their ids (SQLite numbers the rows as they come, in id order); the kind code
    is its place in `KINDS` (-1: a kind the estimator does not know); days count from
    1970-01-01."""
    evidence = tables.SkillEvidence
    where = evidence.organisation_id == organisation_id
    if person_ids is None:
        return _block(session, [where])
    blocks = [_block(session, [where, evidence.person_id.in_(chunk)])
              for chunk in chunks(sorted(person_ids))]
    return np.concatenate(blocks) if blocks else np.empty((0, 6))


def _block(session: Session, where: list[Any]) -> np.ndarray:
    block = _packed_evidence(session, where)
    return _plain_evidence(session, where) if block is None else block


def _day_number(session: Session, column: Any) -> Any:
    """Whole days since 1970-01-01 of a date column, computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.round(func.julianday(column) - 2440587.5), Integer)
    return cast(column - literal_column("DATE '1970-01-01'"), Integer)


def _kind_code() -> Any:
    return case({k.value: i for i, k in enumerate(KINDS)}, value=tables.SkillEvidence.kind,
                else_=-1)


def _pair_and_dated(session: Session) -> tuple[Any, Any]:
    """The two packed integers without the level: person id × _PAIR + skill id, and
    (kind + 1) × _DAYS + day + _DAYS / 2."""
    evidence = tables.SkillEvidence
    return (cast(evidence.person_id, BigInteger) * _PAIR + evidence.skill_id,
            (_kind_code() + 1) * _DAYS + _day_number(session, evidence.observed_on)
            + _DAYS // 2)


# Each piece of evidence travels as two integers: person id × _PAIR + skill id, and
# ((kind + 1) × _DAYS + day + _DAYS / 2) × _LEVELS + level × _QUANTUM
_PAIR_BITS, _DAY_BITS, _LEVEL_BITS = 31, 23, 13
_PAIR = 1 << _PAIR_BITS
_DAYS = 1 << _DAY_BITS  # day numbers of the years 1 to 9999 fit in half of it either side
_LEVELS = 1 << _LEVEL_BITS  # levels 0 to 8 (the scale is 0–4) in steps of 1/_QUANTUM
_QUANTUM = 1024


def _packed_evidence(session: Session, where: list[Any]) -> np.ndarray | None:
    """The evidence block, read as few numbers as the database can send: SQLite as two joined
    integer columns in id order (see `store/joined_columns.py`), PostgreSQL as three int8
    columns by binary COPY (six fields a row cost a third more on both ends). None when some
    level is not a whole multiple of 1/_QUANTUM (ratings and scores are): that row's integer
    is NULL."""
    evidence = tables.SkillEvidence
    scaled = evidence.level * _QUANTUM
    level = case((
        (scaled == cast(scaled, BigInteger)) & (evidence.level >= 0)
        & (scaled < _LEVELS), cast(scaled, BigInteger)), else_=None)
    pair, dated = _pair_and_dated(session)
    packed_columns = (pair, cast(dated, BigInteger) * _LEVELS + level)
    try:
        if session.get_bind().dialect.name == "sqlite":
            packed = joined_integers(session, select(*packed_columns).where(*where)
                                     .order_by(evidence.id))
            ids = np.arange(len(packed))  # the row's place stands for its id
        else:
            found = number_block(session, select(evidence.id, *packed_columns).where(*where),
                                 integers=True)
            ids, packed = found[:, 0], found[:, 1:]
    except ValueError:  # MissingValue on SQLite, a NULL in the COPY on PostgreSQL
        return None
    # the divisors are powers of two: shifts and masks, several times faster than a division
    dated_values = packed[:, 1] >> _LEVEL_BITS
    levels = (packed[:, 1] & (_LEVELS - 1)) / _QUANTUM
    return _unpacked(ids, packed[:, 0], dated_values, levels)


def _plain_evidence(session: Session, where: list[Any]) -> np.ndarray:
    """The same block, levels as they are stored (any real)."""
    evidence = tables.SkillEvidence
    if session.get_bind().dialect.name != "sqlite":
        return number_block(session, select(
            evidence.id, evidence.person_id, evidence.skill_id, _kind_code(), evidence.level,
            _day_number(session, evidence.observed_on)).where(*where))
    packed = joined_integers(session, select(*_pair_and_dated(session)).where(*where)
                             .order_by(evidence.id))
    levels = joined_reals(session, select(evidence.level).where(*where)
                          .order_by(evidence.id))
    return _unpacked(np.arange(len(packed)), packed[:, 0], packed[:, 1], levels)


def _unpacked(ids: np.ndarray, pair: np.ndarray, dated: np.ndarray,
              levels: np.ndarray) -> np.ndarray:
    block = np.empty((len(pair), 6))
    block[:, ORDER] = ids
    block[:, PERSON], block[:, SKILL] = pair >> _PAIR_BITS, pair & (_PAIR - 1)
    block[:, KIND] = (dated >> _DAY_BITS) - 1
    block[:, LEVEL] = levels
    block[:, DAY] = (dated & (_DAYS - 1)) - _DAYS // 2
    return block
