"""The console's navigation: each page registers one entry here, with the roles that see it.

Later pages (needs, review queue, deliveries, impact) slot in by adding an entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from learnloop.domain.access import STAFF_ROLES, AccessRole, Principal

__all__ = ["NAVIGATION", "NavItem", "visible_navigation"]



@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[AccessRole]


NAVIGATION: list[NavItem] = [
    NavItem("Overview", "/", STAFF_ROLES),
    NavItem("People", "/people", STAFF_ROLES | {AccessRole.MANAGER}),
    NavItem("My record", "/me", frozenset({AccessRole.MANAGER, AccessRole.LEARNER})),
    NavItem("My inbox", "/inbox", frozenset({AccessRole.MANAGER, AccessRole.LEARNER})),
    NavItem("Detections", "/detections", STAFF_ROLES),
    NavItem("Impact", "/impact", STAFF_ROLES),
    NavItem("Fairness", "/fairness", STAFF_ROLES),
    NavItem("Skills", "/skills", STAFF_ROLES),
    NavItem("Needs", "/needs", STAFF_ROLES),
    NavItem("Priorities", "/priorities", STAFF_ROLES),
    NavItem("Content", "/content", STAFF_ROLES | {AccessRole.REVIEWER}),
    NavItem("Reviews", "/reviews", STAFF_ROLES | {AccessRole.REVIEWER}),
    NavItem("Delivery plans", "/deliveries/plans", STAFF_ROLES),
    NavItem("Channels", "/deliveries/channels", STAFF_ROLES),
    NavItem("Dead letters", "/deliveries/dead-letter", STAFF_ROLES),
    NavItem("Events", "/events", STAFF_ROLES),
    NavItem("LRS", "/lrs", frozenset({AccessRole.ADMIN})),
]


def visible_navigation(principal: Principal) -> list[NavItem]:
    return [item for item in NAVIGATION if principal.role in item.roles]
