"""Console sessions end for good at sign-out or revocation; every form carries a CSRF token; the
API takes a session cookie for a change only with the CSRF header from this site; sign-in is
throttled per client address and per token prefix."""

from __future__ import annotations

from datetime import timedelta

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api_support import api_client, bearer, build_org, csrf_of, flat_routes, secret_for, sign_in
from learnloop.domain.events import utcnow
from learnloop.domain.tokens import secret_hash
from learnloop.serving.app import create_app
from learnloop.serving.throttle import SignInThrottle, SignInThrottled
from learnloop.store import console_sessions, tables


def _session_rows(workspace) -> int:
    with workspace.session() as session:
        return session.scalar(select(func.count()).select_from(tables.ConsoleSession))


def test_a_copied_cookie_stops_working_after_sign_out(workspace) -> None:
    client = api_client(workspace)
    sign_in(client, secret_for(workspace, "admin"))
    copied = dict(client.cookies)
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
    assert _session_rows(workspace) == 0

    thief = api_client(workspace)
    thief.cookies.update(copied)
    assert thief.get("/", follow_redirects=False).status_code == 303
    assert thief.get("/api/status").status_code == 401


def test_revoking_a_token_deletes_its_sessions(workspace) -> None:
    browser = api_client(workspace)
    sign_in(browser, secret_for(workspace, "ld"))
    assert _session_rows(workspace) == 1
    admin = bearer(secret_for(workspace, "admin"))
    ld_id = next(token["id"] for token in browser.get("/api/tokens", headers=admin).json()
                 if token["role"] == "ld")
    assert browser.delete(f"/api/tokens/{ld_id}", headers=admin).status_code == 204
    assert _session_rows(workspace) == 0


def test_a_session_ends_after_its_lifetime(workspace) -> None:
    client = api_client(workspace)
    sign_in(client, secret_for(workspace, "admin"))
    with workspace.session() as session:
        row = session.scalars(select(tables.ConsoleSession)).one()
        row.created_at = utcnow() - timedelta(hours=13)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_cookie_holds_neither_the_token_nor_its_hash(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    secret = secret_for(sqlite_workspace, "admin")
    answer = sign_in(client, secret)
    cookie = str(client.cookies)
    assert secret not in cookie and secret_hash(secret) not in cookie
    set_cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie
    assert "max-age=43200" in set_cookie  # no longer than the session: 12 hours


def test_sign_in_without_the_forms_token_is_refused(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    client.get("/login")
    answer = client.post("/login", data={"token": secret_for(sqlite_workspace, "admin")},
                         follow_redirects=False)
    assert answer.status_code == 403
    assert _session_rows(sqlite_workspace) == 0


def test_sign_in_from_another_site_is_refused(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    form = {"token": secret_for(sqlite_workspace, "admin"),
            "csrf_token": csrf_of(client.get("/login").text)}
    answer = client.post("/login", data=form, headers={"Origin": "http://evil.example"},
                         follow_redirects=False)
    assert answer.status_code == 403
    answer = client.post("/login", data=form, headers={"Origin": "http://testserver"},
                         follow_redirects=False)
    assert answer.status_code == 303


def test_sign_out_without_the_forms_token_keeps_the_session(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    sign_in(client, secret_for(sqlite_workspace, "admin"))
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200


def test_every_console_form_carries_a_csrf_token(sqlite_workspace) -> None:
    build_org(sqlite_workspace)
    client = api_client(sqlite_workspace)
    sign_in(client, secret_for(sqlite_workspace, "admin"))
    for url in ["/login", "/", "/people", "/people/leo", "/events"]:
        text = client.get(url).text
        assert text.count("<form") == text.count('name="csrf_token"') >= 1, url


def test_the_api_refuses_a_cookie_driven_change_from_another_site(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    sign_in(client, secret_for(sqlite_workspace, "admin"))
    token = csrf_of(client.get("/").text)
    evil = client.post("/api/loop/run", headers={"Origin": "http://evil.example",
                                                 "X-CSRF-Token": token})
    assert evil.status_code == 403 and evil.json()["error"]["type"] == "forbidden"
    assert client.post("/api/loop/run").status_code == 403  # no CSRF header
    assert client.post("/api/loop/run", headers={"X-CSRF-Token": token}).status_code == 202
    assert client.get("/api/status").status_code == 200  # reading needs no CSRF token


def test_a_bearer_token_needs_no_csrf_token(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    admin = bearer(secret_for(sqlite_workspace, "admin"))
    assert client.post("/api/loop/run", headers={**admin, "Origin": "http://elsewhere"}
                       ).status_code == 202


def test_repeated_wrong_tokens_are_throttled_with_retry_after(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    right = secret_for(sqlite_workspace, "admin")
    statuses = [sign_in(client, f"ll_wrong{number:04d}xxxxxxxx").status_code
                for number in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    refused = sign_in(client, right)
    assert refused.status_code == 429  # even the right token waits
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert 'role="alert"' in refused.text

    elsewhere = TestClient(create_app(sqlite_workspace), client=("10.0.0.9", 4000))
    assert sign_in(elsewhere, right).status_code == 303


def test_one_token_prefix_is_throttled_from_every_address() -> None:
    now = [0.0]
    throttle = SignInThrottle(failures_allowed=3, window_seconds=60, clock=lambda: now[0])
    for number in range(3):
        throttle.failed(address=f"10.0.0.{number}", secret="ll_AAAAAAAAguess")
    try:
        throttle.check(address="10.0.0.99", secret="ll_AAAAAAAAother")
    except SignInThrottled as throttled:
        assert throttled.retry_after == 60
    else:
        raise AssertionError("the prefix was not throttled")
    throttle.check(address="10.0.0.99", secret="ll_BBBBBBBBother")  # another prefix is fine
    now[0] = 60.5
    throttle.check(address="10.0.0.99", secret="ll_AAAAAAAAother")  # the window has passed


def test_expired_sessions_are_cleared_at_the_next_sign_in(workspace) -> None:
    secret = secret_for(workspace, "admin")
    with workspace.session() as session:
        token_id = session.scalar(select(tables.ApiToken.id))
        long_ago = utcnow() - timedelta(days=2)
        console_sessions.start_session(session, id_hash="0" * 64, token_id=token_id,
                                       created_at=long_ago,
                                       expired_before=long_ago - timedelta(days=1))
    sign_in(api_client(workspace), secret)
    assert _session_rows(workspace) == 1


def _dependencies(dependant):
    yield dependant
    for inner in dependant.dependencies:
        yield from _dependencies(inner)


def test_every_console_route_that_changes_something_checks_the_csrf_token(sqlite_workspace) -> None:
    changing = [route for route in flat_routes(api_client(sqlite_workspace).app.routes)
                # /xapi/ (the LRS) reads no cookie: only LRS clients' Basic credentials open it
                if isinstance(route, APIRoute) and not route.path.startswith(("/api", "/xapi"))
                and route.methods - {"GET", "HEAD"}]
    assert {route.path for route in changing} == {
        "/login", "/logout", "/needs/{need_id}/status", "/priorities/{objective_key}",
        "/reviews/{component_id}",
        "/inbox/{delivery_id}/{action}", "/inbox/reviews/{item_id}", "/inbox/links/{token}",
        "/practice", "/practice/{attempt_id}/turns", "/practice/{attempt_id}/finish",
        "/deliveries/plans/{key}/approve",
        "/deliveries/plans/{key}/adjust", "/deliveries/dead-letter/{delivery_id}/replay"}
    for route in changing:
        assert any(getattr(found.call, "checks_csrf", False)
                   for found in _dependencies(route.dependant)), route.path
