"""Read models of what the organisation defines: teams, skills, roles with requirements, objectives.

Queries only, a fixed number of round trips per list, each returning domain records: the API and
the console show the same shapes. Importers write these tables.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from learnloop.domain.objectives import Direction, Kpi, Objective
from learnloop.domain.org import TeamSummary
from learnloop.domain.proficiency import Criticality
from learnloop.domain.skills import Requirement, Role, Skill
from learnloop.store import tables

__all__ = ["objective_list", "role_list", "skill_list", "team_list"]


def team_list(session: Session, *, organisation_id: int) -> list[TeamSummary]:
    """Teams by department then name, with head count and manager: the person most of the team
    reports to."""
    heads = (select(tables.Person.team_id, func.count().label("people"))
             .where(tables.Person.organisation_id == organisation_id)
             .group_by(tables.Person.team_id).subquery())
    manager = aliased(tables.Person)
    reporting = session.execute(
        select(tables.Person.team_id, manager.name, func.count())
        .join(manager, manager.id == tables.Person.manager_id)
        .where(tables.Person.organisation_id == organisation_id)
        .group_by(tables.Person.team_id, manager.name))
    managers: dict[int, tuple[int, str]] = {}
    for team_id, name, reports in reporting:
        if team_id not in managers or reports > managers[team_id][0]:
            managers[team_id] = (reports, name)
    rows = session.execute(
        select(tables.Team.id, tables.Team.key, tables.Team.name, tables.Team.department,
               func.coalesce(heads.c.people, 0))
        .outerjoin(heads, heads.c.team_id == tables.Team.id)
        .where(tables.Team.organisation_id == organisation_id)
        .order_by(tables.Team.department, tables.Team.name))
    return [TeamSummary(key=key, name=name, department=department, people=int(people),
                        manager_name=managers[team_id][1] if team_id in managers else None)
            for team_id, key, name, department, people in rows]


def skill_list(session: Session, *, organisation_id: int) -> list[Skill]:
    rows = session.execute(
        select(tables.Skill.key, tables.Skill.name, tables.Skill.category,
               tables.Skill.description)
        .where(tables.Skill.organisation_id == organisation_id)
        .order_by(tables.Skill.category, tables.Skill.name))
    return [Skill(key=key, name=name, category=category, description=description)
            for key, name, category, description in rows]


def role_list(session: Session, *, organisation_id: int) -> list[Role]:
    """Roles with the skill levels they require."""
    requirements: dict[int, list[Requirement]] = defaultdict(list)
    for role_id, skill_key, skill_name, level, criticality in session.execute(
        select(tables.RoleRequirement.role_id, tables.Skill.key, tables.Skill.name,
               tables.RoleRequirement.level, tables.RoleRequirement.criticality)
        .join(tables.Skill, tables.Skill.id == tables.RoleRequirement.skill_id)
        .where(tables.Skill.organisation_id == organisation_id)
        .order_by(tables.Skill.key)):
        requirements[role_id].append(Requirement(skill_key=skill_key, skill_name=skill_name,
                                                 level=level, criticality=Criticality(criticality)))
    roles = session.scalars(select(tables.Role).where(
        tables.Role.organisation_id == organisation_id).order_by(tables.Role.name))
    return [Role(key=role.key, name=role.name, description=role.description,
                 requirements=tuple(requirements.get(role.id, ()))) for role in roles]


def objective_list(session: Session, *, organisation_id: int) -> list[Objective]:
    """Objectives (priorities first, heaviest first) with their KPIs, skills and teams."""
    objectives = list(session.scalars(
        select(tables.Objective).where(tables.Objective.organisation_id == organisation_id)
        .order_by(tables.Objective.priority.desc(), tables.Objective.weight.desc(),
                  tables.Objective.key)))
    ids = [objective.id for objective in objectives]
    kpis: dict[int, list[Kpi]] = defaultdict(list)
    skills: dict[int, list[str]] = defaultdict(list)
    if ids:
        for kpi in session.scalars(select(tables.Kpi).where(tables.Kpi.objective_id.in_(ids))
                                   .order_by(tables.Kpi.metric)):
            kpis[kpi.objective_id].append(Kpi(metric=kpi.metric, direction=Direction(kpi.direction),
                                              unit=kpi.unit, target=kpi.target))
        for objective_id, skill_key in session.execute(
            select(tables.ObjectiveSkill.objective_id, tables.Skill.key)
            .join(tables.Skill, tables.Skill.id == tables.ObjectiveSkill.skill_id)
            .where(tables.ObjectiveSkill.objective_id.in_(ids)).order_by(tables.Skill.key)):
            skills[objective_id].append(skill_key)
    return [Objective(
        key=objective.key, title=objective.title, description=objective.description,
        owner=objective.owner, priority=objective.priority, weight=objective.weight,
        reason=objective.reason, team_keys=tuple(objective.team_keys or ()),
        kpis=tuple(kpis.get(objective.id, ())), skill_keys=tuple(skills.get(objective.id, ())),
    ) for objective in objectives]
