"""What a token may change: its scopes, the scopes each role admits and the ones it gets by default.

A role says what a token may read; its scopes narrow what it may write. Pure rules, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from learnloop.domain.access import AccessRole
from learnloop.errors import InputError, Problem

__all__ = [
    "ADMITTED_SCOPES", "CONTENT_WRITE", "DEFAULT_SCOPES", "DELIVERIES_WRITE", "EVERY_IMPORT",
    "IMPORT_KIND", "INBOX_WRITE", "LOOP_RUN", "NEEDS_WRITE", "PEOPLE_ERASE", "PRIORITIES_WRITE",
    "REVIEWS_WRITE", "SIGNALS_WRITE",
    "TOKENS_WRITE", "format_scopes", "grants", "import_scope", "parse_scopes", "scope_note",
    "token_scopes",
]

SIGNALS_WRITE = "signals:write"  # POST /api/signals, the webhook
LOOP_RUN = "loop:run"  # POST /api/loop/run
TOKENS_WRITE = "tokens:write"  # POST /api/tokens, DELETE /api/tokens/{id}
CONTENT_WRITE = "content:write"  # POST /api/content/packs, PUT …/modality: packs and mixes
REVIEWS_WRITE = "reviews:write"  # POST /api/reviews/{id}/…: decisions, comments, publishing
PEOPLE_ERASE = "people:erase"  # POST /api/people/{key}/erase: a person's right to erasure
DELIVERIES_WRITE = "deliveries:write"  # delivery plans, approval, sending, rules, replay
INBOX_WRITE = "inbox:write"  # a person acting on their own inbox (open, rate, answer, …)
NEEDS_WRITE = "needs:write"  # POST /api/needs/{id}/status: L&D's decision on a need
PRIORITIES_WRITE = "priorities:write"  # PATCH /api/priorities/{key}: priority and weight
IMPORTS = "imports:"  # POST /api/imports/{kind} needs imports:<kind>
IMPORT_KIND = "imports:{kind}"  # how a route names that scope: the kind comes from its path
EVERY_IMPORT = "imports:*"  # every import kind, including kinds plugins add later

# what a system may feed in; the org chart and catalogue (people, roles, skills, objectives)
# decide who may read whom, so only admin and ld may change them
INTEGRATION_KINDS = ("signals", "evidence", "pulse")


def import_scope(kind: str) -> str:
    return f"{IMPORTS}{kind}"


_ALL_SCOPES = frozenset({SIGNALS_WRITE, LOOP_RUN, TOKENS_WRITE, PEOPLE_ERASE, EVERY_IMPORT,
                         CONTENT_WRITE, DELIVERIES_WRITE, INBOX_WRITE, NEEDS_WRITE,
                         PRIORITIES_WRITE, REVIEWS_WRITE})
_INTEGRATION = frozenset({SIGNALS_WRITE, *(import_scope(kind) for kind in INTEGRATION_KINDS)})

# the widest a token of each role may be
ADMITTED_SCOPES: dict[AccessRole, frozenset[str]] = {
    AccessRole.ADMIN: _ALL_SCOPES,  # inbox:write too: an admin issues learners' tokens
    AccessRole.LD: frozenset({LOOP_RUN, EVERY_IMPORT, CONTENT_WRITE, DELIVERIES_WRITE,
                              NEEDS_WRITE, PRIORITIES_WRITE, REVIEWS_WRITE}),
    # source documents are not personal data: a document system may be given them explicitly
    AccessRole.INTEGRATION: _INTEGRATION | {import_scope("sources")},
    AccessRole.REVIEWER: frozenset({REVIEWS_WRITE}),
    AccessRole.MANAGER: frozenset({INBOX_WRITE}),
    AccessRole.LEARNER: frozenset({INBOX_WRITE}),
}
# what a token gets when its creator names no scopes
DEFAULT_SCOPES: dict[AccessRole, frozenset[str]] = {
    **ADMITTED_SCOPES, AccessRole.INTEGRATION: _INTEGRATION,
}


def grants(scopes: Collection[str], wanted: str) -> bool:
    """Whether a token holding `scopes` may do what `wanted` names."""
    return wanted in scopes or (wanted.startswith(IMPORTS) and EVERY_IMPORT in scopes)


def parse_scopes(values: Iterable[str]) -> list[str]:
    """Scopes as typed: each value may hold several, separated by commas or spaces."""
    return [part for value in values for part in re.split(r"[,\s]+", value.strip()) if part]


def format_scopes(scopes: Iterable[str]) -> str:
    """How scopes are stored and shown: sorted, space-separated (as OAuth writes them)."""
    return " ".join(sorted(set(scopes)))


def _known(scope: str, import_kinds: Collection[str]) -> bool:
    if scope.startswith(IMPORTS):
        return scope == EVERY_IMPORT or scope.removeprefix(IMPORTS) in import_kinds
    return scope in _ALL_SCOPES


def token_scopes(role: AccessRole, requested: Iterable[str] | None, *,
                 import_kinds: Collection[str],
                 within: Collection[str] | None = None) -> frozenset[str]:
    """The scopes a new token of `role` gets: its role's defaults, or `requested` when the role
    admits every one of them. `within`, when given, is the creating token's own scopes: a token
    cannot make a token that may change more than itself."""
    scopes = DEFAULT_SCOPES[role] if requested is None else frozenset(parse_scopes(requested))
    unknown = sorted(scope for scope in scopes if not _known(scope, import_kinds))
    if unknown:
        valid = ", ".join([*sorted(_ALL_SCOPES), *(import_scope(kind) for kind in import_kinds)])
        raise InputError(f"unknown scope {', '.join(unknown)}; valid scopes: {valid}",
                         [Problem(f"unknown scope {scope!r}", field="scopes")
                          for scope in unknown])
    admitted = ADMITTED_SCOPES[role]
    wider = sorted(scope for scope in scopes if not grants(admitted, scope))
    if wider:
        allowed = format_scopes(admitted) or "none"
        raise InputError(f"{role} tokens may not have {', '.join(wider)}; "
                         f"the {role} role admits: {allowed}",
                         [Problem(f"{scope!r} is wider than the {role} role admits",
                                  field="scopes") for scope in wider])
    if within is not None:
        beyond = sorted(scope for scope in scopes if not grants(within, scope))
        if beyond:
            raise InputError(f"this token may not create a token with {', '.join(beyond)}, "
                             "which it does not hold itself",
                             [Problem(f"{scope!r} is wider than the creating token's scopes",
                                      field="scopes") for scope in beyond])
    return scopes


def _quoted(scopes: Iterable[str]) -> str:
    return ", ".join(f"`{scope}`" for scope in sorted(scopes))


def scope_note(scopes: Sequence[str]) -> str:
    """What an operation's OpenAPI description says about the scopes it needs, from the tables
    above, so the documentation cannot drift from the rules."""
    parts = []
    for scope in scopes:
        if scope == IMPORT_KIND:
            held = [f"`{role}` {_quoted(s for s in DEFAULT_SCOPES[role] if s.startswith(IMPORTS))}"
                    for role in AccessRole if any(s.startswith(IMPORTS)
                                                  for s in DEFAULT_SCOPES[role])]
            parts.append(f"`{IMPORT_KIND}` for the kind in the path (`{EVERY_IMPORT}`: every "
                         f"kind); held by default: {'; '.join(held)}")
        else:
            holders = [str(role) for role in AccessRole if scope in DEFAULT_SCOPES[role]]
            parts.append(f"`{scope}`; held by default by {_quoted(holders)} tokens")
    return "**Token scope:** " + ". ".join(parts)
