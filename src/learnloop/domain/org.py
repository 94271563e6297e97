"""People, teams and the management chain, as the organisation's HR system describes them.

Keys are the organisation's own ids (employee number, team code): stable across re-imports.
`Person` is the one shape of a person outside the tables and the API schemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from learnloop.domain.evidence import SkillEvidence

__all__ = ["KeyName", "Person", "PersonRecord", "Team", "TeamSummary", "management_cycles"]


@dataclass(frozen=True, slots=True)
class KeyName:
    """A reference to a team, role or skill: its key and the name people read."""

    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Team:
    key: str
    name: str
    department: str


@dataclass(frozen=True, slots=True)
class TeamSummary:
    """A team as lists show it: with its head count and the person most of it reports to."""

    key: str
    name: str
    department: str
    people: int
    manager_name: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    name: str
    email: str | None
    team: KeyName
    role: KeyName | None
    manager_key: str | None
    location: str | None
    time_zone: str
    hire_date: date | None
    status: str = "active"

    @property
    def team_key(self) -> str:
        return self.team.key

    @property
    def role_key(self) -> str | None:
        return self.role.key if self.role else None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person's record as a reader sees it: the person and every piece of their skill
    evidence, newest first, with the names of the skills it is about."""

    person: Person
    evidence: tuple[SkillEvidence, ...]
    skill_names: Mapping[str, str]


def management_cycles(manager_of: Mapping[str, str | None]) -> list[list[str]]:
    """Chains where someone ends up managing themselves (A → B → A); each cycle once."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in manager_of:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in manager_of and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = manager_of[node]
        if node is not None and state.get(node) == 1:
            cycles.append(path[path.index(node):])
        for visited in path:
            state[visited] = 2
    return cycles


