"""Reads each team's standing in the skills its roles require, from the skills agent's results:
how far people fall short (aggregated in SQL), who is below, and skill health's counts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session

from learnloop.domain.needs_candidates import TeamSkillGap
from learnloop.store import tables
from learnloop.store.proficiencies import skill_health_list
from learnloop.store.reading import raw_batches

__all__ = ["team_people", "team_skill_gaps"]

_Z90_WIDTH = 2 * 1.6449  # a 90% interval is this many SDs wide


def team_people(session: Session, *, organisation_id: int) -> dict[str, int]:
    """Team key → number of people in it."""
    person, team = tables.Person, tables.Team
    return dict(session.execute(
        select(team.key, func.count(person.id)).join(person, person.team_id == team.id)
        .where(team.organisation_id == organisation_id).group_by(team.key)).all())


def _sums(session: Session, organisation_id: int) -> list[tuple[Any, ...]]:
    person, need, proficiency = tables.Person, tables.RoleRequirement, tables.Proficiency
    team, skill, role = tables.Team, tables.Skill, tables.Role
    level = cast(need.level, Float)
    below = proficiency.level < level
    sd = (proficiency.upper - proficiency.lower) / _Z90_WIDTH
    query = (
        select(team.key, skill.key, role.key, level, need.criticality, func.count(person.id),
               func.count(proficiency.id),
               func.sum(case((below, level - proficiency.level), else_=0.0)),
               func.sum(case((below, sd * sd), else_=0.0)))
        .select_from(person)
        .join(team, team.id == person.team_id).join(role, role.id == person.role_id)
        .join(need, need.role_id == person.role_id).join(skill, skill.id == need.skill_id)
        .outerjoin(proficiency, (proficiency.person_id == person.id)
                   & (proficiency.skill_id == need.skill_id))
        .where(person.organisation_id == organisation_id)
        .group_by(team.key, skill.key, role.key, need.level, need.criticality))
    return [row for batch in raw_batches(session, query) for row in batch]


def _below(session: Session, organisation_id: int) -> dict[tuple[str, str], list[str]]:
    person, need, proficiency = tables.Person, tables.RoleRequirement, tables.Proficiency
    team, skill = tables.Team, tables.Skill
    query = (
        select(team.key, skill.key, person.key).select_from(person)
        .join(team, team.id == person.team_id)
        .join(need, need.role_id == person.role_id).join(skill, skill.id == need.skill_id)
        .join(proficiency, (proficiency.person_id == person.id)
              & (proficiency.skill_id == need.skill_id))
        .where(person.organisation_id == organisation_id,
               proficiency.level < cast(need.level, Float))
        .order_by(team.key, skill.key, person.key))
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for batch in raw_batches(session, query):
        for team_key, skill_key, person_key in batch:
            found[(team_key, skill_key)].append(person_key)
    return found


def team_skill_gaps(session: Session, *, organisation_id: int) -> list[TeamSkillGap]:
    """One record per team and required skill (roles in the team pooled), by team then skill."""
    sums: dict[tuple[str, str], dict[str, Any]] = {}
    for team_key, skill_key, role_key, level, criticality, people, estimated, short, var in _sums(
            session, organisation_id):
        entry = sums.setdefault((team_key, skill_key), {
            "roles": [], "level": 0.0, "people": 0, "estimated": 0, "short": 0.0, "var": 0.0,
            "critical": False})
        entry["roles"].append(role_key)
        entry["level"] += float(level) * people
        entry["people"] += people
        entry["estimated"] += estimated
        entry["short"] += float(short or 0.0)
        entry["var"] += float(var or 0.0)
        entry["critical"] |= criticality == "critical"
    health: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: {
        "below": 0.0, "lower": 0.0, "upper": 0.0, "single": None, "change": None})
    for row in skill_health_list(session, organisation_id=organisation_id):
        entry = health[(row.team_key, row.skill_key)]
        entry["below"] += row.people - row.meeting
        entry["lower"] += row.people - row.upper
        entry["upper"] += row.people - row.lower
        if row.single_point is not None:
            entry["single"] = max(entry["single"] or 0.0, row.single_point)
        if row.change is not None:
            entry["change"] = (entry["change"] or 0.0) + row.change
    below = _below(session, organisation_id)
    gaps = []
    for (team_key, skill_key), entry in sorted(sums.items()):
        counted = max(entry["estimated"], 1)
        found = health.get((team_key, skill_key))
        people_below = below.get((team_key, skill_key), [])
        gaps.append(TeamSkillGap(
            team_key=team_key, skill_key=skill_key, role_keys=tuple(sorted(entry["roles"])),
            required_level=entry["level"] / max(entry["people"], 1), people=entry["people"],
            estimated=entry["estimated"], shortfall=entry["short"] / counted,
            shortfall_sd=math.sqrt(entry["var"]) / counted,
            below=found["below"] if found else float(len(people_below)),
            below_lower=found["lower"] if found else float(len(people_below)),
            below_upper=found["upper"] if found else float(len(people_below)),
            critical=entry["critical"], single_point=found["single"] if found else None,
            change=found["change"] if found else None, person_keys=tuple(people_below)))
    return gaps
