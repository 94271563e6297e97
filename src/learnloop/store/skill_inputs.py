"""What the skills agent reads, as NumPy columns straight from the driver's cursor: the people
with their team and role, what their roles require, every piece of evidence, and each person's
mean value of a KPI.

People and skills are coded by their place in id order, so the columns of every read line up
without a Python dictionary look-up per row (100,000 people have millions of rows of evidence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from learnloop.domain.proficiencies import EvidenceArrays, RequirementArrays, day_number
from learnloop.domain.proficiency import Criticality
from learnloop.domain.signals import SubjectType
from learnloop.store import tables
from learnloop.store.evidence_packs import build_packs, read_packs
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


def evidence_arrays_of(session: Session, *, organisation_id: int, people: PeopleColumns,
                       skill_ids: np.ndarray, skill_keys: tuple[str, ...],
                       end: date | None = None) -> EvidenceArrays:
    """Every piece of evidence (observed before `end`, if given) coded by `people` and the
    skills, ordered by person, skill, day, then id: read from the evidence packs, which are
    built again from the table first when they do not hold it as it stands (see
    `store/evidence_packs.py`)."""
    evidence = read_packs(session, organisation_id=organisation_id)
    if evidence is None:
        evidence = build_packs(session, organisation_id=organisation_id)
    keep = evidence.kind >= 0  # a kind the estimator does not know carries no weight
    if end is not None:
        keep &= evidence.day < day_number(end)
    skill = _codes(skill_ids, evidence.skill_id)
    if len(skill_ids):  # a skill gone since: its evidence went with it
        keep &= skill_ids[np.minimum(skill, len(skill_ids) - 1)] == evidence.skill_id
    else:
        keep[:] = False
    if not keep.all():
        evidence, skill = evidence.only(keep), skill[keep]
    # each person's code found once, then repeated for their pieces
    person = np.repeat(_codes(people.ids, evidence.people), evidence.counts)
    return EvidenceArrays(people=people.keys, skills=skill_keys, person=person, skill=skill,
                          kind=evidence.kind, level=evidence.level, day=evidence.day,
                          ordered=True)


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
