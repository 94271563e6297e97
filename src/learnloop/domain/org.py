"""People, teams and the management chain, as the organisation's HR system describes them.

Keys are the organisation's own ids (employee number, team code): stable across re-imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

__all__ = ["Person", "Team", "management_cycles"]


@dataclass(frozen=True, slots=True)
class Team:
    key: str
    name: str
    department: str


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    name: str
    email: str | None
    team_key: str
    role_key: str | None
    manager_key: str | None
    location: str | None
    time_zone: str
    hire_date: date | None
    status: str = "active"


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


