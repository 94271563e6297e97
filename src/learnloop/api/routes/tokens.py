"""API tokens: create (the secret is in this one answer only), list, revoke. Admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from learnloop.api.schemas import IssuedTokenOut, TokenOut, TokenRequest
from learnloop.domain.access import AccessRole, Principal
from learnloop.domain.scopes import TOKENS_WRITE
from learnloop.serving.deps import (
    LARGEST_ID,
    RoleDocumentedRoute,
    SessionDep,
    require_roles,
)
from learnloop.serving.scopes import require_scope
from learnloop.tokens import IssuedToken, TokenInfo, issue_token, list_tokens, revoke_token

router = APIRouter(prefix="/api/tokens", tags=["tokens"], route_class=RoleDocumentedRoute)

Admin = Annotated[Principal, require_roles(AccessRole.ADMIN)]
Writer = Annotated[Principal, require_scope(TOKENS_WRITE)]


@router.post("", response_model=IssuedTokenOut, status_code=201)
def create_token(request: TokenRequest, session: SessionDep, principal: Admin,
                 _scoped: Writer) -> IssuedToken:
    """Create a token; store `secret` now, it is never shown again. Manager and learner tokens
    need `person`. `scopes` narrows what it may change (omitted: its role's defaults); it may
    not be wider than its role admits, nor than the calling token's own scopes."""
    return issue_token(session, organisation_id=principal.organisation_id, role=request.role,
                       name=request.name, person_key=request.person, actor=principal.actor,
                       scopes=request.scopes, within=principal.scopes)


@router.get("", response_model=list[TokenOut])
def get_tokens(session: SessionDep, principal: Admin) -> list[TokenInfo]:
    """Every token of the organisation with its scopes, never its secret."""
    return list_tokens(session, organisation_id=principal.organisation_id)


@router.delete("/{token_id}", status_code=204, response_class=Response)
def delete_token(token_id: Annotated[int, Path(ge=1, le=LARGEST_ID)], session: SessionDep,
                 principal: Admin, _scoped: Writer) -> Response:
    """Revoke a token: it stops working at once (also in console sessions)."""
    revoke_token(session, organisation_id=principal.organisation_id, token_id=token_id,
                 actor=principal.actor)
    return Response(status_code=204)
