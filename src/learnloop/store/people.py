"""Read models of people: look-ups by key, the management chain, pages and one person's record.

Queries only; importers write people.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from learnloop.domain.proficiency import Criticality
from learnloop.domain.standing import Requirement
from learnloop.store import tables

__all__ = [
    "person_detail", "person_id_by_key", "person_key", "person_page", "report_ids",
    "requirements_of",
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


def _person_query():  # noqa: ANN202 - a select shared by the list and the detail
    manager = aliased(tables.Person)
    return (
        select(tables.Person, tables.Team.key, tables.Team.name, tables.Role.key, tables.Role.name,
               manager.key)
        .join(tables.Team, tables.Team.id == tables.Person.team_id)
        .outerjoin(tables.Role, tables.Role.id == tables.Person.role_id)
        .outerjoin(manager, manager.id == tables.Person.manager_id)
    )


def _as_dict(row: Any) -> dict[str, Any]:
    person, team_key, team_name, role_key, role_name, manager_key = row
    return {
        "key": person.key, "name": person.name, "email": person.email,
        "team": {"key": team_key, "name": team_name},
        "role": {"key": role_key, "name": role_name} if role_key else None,
        "manager_key": manager_key, "location": person.location, "time_zone": person.time_zone,
        "hire_date": person.hire_date, "status": person.status,
    }


def person_page(session: Session, *, organisation_id: int, limit: int, offset: int,
                team_key: str | None = None,
                only_ids: Collection[int] | None = None) -> tuple[int, list[dict[str, Any]]]:
    """(total, one page ordered by key); `only_ids` narrows to the people a caller may see."""
    conditions = [tables.Person.organisation_id == organisation_id]
    if team_key is not None:
        conditions.append(tables.Person.team_id.in_(select(tables.Team.id).where(
            tables.Team.organisation_id == organisation_id, tables.Team.key == team_key)))
    if only_ids is not None:
        conditions.append(tables.Person.id.in_(list(only_ids)))
    total = session.scalar(select(func.count()).select_from(tables.Person).where(*conditions)) or 0
    rows = session.execute(_person_query().where(*conditions)
                           .order_by(tables.Person.key).limit(limit).offset(offset))
    return int(total), [_as_dict(row) for row in rows]


def person_detail(session: Session, *, organisation_id: int, person_id: int) -> dict[str, Any]:
    """One person with team, role, manager and every piece of skill evidence, newest first."""
    row = session.execute(_person_query().where(
        tables.Person.organisation_id == organisation_id, tables.Person.id == person_id)).one()
    evidence = session.execute(
        select(tables.Skill.key, tables.Skill.name, tables.SkillEvidence.kind,
               tables.SkillEvidence.level, tables.SkillEvidence.observed_on,
               tables.SkillEvidence.source)
        .join(tables.Skill, tables.Skill.id == tables.SkillEvidence.skill_id)
        .where(tables.SkillEvidence.person_id == person_id)
        .order_by(tables.SkillEvidence.observed_on.desc(), tables.Skill.key))
    detail = _as_dict(row)
    detail["evidence"] = [
        {"skill_key": key, "skill_name": name, "kind": kind, "level": level,
         "observed_on": observed_on, "source": source}
        for key, name, kind, level, observed_on, source in evidence
    ]
    return detail


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
