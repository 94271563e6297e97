"""The people import's writes: teams, then people, then who manages whom.

A report may precede its manager in the file: on PostgreSQL new people's ids are reserved from
the sequence first, so managers are set in the same write; on SQLite they are set last, once
everyone has an id.
A field the file does not give keeps its stored value; new people get the field's default.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from learnloop.domain.imports import Counts
from learnloop.store import tables
from learnloop.store.bulk import reserve_ids, sync_rows
from learnloop.store.keys import key_ids
from learnloop.store.team_weeks import follow_moves, people_teams

__all__ = ["OPTIONAL_FIELDS", "PERSON_FIELDS", "managers_by_key", "write_people"]

# what a person record holds besides its team and manager keys; compared to tell updates apart
PERSON_FIELDS = ("name", "email", "role_id", "location", "time_zone", "hire_date", "status")
# what a file may leave out: a person's optional fields, their manager, their team's name
OPTIONAL_FIELDS = (*PERSON_FIELDS[1:], "manager", "team_name")


def managers_by_key(session: Session, *, organisation_id: int) -> dict[str, str | None]:
    """Everyone already imported, as person key → their manager's key (None: no manager)."""
    boss = aliased(tables.Person)
    return dict(session.execute(
        select(tables.Person.key, boss.key).outerjoin(boss, tables.Person.manager_id == boss.id)
        .where(tables.Person.organisation_id == organisation_id)).all())


def write_people(session: Session, *, organisation_id: int,
                 teams: Mapping[str, Mapping[str, str]],
                 people: Mapping[str, Mapping[str, Any]], rows: int, batch_size: int,
                 given: Collection[str] = OPTIONAL_FIELDS,
                 set_checked_from: int | None = None) -> Counts:
    """Upsert `teams` (key → name, department) and `people` (key → PERSON_FIELDS, `team` and
    `manager` keys); a person whose only change is a new manager counts as updated.

    Of OPTIONAL_FIELDS only those in `given` (the file's columns) change existing people and
    teams; the values of the others are what new people and teams get. The team-week summary
    follows people who moved team. From `set_checked_from` people written (new or changed),
    PostgreSQL checks their references to teams, roles and managers as a set (`sync_rows`):
    `people`, `teams` and `roles` are then locked against readers until the transaction ends.
    """
    teams_before = people_teams(session, organisation_id=organisation_id)
    counts = _write_people(session, organisation_id=organisation_id, teams=teams,
                           people=people, rows=rows, batch_size=batch_size, given=given,
                           set_checked_from=set_checked_from)
    follow_moves(session, organisation_id=organisation_id, before=teams_before)
    return counts


def _write_people(session: Session, *, organisation_id: int,
                  teams: Mapping[str, Mapping[str, str]],
                  people: Mapping[str, Mapping[str, Any]], rows: int, batch_size: int,
                  given: Collection[str], set_checked_from: int | None) -> Counts:
    team_compared = ("name", "department") if "team_name" in given else ("department",)
    team_ids = sync_rows(session, tables.Team, organisation_id=organisation_id,
                         batch_size=batch_size, rows=teams, compared=team_compared).ids
    records = {key: {**{name: person[name] for name in PERSON_FIELDS},
                     "team_id": team_ids[person["team"]]} for key, person in people.items()}
    compared = (*[name for name in PERSON_FIELDS if name == "name" or name in given], "team_id")
    if "manager" in given and _managers_in_first_write(
            session, organisation_id=organisation_id, people=people, records=records):
        # one write: new people's ids were reserved, so managers are known before the insert
        return sync_rows(session, tables.Person, organisation_id=organisation_id,
                         rows=records, compared=(*compared, "manager_id"),
                         batch_size=batch_size, set_checked_from=set_checked_from).counts(rows)
    synced = sync_rows(session, tables.Person, organisation_id=organisation_id, rows=records,
                       compared=compared, batch_size=batch_size, set_checked_from=set_checked_from)
    if "manager" in given:
        synced.mark_updated(_move_managers(session, organisation_id=organisation_id,
                                           people=people, batch_size=batch_size))
    return synced.counts(rows)


def _managers_in_first_write(session: Session, *, organisation_id: int,
                             people: Mapping[str, Mapping[str, Any]],
                             records: dict[str, dict[str, Any]]) -> bool:
    """Give each record its manager's id, and each new person an id reserved for them; False
    (nothing changed) where ids cannot be reserved ahead (SQLite), so managers go in a second pass.
    """
    if reserve_ids(session, tables.Person, count=0) is None:  # no round trip: a dialect check
        return False
    every_id = key_ids(session, tables.Person, organisation_id=organisation_id)
    new = [key for key in people if key not in every_id]
    reserved = reserve_ids(session, tables.Person, count=len(new)) or []
    every_id.update(zip(new, reserved, strict=True))
    for key in new:
        records[key]["id"] = every_id[key]
    for key, person in people.items():
        records[key]["manager_id"] = every_id[person["manager"]] if person["manager"] else None
    return True


def _move_managers(session: Session, *, organisation_id: int,
                   people: Mapping[str, Mapping[str, Any]], batch_size: int) -> list[str]:
    """Point each person at their manager; returns the keys of those whose manager changed."""
    # people this file created have no manager yet, like people never imported
    managers_before = dict(session.execute(
        select(tables.Person.key, tables.Person.manager_id).where(
            tables.Person.organisation_id == organisation_id)).all())
    # everyone has an id now, so managers can point at people created by this same file
    every_id = key_ids(session, tables.Person, organisation_id=organisation_id)
    moves = {key: every_id[person["manager"]] if person["manager"] else None
             for key, person in people.items()}
    changed = {key: manager_id for key, manager_id in moves.items()
               if managers_before.get(key) != manager_id}
    sync_rows(session, tables.Person, organisation_id=organisation_id, batch_size=batch_size,
              rows={key: {"manager_id": manager_id} for key, manager_id in changed.items()},
              compared=("manager_id",))
    return list(changed)
