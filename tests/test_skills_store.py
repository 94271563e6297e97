"""The skills agent's bulk reads and writes on both databases: number blocks (binary COPY on
PostgreSQL), evidence and requirements as arrays coded by id order, and proficiencies written only
where they changed."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import BigInteger, case, cast, func, literal, select, update
from sqlalchemy.exc import DataError

from import_support import import_into
from learnloop.domain.evidence import EvidenceKind
from learnloop.domain.proficiencies import KINDS, day_number
from learnloop.store import tables
from learnloop.store.evidence_packs import build_packs
from learnloop.store.joined_columns import MissingValue, joined_integers, joined_reals
from learnloop.store.number_blocks import number_block
from learnloop.store.proficiency_rows import (
    StoredProficiencies,
    proficiencies_as_of,
    stored_proficiencies,
    write_proficiencies,
)
from learnloop.store.skill_inputs import (
    evidence_arrays_of,
    people_columns,
    requirement_arrays,
    skill_codes,
)
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def _example(workspace: Workspace) -> None:
    for kind, name in [("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv"), ("objectives", "objectives.yaml"),
                       ("evidence", "evidence.csv")]:
        import_into(workspace, kind=kind, path=EXAMPLES / name)


def test_a_number_block_reads_every_row_as_floats(workspace: Workspace) -> None:
    _example(workspace)
    with workspace.session() as session:
        person = tables.Person
        block = number_block(session, select(person.id, person.team_id, person.id * 0.5))
        expected = session.execute(select(person.id, person.team_id)).all()
    assert sorted(map(tuple, block[:, :2].tolist())) == sorted(
        (float(a), float(b)) for a, b in expected)
    assert np.allclose(block[:, 2], block[:, 0] / 2)


def test_an_integer_number_block_is_exact_past_two_to_the_53(workspace: Workspace) -> None:
    _example(workspace)
    big = (1 << 53) + 1  # a float64 would read 2**53
    with workspace.session() as session:
        person = tables.Person
        block = number_block(session, select(person.id, cast(person.id, BigInteger) + big),
                             integers=True)
        ids = session.scalars(select(person.id)).all()
    assert block.dtype == np.int64
    assert sorted(block.tolist()) == sorted([i, i + big] for i in ids)


def test_a_number_block_refuses_a_null(workspace: Workspace) -> None:
    _example(workspace)
    with workspace.session() as session:
        query = select(tables.Person.id, tables.Person.manager_id)  # some have no manager
        with pytest.raises(ValueError, match="NULL"):
            number_block(session, query)


def test_a_refused_number_block_leaves_the_connection_ready(workspace: Workspace) -> None:
    _example(workspace)
    with workspace.session() as session:
        person = tables.Person
        with pytest.raises(ValueError, match="NULL"):
            number_block(session, select(person.id, person.manager_id))
        block = number_block(session, select(person.id))
        assert len(block) == session.scalar(select(func.count()).select_from(person))


def test_evidence_and_requirements_come_coded_by_id_order(workspace: Workspace) -> None:
    _example(workspace)
    with workspace.session() as session:
        org = session.scalar(select(tables.Organisation.id))
        people = people_columns(session, organisation_id=org)
        skill_ids, skill_keys = skill_codes(session, organisation_id=org)
        evidence = evidence_arrays_of(session, organisation_id=org, people=people,
                                      skill_ids=skill_ids, skill_keys=skill_keys)
        rows = session.execute(
            select(tables.Person.key, tables.Skill.key, tables.SkillEvidence.kind,
                   tables.SkillEvidence.level, tables.SkillEvidence.observed_on)
            .join(tables.Person, tables.Person.id == tables.SkillEvidence.person_id)
            .join(tables.Skill, tables.Skill.id == tables.SkillEvidence.skill_id)
            .order_by(tables.SkillEvidence.person_id, tables.SkillEvidence.skill_id,
                      tables.SkillEvidence.observed_on, tables.SkillEvidence.id)).all()
        requirements = requirement_arrays(session, organisation_id=org, people=people,
                                          skill_ids=skill_ids)
        expected = set(session.execute(
            select(tables.Person.key, tables.Skill.key)
            .join(tables.RoleRequirement, tables.RoleRequirement.role_id == tables.Person.role_id)
            .join(tables.Skill, tables.Skill.id == tables.RoleRequirement.skill_id)).all())
    assert list(people.ids) == sorted(people.ids)
    assert [(evidence.people[p], evidence.skills[s], KINDS[k], v, d) for p, s, k, v, d in zip(
        evidence.person, evidence.skill, evidence.kind, evidence.level, evidence.day,
        strict=True)] == [(p, s, EvidenceKind(k), v, day_number(d)) for p, s, k, v, d in rows]
    assert {(people.keys[p], skill_keys[s]) for p, s in zip(
        requirements.person, requirements.skill, strict=True)} == expected
    assert all(people.teams[t] and people.roles[r] for t, r in zip(
        requirements.team, requirements.role, strict=True))


def test_joined_columns_read_integers_and_exact_reals_and_refuse_a_null(
        sqlite_workspace: Workspace) -> None:
    _example(sqlite_workspace)
    with sqlite_workspace.session() as session:
        person = tables.Person
        ids = session.scalars(select(person.id).order_by(person.id)).all()
        block = joined_integers(session, select(person.id, person.id * 3).order_by(person.id))
        assert block.tolist() == [[i, 3 * i] for i in ids]
        thirds = joined_reals(session, select(person.id / 3.0).order_by(person.id))
        assert thirds.tolist() == [i / 3.0 for i in ids]  # every bit, not 15 digits
        with pytest.raises(MissingValue, match="NULL"):
            joined_integers(session, select(person.id, person.manager_id))


def test_joined_integers_past_sqlites_longest_text_are_read_row_by_row(
        sqlite_workspace: Workspace) -> None:
    numbers = select(literal(1).label("n")).cte(recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < 300))
    query = select(numbers.c.n, numbers.c.n * 3)
    with sqlite_workspace.session() as session:
        driver = session.connection().connection.driver_connection
        longest = driver.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
        driver.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 64)  # each joined text is longer
        try:
            with pytest.raises(DataError):  # the joined read itself cannot run
                session.connection().execute(select(func.group_concat(numbers.c.n))).all()
            fetched = joined_integers(session, query)
            with pytest.raises(MissingValue, match="NULL"):
                joined_integers(session, select(numbers.c.n, case(
                    (numbers.c.n == 5, None), else_=numbers.c.n)))
        finally:
            driver.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, longest)
    assert fetched.dtype == np.int64
    assert fetched.tolist() == [[n, 3 * n] for n in range(1, 301)]


def test_evidence_levels_off_the_read_grid_come_back_exactly(workspace: Workspace) -> None:
    """SQLite packs levels that are multiples of 1/1024 into integers; any other level sends
    the read down the exact path, which must give every level bit for bit to the packs built
    from the table (written around the evidence writer here, so built explicitly)."""
    _example(workspace)
    with workspace.session() as session:
        org = session.scalar(select(tables.Organisation.id))
        first, second = session.scalars(select(tables.SkillEvidence.id)
                                        .order_by(tables.SkillEvidence.id).limit(2)).all()
        for row_id, level in ((first, 2.7), (second, 1 / 3)):
            session.execute(update(tables.SkillEvidence).where(
                tables.SkillEvidence.id == row_id).values(level=level))
        build_packs(session, organisation_id=org)
        people = people_columns(session, organisation_id=org)
        skill_ids, skill_keys = skill_codes(session, organisation_id=org)
        evidence = evidence_arrays_of(session, organisation_id=org, people=people,
                                      skill_ids=skill_ids, skill_keys=skill_keys)
        expected = session.execute(
            select(tables.SkillEvidence.level, tables.SkillEvidence.observed_on)
            .order_by(tables.SkillEvidence.person_id, tables.SkillEvidence.skill_id,
                      tables.SkillEvidence.observed_on, tables.SkillEvidence.id)).all()
    assert evidence.level.tolist() == [level for level, _ in expected]
    assert evidence.day.tolist() == [day_number(day) for _, day in expected]
    assert {2.7, 1 / 3} <= set(evidence.level.tolist())


def test_proficiencies_are_written_only_where_they_changed(workspace: Workspace) -> None:
    _example(workspace)
    day = date(2025, 3, 1)
    with workspace.session() as session:
        org = session.scalar(select(tables.Organisation.id))
        people = session.scalars(select(tables.Person.id).order_by(tables.Person.id)).all()
        skills = session.scalars(select(tables.Skill.id).order_by(tables.Skill.id)).all()
        pairs = [(p, s) for p in people for s in skills]
        n = len(pairs)
        assert n >= 3
        rows = StoredProficiencies(
            person_id=np.array([p for p, _ in pairs]), skill_id=np.array([s for _, s in pairs]),
            level=np.linspace(0.5, 3.5, len(pairs)), lower=np.linspace(0, 3, len(pairs)),
            upper=np.linspace(1, 4, len(pairs)), evidence=np.arange(len(pairs)) + 1)
        assert write_proficiencies(session, organisation_id=org, rows=rows, as_of=day) == n
        assert proficiencies_as_of(session, organisation_id=org) == day
        assert write_proficiencies(session, organisation_id=org, rows=rows, as_of=day) == 0
        moved = StoredProficiencies(
            person_id=rows.person_id[1:], skill_id=rows.skill_id[1:],
            level=np.r_[rows.level[1:-1], 3.9], lower=rows.lower[1:], upper=rows.upper[1:],
            evidence=rows.evidence[1:])
        # one row gone, one moved: one deleted, one rewritten, the rest untouched
        row = tables.Proficiency
        ids = {(p, s): i for p, s, i in session.execute(
            select(row.person_id, row.skill_id, row.id))}
        assert write_proficiencies(session, organisation_id=org, rows=moved, as_of=day) == 1
        kept = {(p, s): i for p, s, i in session.execute(
            select(row.person_id, row.skill_id, row.id))}
        assert len(kept) == n - 1
        assert all(kept[pair] == ids[pair] for pair in pairs[1:-1])  # the same rows, untouched
        back = stored_proficiencies(session, organisation_id=org)
        order = np.lexsort((back.skill_id, back.person_id))
        assert np.allclose(back.level[order], moved.level)
        # a new day rewrites everything: every interval has widened since
        assert write_proficiencies(session, organisation_id=org, rows=moved,
                                   as_of=date(2025, 3, 2)) == n - 1
        assert proficiencies_as_of(session, organisation_id=org) == date(2025, 3, 2)
        after = {(p, s): i for p, s, i in session.execute(
            select(row.person_id, row.skill_id, row.id))}
        assert after == kept  # in place: the same rows
        back = stored_proficiencies(session, organisation_id=org)
        order = np.lexsort((back.skill_id, back.person_id))
        assert np.allclose(back.level[order], moved.level)
        assert np.allclose(back.upper[order], moved.upper)
