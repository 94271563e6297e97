"""Who may do what: the roles a token carries and the pure rules that scope what they may read.

The API asks these rules; it never decides access on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["AccessRole", "Principal", "STAFF_ROLES"]


class AccessRole(StrEnum):
    ADMIN = "admin"  # HR-tech admin: everything, including tokens and connectors
    LD = "ld"  # L&D leaders and designers: the whole organisation's learning data
    REVIEWER = "reviewer"  # SMEs, legal: the review queue and the sources behind it
    MANAGER = "manager"  # their own record and their reports' (direct and indirect)
    LEARNER = "learner"  # their own record only
    INTEGRATION = "integration"  # machines: webhooks and imports, no personal reads


STAFF_ROLES: frozenset[AccessRole] = frozenset({AccessRole.ADMIN, AccessRole.LD})


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a request: a token's role and organisation and, for people, who."""

    organisation_id: int
    role: AccessRole
    name: str
    person_id: int | None = None
    token_id: int | None = None
    # ids of every person below this principal in the management chain (managers only)
    reports: frozenset[int] = field(default_factory=frozenset)
    # what the token may change (learnloop.domain.scopes); none unless the token holds them
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def actor(self) -> str:
        """How this caller appears in the event log."""
        return f"token:{self.name}"

    def readable_person_ids(self) -> frozenset[int] | None:
        """The people this caller may read; None means everyone in the organisation."""
        if self.role in STAFF_ROLES:
            return None
        own = frozenset() if self.person_id is None else frozenset({self.person_id})
        return own | self.reports if self.role is AccessRole.MANAGER else own

    def can_read_person(self, person_id: int) -> bool:
        if self.role in STAFF_ROLES:
            return True
        if self.role in (AccessRole.LEARNER, AccessRole.MANAGER) and person_id == self.person_id:
            return True
        return self.role is AccessRole.MANAGER and person_id in self.reports
