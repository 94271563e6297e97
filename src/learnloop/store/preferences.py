"""How each person is reached: address, time zone and their delivery preferences (channels in
order, Slack user id, weekly cap, quiet hours), read in one query for many people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.errors import InputError, NotFoundError, Problem
from learnloop.store import tables
from learnloop.store.reading import chunks

__all__ = ["Reach", "known_people", "reach_of", "set_preferences"]


@dataclass(frozen=True, slots=True)
class Reach:
    person_id: int
    person_key: str
    team_key: str
    email: str | None
    time_zone: str
    channels: tuple[str, ...]
    slack_user: str | None
    weekly_cap: int | None
    quiet_hours: str | None


def reach_of(session: Session, *, organisation_id: int,
             person_keys: Sequence[str]) -> dict[str, Reach]:
    """Every named person's reach; InputError naming the keys that are nobody here."""
    P, Pref = tables.Person, tables.DeliveryPreference
    found: dict[str, Reach] = {}
    for part in chunks(list(dict.fromkeys(person_keys)), 5000):
        rows = session.execute(
            select(P.id, P.key, tables.Team.key, P.email, P.time_zone, Pref.channels,
                   Pref.slack_user, Pref.weekly_cap, Pref.quiet_hours)
            .join(tables.Team, tables.Team.id == P.team_id)
            .outerjoin(Pref, Pref.person_id == P.id)
            .where(P.organisation_id == organisation_id, P.key.in_(part)))
        for (person_id, key, team, email, zone, channels, slack, cap, quiet) in rows:
            found[key] = Reach(person_id, key, team, email, zone or "UTC",
                               tuple((channels or {}).get("order", ())), slack, cap, quiet)
    missing = [key for key in person_keys if key not in found]
    if missing:
        raise InputError(f"no person with key {', '.join(sorted(set(missing))[:10])}",
                         [Problem(f"unknown person {key!r}", field="person")
                          for key in sorted(set(missing))[:50]])
    return found


def set_preferences(session: Session, *, organisation_id: int, person_id: int,
                    channels: Sequence[str] | None = None, slack_user: str | None = None,
                    weekly_cap: int | None = None, quiet_hours: str | None = None) -> None:
    if session.get(tables.Person, person_id) is None:
        raise NotFoundError(f"no person with id {person_id}")
    row = session.scalar(select(tables.DeliveryPreference).where(
        tables.DeliveryPreference.person_id == person_id))
    if row is None:
        row = tables.DeliveryPreference(organisation_id=organisation_id, person_id=person_id,
                                        channels={})
        session.add(row)
    if channels is not None:
        row.channels = {"order": list(channels)}
    if slack_user is not None:
        row.slack_user = slack_user or None
    if weekly_cap is not None:
        row.weekly_cap = weekly_cap
    if quiet_hours is not None:
        row.quiet_hours = quiet_hours or None
    session.flush()


def known_people(session: Session, *, organisation_id: int,
                 person_keys: Sequence[str]) -> set[str]:
    """The keys among `person_keys` that name a person of the organisation."""
    found: set[str] = set()
    for part in chunks(sorted(set(person_keys)), 5000):
        found.update(session.scalars(select(tables.Person.key).where(
            tables.Person.organisation_id == organisation_id, tables.Person.key.in_(part))))
    return found
