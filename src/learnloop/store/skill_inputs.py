"""What the skills agent reads, as NumPy columns straight from the driver's cursor: the people
with their team and role, what their roles require, every piece of evidence, and each person's
mean value of a KPI.

People and skills are coded by their place in id order, so the columns of every read line up
without a Python dictionary look-up per row (100,000 people have millions of rows of evidence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Integer, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from learnloop.domain.proficiencies import KINDS, EvidenceArrays, RequirementArrays
from learnloop.domain.proficiency import Criticality
from learnloop.domain.signals import SubjectType
from learnloop.store import tables
from learnloop.store.joined_columns import joined_integers, joined_reals
from learnloop.store.number_blocks import number_block
from learnloop.store.reading import raw_batches

__all__ = ["PeopleColumns", "evidence_arrays_of", "people_columns", "person_kpi_means",
           "requirement_arrays", "skill_codes"]


@dataclass(frozen=True, slots=True, eq=False)
class PeopleColumns:
    """Person i (id `ids[i]`, ascending) has key `keys[i]`, is in team `teams[team[i]]` and holds
    role `roles[role[i]]` (role -1: none); team and role keys are sorted."""

    ids: np.ndarray
    keys: tuple[str, ...]
    teams: tuple[str, ...]
    team: np.ndarray
    roles: tuple[str, ...]
    role: np.ndarray
    role_id: np.ndarray        # the role's row id (-1: none), to join requirements on

    def __len__(self) -> int:
        return len(self.ids)


def people_columns(session: Session, *, organisation_id: int) -> PeopleColumns:
    person, team, role = tables.Person, tables.Team, tables.Role
    rows = [row for batch in raw_batches(session, select(
        person.id, person.key, team.key, role.key, person.role_id)
        .join(team, team.id == person.team_id).outerjoin(role, role.id == person.role_id)
        .where(person.organisation_id == organisation_id).order_by(person.id))
        for row in batch]
    if not rows:
        empty = np.empty(0, dtype=np.int64)
        return PeopleColumns(ids=empty, keys=(), teams=(), team=empty, roles=(), role=empty,
                             role_id=empty)
    ids, keys, team_keys, role_keys, role_ids = zip(*rows, strict=True)
    teams, team_index = np.unique(np.array(team_keys, dtype=object), return_inverse=True)
    has_role = np.array([key is not None for key in role_keys])
    named = np.array(role_keys, dtype=object)
    roles, role_index = np.unique(named[has_role], return_inverse=True) if has_role.any() \
        else (np.empty(0, dtype=object), np.empty(0, dtype=np.int64))
    role = np.full(len(rows), -1, dtype=np.int64)
    role[has_role] = role_index
    return PeopleColumns(
        ids=np.array(ids, dtype=np.int64), keys=keys, teams=tuple(teams.tolist()),
        team=team_index.astype(np.int64), roles=tuple(roles.tolist()), role=role,
        role_id=np.array([-1 if r is None else r for r in role_ids], dtype=np.int64))


def skill_codes(session: Session, *, organisation_id: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """The organisation's skill ids (ascending) and keys."""
    rows = session.execute(select(tables.Skill.id, tables.Skill.key).where(
        tables.Skill.organisation_id == organisation_id).order_by(tables.Skill.id)).all()
    return np.array([row[0] for row in rows], dtype=np.int64), tuple(row[1] for row in rows)


def requirement_arrays(session: Session, *, organisation_id: int, people: PeopleColumns,
                       skill_ids: np.ndarray) -> RequirementArrays:
    """Each person's role requirements, one entry per (person, required skill), coded by
    `people` and `skill_ids`: each person repeats their role's rows, no loop per person."""
    need = tables.RoleRequirement
    required = number_block(session, select(
        need.role_id, need.skill_id, need.level,
        case((need.criticality == Criticality.CRITICAL.value, 1), else_=0))
        .join(tables.Skill, tables.Skill.id == need.skill_id)
        .where(tables.Skill.organisation_id == organisation_id))
    required = required[np.lexsort((required[:, 1], required[:, 0]))]  # by role, then skill
    role_of_row = required[:, 0].astype(np.int64)
    first = np.searchsorted(role_of_row, people.role_id, side="left")
    count = np.where(people.role >= 0,
                     np.searchsorted(role_of_row, people.role_id, side="right") - first, 0)
    person = np.repeat(np.arange(len(people)), count)
    row = np.repeat(first - np.cumsum(count) + count, count) + np.arange(len(person))
    return RequirementArrays(
        teams=people.teams, roles=people.roles, person=person, team=people.team[person],
        role=people.role[person],
        skill=np.searchsorted(skill_ids, required[row, 1].astype(np.int64)),
        level=required[row, 2], critical=required[row, 3] > 0)


def _day_number(session: Session, column: Any) -> Any:
    """Whole days since 1970-01-01 of a date column, computed by the database."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.round(func.julianday(column) - 2440587.5), Integer)
    return cast(column - literal_column("DATE '1970-01-01'"), Integer)


def evidence_arrays_of(session: Session, *, organisation_id: int, people: PeopleColumns,
                       skill_ids: np.ndarray, skill_keys: tuple[str, ...],
                       end: date | None = None) -> EvidenceArrays:
    """Every piece of evidence (observed before `end`, if given) coded by `people` and the
    skills, ordered by person, skill, day, then id; kinds and days come out of the database
    as numbers, so the rows arrive as blocks of numbers (see `_packed_evidence`)."""
    evidence = tables.SkillEvidence
    where = [evidence.organisation_id == organisation_id,
             *(() if end is None else (evidence.observed_on < end,))]
    block = _packed_evidence(session, where)
    if block is None:
        block = _plain_evidence(session, where)
    known = block[:, 3] >= 0
    if not known.all():
        block = block[known]  # a kind the estimator does not know carries no weight
    person = _codes(people.ids, block[:, 1].astype(np.int64))
    skill = _codes(skill_ids, block[:, 2].astype(np.int64))
    day = np.rint(block[:, 5]).astype(np.int64)
    keys = (block[:, 0], day, person * max(len(skill_ids), 1) + skill)
    order = np.lexsort(keys) if len(block) > 1 and not _ordered(*keys) else slice(None)
    return EvidenceArrays(people=people.keys, skills=skill_keys, person=person[order],
                          skill=skill[order], kind=block[order, 3].astype(np.int8),
                          level=block[order, 4], day=day[order], ordered=True)


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
    """The evidence as (id, person id, skill id, kind, level, day) rows, read as few numbers
    as the database can send: SQLite as two joined integer columns in id order (the row's
    place stands for its id; see `store/joined_columns.py`), PostgreSQL as three int8 columns
    by binary COPY (six fields a row cost a third more on both ends). None when some level is
    not a whole multiple of 1/_QUANTUM (ratings and scores are): that row's integer is NULL."""
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
            ids = np.arange(len(packed))
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
    block[:, 0] = ids
    block[:, 1], block[:, 2] = pair >> _PAIR_BITS, pair & (_PAIR - 1)
    block[:, 3] = (dated >> _DAY_BITS) - 1
    block[:, 4] = levels
    block[:, 5] = (dated & (_DAYS - 1)) - _DAYS // 2
    return block


def _codes(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The place of each of `wanted` in the ascending `ids`: a look-up table when the ids are
    dense enough and all are there, else a binary search (as `np.searchsorted` places them)."""
    if len(ids) and len(wanted) and ids[0] >= 0 and ids[-1] < 4 * len(ids) + 1024 and (
            wanted.min() >= 0 and wanted.max() <= ids[-1]):
        table = np.full(int(ids[-1]) + 1, -1, dtype=np.int64)
        table[ids] = np.arange(len(ids))
        codes = table[wanted]
        if (codes >= 0).all():
            return codes
    return np.searchsorted(ids, wanted)


def _ordered(row_id: np.ndarray, day: np.ndarray, pair: np.ndarray) -> bool:
    """Whether rows already come by pair, day, then id (rows read back in insertion order
    usually do), so the sort can be skipped."""
    later = pair[1:] > pair[:-1]
    same = pair[1:] == pair[:-1]
    return bool((later | (same & ((day[1:] > day[:-1])
                                  | ((day[1:] == day[:-1]) & (row_id[1:] > row_id[:-1]))))).all())


def person_kpi_means(session: Session, *, organisation_id: int, metric: str,
                     people: PeopleColumns) -> np.ndarray:
    """Each person's mean value of `metric` (NaN without one), averaged by the database: one
    row per person instead of one per person and week."""
    signal = tables.Signal
    block = number_block(session, select(signal.subject_id, func.avg(signal.value)).where(
        signal.organisation_id == organisation_id, signal.metric == metric,
        signal.subject_type == SubjectType.PERSON.value).group_by(signal.subject_id))
    means = np.full(len(people), np.nan)
    at = np.searchsorted(people.ids, block[:, 0].astype(np.int64))
    known = at < len(people)
    known[known] = people.ids[at[known]] == block[known, 0].astype(np.int64)
    means[at[known]] = block[known, 1]
    return means
