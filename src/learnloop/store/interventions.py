"""Keeps interventions and their assignments (who is treated, who is held out), written by the
delivery agent, the CLI and imports, read by the analytics agent and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from learnloop.domain.events import utcnow
from learnloop.domain.interventions import (
    Assignment,
    Group,
    Intervention,
    InterventionSource,
    assign_holdout,
    check_holdout,
    new_seed,
)
from learnloop.errors import InputError, NotFoundError, Problem
from learnloop.store import tables
from learnloop.store.event_log import EventLog
from learnloop.store.reading import chunks

__all__ = ["INTERVENTION_CREATED", "assignment", "create_intervention", "intervention",
           "intervention_list", "people_teams"]

INTERVENTION_CREATED = "intervention.created"


def people_teams(session: Session, *, organisation_id: int,
                 person_keys: Iterable[str] | None = None) -> dict[str, str]:
    """Person key → team key, for the given people (every active person when None)."""
    person, team = tables.Person, tables.Team
    query = (select(person.key, team.key).join(team, team.id == person.team_id)
             .where(person.organisation_id == organisation_id))
    if person_keys is None:
        return dict(session.execute(query.where(person.status == "active")).all())
    found: dict[str, str] = {}
    for part in chunks(sorted(set(person_keys))):
        found.update(session.execute(query.where(person.key.in_(part))).all())
    return found


def _person_ids(session: Session, *, organisation_id: int, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(keys):
        found.update(session.execute(select(tables.Person.key, tables.Person.id).where(
            tables.Person.organisation_id == organisation_id,
            tables.Person.key.in_(part))).all())
    return found


def create_intervention(session: Session, *, organisation_id: int, need_id: int | None,
                        person_keys: Iterable[str], holdout: float, start: date,
                        source: InterventionSource | str, title: str = "",
                        delivered: str = "", seed: int | None = None,
                        groups: Mapping[str, str] | None = None,
                        population: Mapping[str, Any] | None = None,
                        created_by: str = "learnloop") -> Intervention:
    """Store an intervention and its assignment, and record `intervention.created`.

    Without `groups` the hold-out is drawn here (`assign_holdout`, stratified by team) from
    `seed`, a fresh one when None, kept so the draw can be repeated. With `groups` (an
    assignment made elsewhere: person key → treated|holdout) nothing is drawn and `holdout` is
    the share held out in it. Unknown people or groups are refused, nothing written.
    """
    source = InterventionSource(source)
    keys = sorted(set(groups) if groups is not None else set(person_keys))
    if not keys:
        raise InputError("an intervention needs at least one person in its population")
    ids = _person_ids(session, organisation_id=organisation_id, keys=keys)
    problems = [Problem(f"no person with key {key!r}", field="person")
                for key in keys if key not in ids]
    if groups is not None:
        problems += [Problem(f"group must be 'treated' or 'holdout', not {value!r}",
                             field="group")
                     for value in sorted(set(groups.values()) - {g.value for g in Group})]
    if problems:
        raise InputError("the intervention's population has problems", problems[:20],
                         total=len(problems))
    if groups is None:
        check_holdout(holdout)
        seed = new_seed() if seed is None else seed
        teams = people_teams(session, organisation_id=organisation_id, person_keys=keys)
        drawn = assign_holdout(keys, strata=teams, fraction=holdout, seed=seed)
    else:
        drawn = dict(groups)
        seed = None
        holdout = sum(value == Group.HOLDOUT for value in drawn.values()) / len(drawn)
    teams = people_teams(session, organisation_id=organisation_id, person_keys=keys)
    described = {"teams": sorted(set(teams.values())), "people": len(keys),
                 **(population or {})}
    row = tables.Intervention(
        organisation_id=organisation_id, need_id=need_id, title=title or "intervention",
        delivered=delivered, population=described, start=start, holdout=holdout, seed=seed,
        source=source.value, created_at=utcnow(), created_by=created_by)
    session.add(row)
    session.flush()
    rows = [{"intervention_id": row.id, "person_id": ids[key], "arm": drawn[key]}
            for key in keys]
    for part in chunks(rows, 5000):
        session.execute(insert(tables.InterventionAssignment), list(part))
    made = _record(row, counts=_counts(session, [row.id]).get(row.id, (0, 0)))
    EventLog(session, organisation_id).record(
        INTERVENTION_CREATED, actor=created_by, subject_type="intervention",
        subject_id=str(row.id),
        payload={"need_id": need_id, "source": source.value, "start": start.isoformat(),
                 "holdout": holdout, "seed": seed, "treated": made.treated,
                 "held_out": made.held_out, "title": made.title})
    return made


def _counts(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    table = tables.InterventionAssignment
    counts: dict[int, list[int]] = {}
    for part in chunks(ids):
        for intervention_id, arm, count in session.execute(
                select(table.intervention_id, table.arm, func.count())
                .where(table.intervention_id.in_(part))
                .group_by(table.intervention_id, table.arm)):
            pair = counts.setdefault(intervention_id, [0, 0])
            pair[0 if arm == Group.TREATED else 1] += count
    return {key: (value[0], value[1]) for key, value in counts.items()}


def _record(row: tables.Intervention, *, counts: tuple[int, int]) -> Intervention:
    return Intervention(
        id=row.id, need_id=row.need_id, title=row.title, delivered=row.delivered,
        population=dict(row.population or {}), start=row.start, holdout=row.holdout,
        seed=row.seed, source=InterventionSource(row.source), created_at=row.created_at,
        created_by=row.created_by, treated=counts[0], held_out=counts[1])


def intervention(session: Session, *, organisation_id: int, intervention_id: int) -> Intervention:
    """One intervention with its group sizes; NotFoundError when the organisation has none."""
    row = session.scalar(select(tables.Intervention).where(
        tables.Intervention.organisation_id == organisation_id,
        tables.Intervention.id == intervention_id))
    if row is None:
        raise NotFoundError(f"no intervention {intervention_id}")
    return _record(row, counts=_counts(session, [row.id]).get(row.id, (0, 0)))


def intervention_list(session: Session, *, organisation_id: int,
                      need_id: int | None = None) -> list[Intervention]:
    """Every intervention (of one need when given), newest start first."""
    table = tables.Intervention
    query = select(table).where(table.organisation_id == organisation_id)
    if need_id is not None:
        query = query.where(table.need_id == need_id)
    rows = list(session.scalars(query.order_by(table.start.desc(), table.id.desc())))
    counts = _counts(session, [row.id for row in rows])
    return [_record(row, counts=counts.get(row.id, (0, 0))) for row in rows]


def assignment(session: Session, *, organisation_id: int, intervention_id: int) -> Assignment:
    """Who is treated and who is held out (person key → group)."""
    intervention(session, organisation_id=organisation_id, intervention_id=intervention_id)
    table = tables.InterventionAssignment
    rows = session.execute(
        select(tables.Person.key, table.arm)
        .join(tables.Person, tables.Person.id == table.person_id)
        .where(table.intervention_id == intervention_id))
    return Assignment(intervention_id=intervention_id,
                      groups={key: Group(arm) for key, arm in rows})
