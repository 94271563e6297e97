"""Every answer carries the security headers; the console runs no inline script; cookies are
`Secure` whenever the request came over HTTPS."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api_support import api_client, bearer, build_org, secret_for
from learnloop.domain.events import utcnow
from learnloop.serving.app import create_app
from learnloop.store import tables


@pytest.mark.parametrize("url", ["/", "/login", "/api/health", "/api/people", "/nowhere",
                                 "/static/console.css", "/static/charts.js"])
def test_every_answer_has_the_security_headers(sqlite_workspace, url) -> None:
    response = api_client(sqlite_workspace).get(url, follow_redirects=False)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert re.search(r"script-src 'self'(;|$)", policy), policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_pages_with_personal_data_are_not_cached(sqlite_workspace) -> None:
    build_org(sqlite_workspace)
    client = api_client(sqlite_workspace)
    admin = bearer(secret_for(sqlite_workspace, "admin"))
    assert client.get("/people", headers=admin).headers["cache-control"] == "no-store"
    assert client.get("/api/people", headers=admin).headers["cache-control"] == "no-store"


def test_the_overview_has_no_inline_script_even_with_hostile_names(sqlite_workspace) -> None:
    hostile = '"></div></script><script>alert(1)</script>'
    build_org(sqlite_workspace)
    with sqlite_workspace.session() as session:
        org = sqlite_workspace.organisation(session)
        team = session.scalars(select(tables.Team).where(tables.Team.key == "sales")).one()
        team.name = hostile
        session.add(tables.Signal(organisation_id=org.id, key="s1", metric="renewal_rate",
                                  subject_type="team", subject_id=team.id, value=90.0,
                                  observed_at=utcnow(), source="test"))
    response = api_client(sqlite_workspace).get(
        "/", headers=bearer(secret_for(sqlite_workspace, "admin")))
    assert response.status_code == 200
    assert 'data-figure="' in response.text
    assert hostile not in response.text and "<script>alert" not in response.text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, flags=re.S)
    assert scripts and all('src="/static/' in tag and not body.strip() for tag, body in scripts)


def test_cookies_are_secure_over_https(sqlite_workspace) -> None:
    client = TestClient(create_app(sqlite_workspace), base_url="https://learnloop.example")
    response = client.get("/login")
    cookies = response.headers.get_list("set-cookie")
    assert cookies and all("secure" in cookie.lower() for cookie in cookies)
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_cookies_are_secure_behind_a_trusted_tls_proxy(sqlite_workspace) -> None:
    # what `learnloop serve` runs: uvicorn reads X-Forwarded-Proto from a trusted proxy
    app = ProxyHeadersMiddleware(create_app(sqlite_workspace), trusted_hosts="testclient")
    response = TestClient(app).get("/login", headers={"X-Forwarded-Proto": "https"})
    cookies = response.headers.get_list("set-cookie")
    assert cookies and all("secure" in cookie.lower() for cookie in cookies)


def test_cookies_over_plain_http_in_development_are_not_marked_secure(sqlite_workspace) -> None:
    response = api_client(sqlite_workspace).get("/login")
    cookies = response.headers.get_list("set-cookie")
    assert cookies and not any("secure" in cookie.lower() for cookie in cookies)


def test_the_api_docs_page_may_load_swagger_ui_but_not_be_framed(sqlite_workspace) -> None:
    response = api_client(sqlite_workspace).get("/docs")
    policy = response.headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"


def test_an_internal_error_carries_the_headers_too(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)

    @client.app.get("/api/test-boom")
    def _boom() -> None:
        raise RuntimeError("boom")

    response = client.get("/api/test-boom")
    assert response.status_code == 500
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
