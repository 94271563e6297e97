"""Reads people as domain records: look-ups by key, the management chain, pages, everyone, one
person's record, and what their roles require. Queries only; importers write people.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from learnloop.domain.org import KeyName, Person, PersonRecord
from learnloop.domain.proficiency import Criticality
from learnloop.domain.skills import Requirement
from learnloop.store import tables
from learnloop.store.evidence import skill_evidence
from learnloop.store.reading import chunks

__all__ = [
    "people", "person_id_by_key", "person_key", "person_page", "person_record", "report_ids",
    "requirements_by_person", "requirements_of",
]


def person_id_by_key(session: Session, *, organisation_id: int, key: str) -> int | None:
    return session.scalar(select(tables.Person.id).where(
        tables.Person.organisation_id == organisation_id, tables.Person.key == key))


def report_ids(session: Session, *, organisation_id: int, manager_id: int) -> frozenset[int]:
    """Everyone below a manager, direct and indirect, walking only their part of the chart."""
    below = (
        select(tables.Person.id)
        .where(tables.Person.organisation_id == organisation_id,
               tables.Person.manager_id == manager_id)
        .cte("below", recursive=True)
    )
    report = aliased(tables.Person)
    # UNION, not UNION ALL: a chain that loops back (refused on import) still ends
    below = below.union(select(report.id).join(below, report.manager_id == below.c.id))
    return frozenset(session.scalars(select(below.c.id)))


def _person_query():  # noqa: ANN202 - a select shared by the list and the record
    manager = aliased(tables.Person)
    return (
        select(tables.Person.key, tables.Person.name, tables.Person.email, tables.Team.key,
               tables.Team.name, tables.Role.key, tables.Role.name, manager.key,
               tables.Person.location, tables.Person.time_zone, tables.Person.hire_date,
               tables.Person.status)
        .join(tables.Team, tables.Team.id == tables.Person.team_id)
        .outerjoin(tables.Role, tables.Role.id == tables.Person.role_id)
        .outerjoin(manager, manager.id == tables.Person.manager_id)
    )


def _as_people(rows: Iterable[Any]) -> list[Person]:
    refs: dict[tuple[str, str], KeyName] = {}

    def ref(key: str, name: str) -> KeyName:
        # one KeyName per team and role, shared by everyone in it
        found = refs.get((key, name))
        if found is None:
            found = refs[key, name] = KeyName(key, name)
        return found

    return [
        Person(key=key, name=name, email=email, team=ref(team_key, team_name),
               role=None if role_key is None else ref(role_key, role_name),
               manager_key=manager_key, location=location, time_zone=time_zone,
               hire_date=hire_date, status=status)
        for (key, name, email, team_key, team_name, role_key, role_name, manager_key, location,
             time_zone, hire_date, status) in rows
    ]


def _in_teams(organisation_id: int, team_keys: Collection[str]) -> Any:
    return tables.Person.team_id.in_(select(tables.Team.id).where(
        tables.Team.organisation_id == organisation_id, tables.Team.key.in_(sorted(team_keys))))


def person_page(session: Session, *, organisation_id: int, limit: int, offset: int,
                team_key: str | None = None,
                only_ids: Collection[int] | None = None) -> tuple[int, list[Person]]:
    """(total, one page ordered by key); `only_ids` narrows to the people a caller may see."""
    conditions = [tables.Person.organisation_id == organisation_id]
    if team_key is not None:
        conditions.append(_in_teams(organisation_id, [team_key]))
    if only_ids is not None:
        conditions.append(tables.Person.id.in_(list(only_ids)))
    total = session.scalar(select(func.count()).select_from(tables.Person).where(*conditions)) or 0
    rows = session.execute(_person_query().where(*conditions)
                           .order_by(tables.Person.key).limit(limit).offset(offset))
    return int(total), _as_people(rows)


def people(session: Session, *, organisation_id: int,
           team_keys: Collection[str] | None = None) -> list[Person]:
    """Everyone in the organisation (or in `team_keys`), ordered by key: what agents group by."""
    query = _person_query().where(tables.Person.organisation_id == organisation_id)
    if team_keys is not None:
        query = query.where(_in_teams(organisation_id, team_keys))
    return _as_people(session.execute(query.order_by(tables.Person.key)).all())


def person_record(session: Session, *, organisation_id: int, person_id: int) -> PersonRecord:
    """One person with team, role, manager and every piece of skill evidence, newest first."""
    person, = _as_people(session.execute(_person_query().where(
        tables.Person.organisation_id == organisation_id, tables.Person.id == person_id)).all())
    evidence = sorted(
        skill_evidence(session, organisation_id=organisation_id, person_keys=[person.key]),
        key=lambda e: (-e.observed_on.toordinal(), e.skill_key))
    names = dict(session.execute(select(tables.Skill.key, tables.Skill.name).where(
        tables.Skill.organisation_id == organisation_id,
        tables.Skill.key.in_(sorted({e.skill_key for e in evidence})))).all())
    return PersonRecord(person=person, evidence=tuple(evidence), skill_names=names)


def person_key(session: Session, *, organisation_id: int, person_id: int) -> str | None:
    return session.scalar(select(tables.Person.key).where(
        tables.Person.organisation_id == organisation_id, tables.Person.id == person_id))


def requirements_of(session: Session, *, organisation_id: int,
                    person_id: int) -> list[Requirement]:
    """What the person's role requires, skill by skill (empty when they have no role)."""
    rows = session.execute(
        select(tables.Skill.key, tables.Skill.name, tables.RoleRequirement.level,
               tables.RoleRequirement.criticality)
        .join(tables.RoleRequirement, tables.RoleRequirement.skill_id == tables.Skill.id)
        .join(tables.Person, tables.Person.role_id == tables.RoleRequirement.role_id)
        .where(tables.Person.organisation_id == organisation_id, tables.Person.id == person_id))
    return [Requirement(skill_key=key, skill_name=name, level=level,
                        criticality=Criticality(criticality))
            for key, name, level, criticality in rows]


def requirements_by_person(session: Session, *, organisation_id: int,
                           person_keys: Collection[str] | None = None
                           ) -> dict[str, tuple[Requirement, ...]]:
    """What each person's role requires (everyone, or `person_keys`); people without a role, or
    whose role requires nothing, get an empty tuple. People of one role share one tuple."""
    by_role: dict[int, list[Requirement]] = {}
    for role_id, key, name, level, criticality in session.execute(
        select(tables.RoleRequirement.role_id, tables.Skill.key, tables.Skill.name,
               tables.RoleRequirement.level, tables.RoleRequirement.criticality)
        .join(tables.Skill, tables.Skill.id == tables.RoleRequirement.skill_id)
        .where(tables.Skill.organisation_id == organisation_id)
        .order_by(tables.RoleRequirement.role_id, tables.Skill.key)
    ):
        by_role.setdefault(role_id, []).append(Requirement(
            skill_key=key, skill_name=name, level=level, criticality=Criticality(criticality)))
    shared = {role_id: tuple(requirements) for role_id, requirements in by_role.items()}
    query = select(tables.Person.key, tables.Person.role_id).where(
        tables.Person.organisation_id == organisation_id)
    if person_keys is None:
        rows = session.execute(query).all()
    else:
        rows = [row for chunk in chunks(sorted(set(person_keys)))
                for row in session.execute(query.where(tables.Person.key.in_(chunk)))]
    return {key: shared.get(role_id, ()) if role_id is not None else ()
            for key, role_id in rows}
