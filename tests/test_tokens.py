"""API tokens: issued once, kept only as a hash, scoped to a person, revocable."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text

from api_support import build_org, secret_for
from learnloop.domain.access import AccessRole
from learnloop.errors import InputError, NotFoundError, UnauthorizedError
from learnloop.store import tables
from learnloop.store.event_log import EventLog
from learnloop.tokens import authenticate, issue_token, list_tokens, revoke_token


def _org_id(workspace) -> int:
    with workspace.session() as session:
        return workspace.organisation(session).id


def test_token_secret_is_never_stored(workspace) -> None:
    secret = secret_for(workspace, "admin")
    assert secret.startswith("ll_") and len(secret) >= 40
    with workspace.database.engine.connect() as connection:
        stored = connection.execute(text("SELECT prefix, secret_hash FROM api_tokens")).one()
        dumped = " ".join(str(value) for row in connection.execute(
            text("SELECT * FROM api_tokens")) for value in row)
    assert secret not in dumped
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(stored.prefix) and len(stored.prefix) < len(secret) // 3


def test_authenticate_returns_the_token_role_and_organisation(workspace) -> None:
    secret = secret_for(workspace, "ld")
    with workspace.session() as session:
        principal = authenticate(session, secret)
    assert principal.role is AccessRole.LD
    assert principal.organisation_id == _org_id(workspace)
    with workspace.session() as session:
        info = list_tokens(session, organisation_id=principal.organisation_id)
    assert [token.last_used_at is not None for token in info] == [True]


def test_manager_token_carries_direct_and_indirect_reports(workspace) -> None:
    build_org(workspace)
    secret = secret_for(workspace, "manager", "mia")
    with workspace.session() as session:
        principal = authenticate(session, secret)
        rows = session.execute(select(tables.Person.key, tables.Person.id))
        ids = {key: id_ for key, id_ in rows}
    assert principal.reports == {ids["leo"], ids["lea"], ids["ivy"]}
    assert principal.person_id == ids["mia"]


def test_unknown_and_revoked_tokens_are_refused(workspace) -> None:
    secret = secret_for(workspace, "admin")
    with workspace.session() as session, pytest.raises(UnauthorizedError):
        authenticate(session, secret + "x")
    with workspace.session() as session:
        token_id = list_tokens(session, organisation_id=_org_id(workspace))[0].id
        revoke_token(session, organisation_id=_org_id(workspace), token_id=token_id, actor="t")
        revoke_token(session, organisation_id=_org_id(workspace), token_id=token_id, actor="t")
    with workspace.session() as session, pytest.raises(UnauthorizedError, match="revoked"):
        authenticate(session, secret)
    with workspace.session() as session:
        log = EventLog(session, _org_id(workspace))
        assert (log.count("token.created"), log.count("token.revoked")) == (1, 1)


def test_revoking_an_unknown_token_is_not_found(workspace) -> None:
    with workspace.session() as session, pytest.raises(NotFoundError):
        revoke_token(session, organisation_id=_org_id(workspace), token_id=999, actor="t")


@pytest.mark.parametrize(("role", "person", "message"), [
    ("wizard", None, "valid roles: admin, ld, reviewer, manager, learner, integration"),
    ("learner", None, "needs a person"),
    ("manager", "nobody", "no person with key 'nobody'"),
    ("integration", "leo", "not a person"),
])
def test_bad_token_requests_are_input_errors(sqlite_workspace, role, person, message) -> None:
    build_org(sqlite_workspace)
    with sqlite_workspace.session() as session:
        org_id = sqlite_workspace.organisation(session).id
        with pytest.raises(InputError, match=message):
            issue_token(session, organisation_id=org_id, role=role, name=None, person_key=person,
                        actor="t")
        assert list_tokens(session, organisation_id=org_id) == []


def test_tokens_are_listed_with_person_and_name(sqlite_workspace) -> None:
    build_org(sqlite_workspace)
    secret_for(sqlite_workspace, "learner", "leo")
    with sqlite_workspace.session() as session:
        org_id = sqlite_workspace.organisation(session).id
        issue_token(session, organisation_id=org_id, role="INTEGRATION", name="crm",
                    person_key=None, actor="t")
        tokens = list_tokens(session, organisation_id=org_id)
    assert [(t.name, t.role, t.person_key) for t in tokens] == [
        ("learner:leo", "learner", "leo"), ("crm", "integration", None)]
