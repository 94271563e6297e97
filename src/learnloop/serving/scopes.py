"""Scope checks for the routes that change data: a token must hold the scope a route names.

Use beside `require_roles`: the role admits the caller, the scope the token. `RoleDocumentedRoute`
copies each route's scope into its OpenAPI description and `x-scopes`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path

from learnloop.domain.access import Principal
from learnloop.domain.scopes import IMPORT_KIND, grants, import_scope
from learnloop.errors import ForbiddenError
from learnloop.serving.deps import PrincipalDep

__all__ = ["ImportScopeDep", "require_scope"]


def _refuse(principal: Principal, scope: str) -> ForbiddenError:
    return ForbiddenError(f"this token lacks the scope {scope!r} (it holds: "
                          f"{', '.join(sorted(principal.scopes)) or 'none'})")


def require_scope(scope: str) -> Any:
    """A dependency admitting only tokens that hold `scope` (403 naming it otherwise)."""

    def check(principal: PrincipalDep) -> Principal:
        if not grants(principal.scopes, scope):
            raise _refuse(principal, scope)
        return principal

    check.required_scope = scope  # type: ignore[attr-defined]
    return Depends(check)


def _import_allowed(kind: Annotated[str, Path()], principal: PrincipalDep) -> Principal:
    # checked before the file is looked at, so a dry run or a queued job cannot probe either
    scope = import_scope(kind)
    if not grants(principal.scopes, scope):
        raise _refuse(principal, scope)
    return principal


_import_allowed.required_scope = IMPORT_KIND  # type: ignore[attr-defined]

# the caller, once its token holds `imports:<kind>` for the path's `kind`
ImportScopeDep = Annotated[Principal, Depends(_import_allowed)]
