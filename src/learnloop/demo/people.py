"""The demo company's people and management chain: CEO → department heads → team leads → staff.

Pure: every draw comes from the `random.Random` passed in, so a seed fixes the whole organisation.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

from learnloop.demo.catalogue import DEPARTMENT_HEADS, EMAIL_DOMAIN, TEAMS, TeamPlan
from learnloop.demo.names import FAMILY_NAMES, GIVEN_NAMES
from learnloop.demo.taxonomy import ROLES
from learnloop.demo.timeline import DIP_WEEK, LAST_WEEK, week_start
from learnloop.domain.org import KeyName, Person, Team
from learnloop.errors import InputError

__all__ = ["DIP_TEAM", "MIN_TEAM_SIZE", "PROCESS_CHANGE_TEAM", "generate_people", "team_sizes"]

DIP_TEAM = "support-emea"
PROCESS_CHANGE_TEAM = "support-na"
MIN_TEAM_SIZE = 3  # a lead and two staff: enough for an anonymous pulse result
# Share of the dipped team hired in the EMEA ColdChain hiring wave just before the dip.
_HIRING_WAVE_SHARE = 0.45
_ROLES = {role.key: KeyName(role.key, role.name) for role in ROLES}


def team_sizes(head_count: int) -> dict[str, int]:
    """Head count per team (lead included): by weight, largest remainders, MIN_TEAM_SIZE or more."""
    staffed = [plan for plan in TEAMS if plan.weight]
    available = head_count - 1 - len(DEPARTMENT_HEADS)
    if available < MIN_TEAM_SIZE * len(staffed):
        smallest = MIN_TEAM_SIZE * len(staffed) + 1 + len(DEPARTMENT_HEADS)
        raise InputError(f"a demo company needs at least {smallest} people, not {head_count}")
    spare = available - MIN_TEAM_SIZE * len(staffed)
    total_weight = sum(plan.weight for plan in staffed)
    shares = {plan.key: spare * plan.weight / total_weight for plan in staffed}
    sizes = {key: MIN_TEAM_SIZE + int(share) for key, share in shares.items()}
    by_remainder = sorted(shares, key=lambda key: (-(shares[key] % 1), key))
    for key in by_remainder[: available - sum(sizes.values())]:
        sizes[key] += 1
    return {"exec": 1 + len(DEPARTMENT_HEADS), **sizes}


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in plain.lower() if char.isalnum())


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


class _Hiring:
    """Hands out unique names, emails and employee numbers in order."""

    def __init__(self, rng: random.Random, head_count: int) -> None:
        self._rng = rng
        combinations = len(GIVEN_NAMES) * len(FAMILY_NAMES)
        self._names = iter(rng.sample(range(combinations), head_count))
        self._emails: set[str] = set()
        self._next_number = 1001

    def person(
        self,
        plan: TeamPlan,
        *,
        role: str,
        manager: str | None,
        hired: date,
        location: tuple[str, str] | None = None,
    ) -> Person:
        drawn = next(self._names)
        given, family = (
            GIVEN_NAMES[drawn % len(GIVEN_NAMES)],
            FAMILY_NAMES[drawn // len(GIVEN_NAMES)],
        )
        local = f"{_slug(given)}.{_slug(family)}"
        email, suffix = f"{local}@{EMAIL_DOMAIN}", 2
        while email in self._emails:
            email, suffix = f"{local}{suffix}@{EMAIL_DOMAIN}", suffix + 1
        self._emails.add(email)
        city, zone = location or self._rng.choice(plan.locations)
        key = f"TW{self._next_number}"
        self._next_number += 1
        return Person(
            key=key,
            name=f"{given} {family}",
            email=email,
            team=KeyName(plan.key, plan.name),
            role=_ROLES[role],
            manager_key=manager,
            location=city,
            time_zone=zone,
            hire_date=hired,
        )


def _staff_hire_date(rng: random.Random, plan: TeamPlan) -> date:
    if plan.key == DIP_TEAM and rng.random() < _HIRING_WAVE_SHARE:
        return _between(rng, week_start(DIP_WEEK - 12), week_start(DIP_WEEK - 1))
    # more recent hires than old ones, as in a growing company
    span = (LAST_WEEK - timedelta(days=21) - date(2016, 1, 4)).days
    return date(2016, 1, 4) + timedelta(days=int(span * rng.betavariate(2.2, 1.0)))


def generate_people(
    rng: random.Random, head_count: int
) -> tuple[tuple[Team, ...], tuple[Person, ...]]:
    """Teams and their people; each team lead reports to a department head, heads to the CEO."""
    sizes = team_sizes(head_count)
    plans = {plan.key: plan for plan in TEAMS}
    hiring = _Hiring(rng, head_count)
    executive = plans["exec"]
    ceo = hiring.person(
        executive,
        role="executive",
        manager=None,
        hired=date(2013, 4, 2),
        location=executive.locations[0],
    )
    people = [ceo]
    heads: dict[str, str] = {"Executive": ceo.key}
    for department in DEPARTMENT_HEADS:
        head = hiring.person(
            executive,
            role="executive",
            manager=ceo.key,
            hired=_between(rng, date(2014, 1, 6), date(2021, 9, 6)),
        )
        heads[department] = head.key
        people.append(head)
    for plan in TEAMS:
        if plan.key == "exec":
            continue
        lead = hiring.person(
            plan,
            role="team_lead",
            manager=heads[plan.department],
            hired=_between(rng, date(2015, 6, 1), date(2023, 6, 5)),
        )
        people.append(lead)
        people.extend(
            hiring.person(
                plan, role=plan.staff_role, manager=lead.key, hired=_staff_hire_date(rng, plan)
            )
            for _ in range(sizes[plan.key] - 1)
        )
    teams = tuple(Team(key=plan.key, name=plan.name, department=plan.department) for plan in TEAMS)
    return teams, tuple(people)
