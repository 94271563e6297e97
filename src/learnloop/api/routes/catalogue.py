"""What the organisation defines: teams, skills, roles with requirements, objectives with KPIs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from learnloop.api.schemas import Objective, Role, Skill, Team
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.objectives import Objective as ObjectiveRecord
from learnloop.domain.org import TeamSummary
from learnloop.domain.skills import Role as RoleRecord
from learnloop.domain.skills import Skill as SkillRecord
from learnloop.serving.deps import RoleDocumentedRoute, SessionDep, require_roles
from learnloop.store.catalogue import objective_list, role_list, skill_list, team_list

router = APIRouter(prefix="/api", tags=["catalogue"], route_class=RoleDocumentedRoute)

A = AccessRole


@router.get("/teams", response_model=list[Team])
def teams(session: SessionDep,
          principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.MANAGER)],
          ) -> list[TeamSummary]:
    """Teams with their head count."""
    return team_list(session, organisation_id=principal.organisation_id)


@router.get("/skills", response_model=list[Skill])
def skills(session: SessionDep,
           principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER, A.MANAGER)],
           ) -> list[SkillRecord]:
    """The skills taxonomy."""
    return skill_list(session, organisation_id=principal.organisation_id)


@router.get("/roles", response_model=list[Role])
def roles(session: SessionDep,
          principal: Annotated[Principal, require_roles(A.ADMIN, A.LD, A.REVIEWER, A.MANAGER)],
          ) -> list[RoleRecord]:
    """Job roles and the skill levels each requires."""
    return role_list(session, organisation_id=principal.organisation_id)


@router.get("/objectives", response_model=list[Objective])
def objectives(session: SessionDep,
               principal: Annotated[Principal, require_roles(A.ADMIN, A.LD)],
               ) -> list[ObjectiveRecord]:
    """Business objectives, priorities first: weight, KPIs, skills, teams; non-priorities with
    their reason."""
    return objective_list(session, organisation_id=principal.organisation_id)
