"""Read models of what the organisation defines: teams, skills, roles with requirements, objectives.

Queries only, a fixed number of round trips per list; importers write these tables.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.store import tables

__all__ = ["objective_list", "role_list", "skill_list", "team_list"]


def team_list(session: Session, *, organisation_id: int) -> list[dict[str, Any]]:
    """Teams with their head count, by department then name."""
    heads = (select(tables.Person.team_id, func.count().label("people"))
             .where(tables.Person.organisation_id == organisation_id)
             .group_by(tables.Person.team_id).subquery())
    rows = session.execute(
        select(tables.Team.key, tables.Team.name, tables.Team.department,
               func.coalesce(heads.c.people, 0))
        .outerjoin(heads, heads.c.team_id == tables.Team.id)
        .where(tables.Team.organisation_id == organisation_id)
        .order_by(tables.Team.department, tables.Team.name))
    return [{"key": key, "name": name, "department": department, "people": int(people)}
            for key, name, department, people in rows]


def skill_list(session: Session, *, organisation_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(tables.Skill.key, tables.Skill.name, tables.Skill.category,
               tables.Skill.description)
        .where(tables.Skill.organisation_id == organisation_id)
        .order_by(tables.Skill.category, tables.Skill.name))
    return [{"key": key, "name": name, "category": category, "description": description}
            for key, name, category, description in rows]


def role_list(session: Session, *, organisation_id: int) -> list[dict[str, Any]]:
    """Roles with the skill levels they require."""
    requirements: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for role_id, skill_key, level, criticality in session.execute(
        select(tables.RoleRequirement.role_id, tables.Skill.key, tables.RoleRequirement.level,
               tables.RoleRequirement.criticality)
        .join(tables.Skill, tables.Skill.id == tables.RoleRequirement.skill_id)
        .where(tables.Skill.organisation_id == organisation_id)
        .order_by(tables.Skill.key)):
        requirements[role_id].append(
            {"skill": skill_key, "level": level, "criticality": criticality})
    roles = session.scalars(select(tables.Role).where(
        tables.Role.organisation_id == organisation_id).order_by(tables.Role.name))
    return [{"key": role.key, "name": role.name, "description": role.description,
             "requirements": requirements.get(role.id, [])} for role in roles]


def objective_list(session: Session, *, organisation_id: int) -> list[dict[str, Any]]:
    """Objectives (priorities first, heaviest first) with their KPIs and skills."""
    objectives = list(session.scalars(
        select(tables.Objective).where(tables.Objective.organisation_id == organisation_id)
        .order_by(tables.Objective.priority.desc(), tables.Objective.weight.desc(),
                  tables.Objective.key)))
    ids = [objective.id for objective in objectives]
    kpis: dict[int, list[dict[str, Any]]] = defaultdict(list)
    skills: dict[int, list[str]] = defaultdict(list)
    if ids:
        for kpi in session.scalars(select(tables.Kpi).where(tables.Kpi.objective_id.in_(ids))
                                   .order_by(tables.Kpi.metric)):
            kpis[kpi.objective_id].append({"metric": kpi.metric, "direction": kpi.direction,
                                           "unit": kpi.unit, "target": kpi.target})
        for objective_id, skill_key in session.execute(
            select(tables.ObjectiveSkill.objective_id, tables.Skill.key)
            .join(tables.Skill, tables.Skill.id == tables.ObjectiveSkill.skill_id)
            .where(tables.ObjectiveSkill.objective_id.in_(ids)).order_by(tables.Skill.key)):
            skills[objective_id].append(skill_key)
    return [{
        "key": objective.key, "title": objective.title, "description": objective.description,
        "owner": objective.owner, "priority": objective.priority, "weight": objective.weight,
        "reason": objective.reason, "teams": list(objective.team_keys or []),
        "kpis": kpis.get(objective.id, []), "skills": skills.get(objective.id, []),
    } for objective in objectives]
