"""Who may read what over the API: every route admits named roles, people reads are scoped."""

from __future__ import annotations

import pytest
from fastapi import Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api_support import api_client, bearer, build_org, flat_routes, secret_for
from learnloop.serving.auth import login_session, logout_session
from learnloop.serving.deps import RoleDocumentedRoute


@pytest.fixture
def org(workspace):
    build_org(workspace)
    return workspace


def test_learner_cannot_read_another_person(org) -> None:
    client = api_client(org)
    learner = bearer(secret_for(org, "learner", "leo"))
    assert client.get("/api/people/leo", headers=learner).status_code == 200
    refused = client.get("/api/people/lea", headers=learner)
    assert refused.status_code == 403
    assert refused.json()["error"]["type"] == "forbidden"
    # an unknown key answers exactly like another person's: existence cannot be probed
    unknown = client.get("/api/people/nobody", headers=learner)
    assert (unknown.status_code, unknown.json()) == (403, refused.json())
    assert client.get("/api/people", headers=learner).status_code == 403


def test_ld_can_read_any_person(org) -> None:
    client = api_client(org)
    ld = bearer(secret_for(org, "ld"))
    leo = client.get("/api/people/leo", headers=ld).json()
    assert leo["team"] == {"key": "sales", "name": "Sales"}
    assert leo["manager_key"] == "mia"
    assert leo["role"]["key"] == "ae"
    assert [(e["skill_key"], e["level"], e["kind"]) for e in leo["evidence"]] == [
        ("negotiation", 2.0, "manager_rating")]
    assert client.get("/api/people/ola", headers=ld).status_code == 200
    assert client.get("/api/people/nobody", headers=ld).status_code == 404
    page = client.get("/api/people", headers=ld, params={"limit": 3, "offset": 1}).json()
    assert page["total"] == 7 and [p["key"] for p in page["items"]] == ["ivy", "lea", "leo"]
    team = client.get("/api/people", headers=ld, params={"team": "ops"}).json()
    assert [p["key"] for p in team["items"]] == ["max", "ola"]


def test_manager_sees_reports_but_not_others(org) -> None:
    client = api_client(org)
    manager = bearer(secret_for(org, "manager", "mia"))
    listed = client.get("/api/people", headers=manager).json()
    assert sorted(p["key"] for p in listed["items"]) == ["ivy", "lea", "leo", "mia"]
    assert client.get("/api/people/ivy", headers=manager).status_code == 200  # indirect report
    assert client.get("/api/people/ola", headers=manager).status_code == 403
    assert client.get("/api/people/ceo", headers=manager).status_code == 403


def test_integration_cannot_read_people(org) -> None:
    client = api_client(org)
    integration = bearer(secret_for(org, "integration"))
    assert client.get("/api/people", headers=integration).status_code == 403
    assert client.get("/api/people/leo", headers=integration).status_code == 403
    assert client.get("/api/events", headers=integration).status_code == 403


def test_missing_token_is_401_json(sqlite_workspace) -> None:
    response = api_client(sqlite_workspace).get("/api/people")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["type"] == "unauthorized"
    malformed = api_client(sqlite_workspace).get("/api/people", headers={"Authorization": "x"})
    assert malformed.status_code == 401 and "Bearer" in malformed.json()["error"]["message"]


def test_revoked_token_is_401(workspace) -> None:
    client = api_client(workspace)
    admin = bearer(secret_for(workspace, "admin"))
    other = secret_for(workspace, "ld")
    assert client.get("/api/status", headers=bearer(other)).status_code == 200
    other_id = next(t["id"] for t in client.get("/api/tokens", headers=admin).json()
                    if t["role"] == "ld")
    assert client.delete(f"/api/tokens/{other_id}", headers=admin).status_code == 204
    refused = client.get("/api/status", headers=bearer(other))
    assert refused.status_code == 401
    assert "revoked" in refused.json()["error"]["message"]


def test_console_session_cookie_authenticates_until_logout(sqlite_workspace) -> None:
    app = api_client(sqlite_workspace).app
    secret = secret_for(sqlite_workspace, "admin")

    @app.post("/test-login")
    def _login(request: Request, token: str) -> dict:  # stands in for the console's sign-in
        with sqlite_workspace.session() as session:
            return {"role": login_session(request, session, token).role}

    @app.post("/test-logout")
    def _logout(request: Request) -> dict:
        with sqlite_workspace.session() as session:
            logout_session(request, session)
        return {}

    client = TestClient(app)
    assert client.get("/api/status").status_code == 401
    assert client.post("/test-login", params={"token": secret}).json() == {"role": "admin"}
    assert client.get("/api/status").status_code == 200
    assert secret not in str(client.cookies)
    client.post("/test-logout")
    assert client.get("/api/status").status_code == 401


def test_every_api_route_declares_its_roles_in_openapi(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    app = client.app
    api_routes = [r for r in flat_routes(app.routes) if isinstance(r, APIRoute)
                  and r.path.startswith("/api")]
    assert api_routes and all(isinstance(r, RoleDocumentedRoute) for r in api_routes)
    public = {r.path for r in api_routes if r.admitted_roles is None}
    assert public == {"/api/health"}
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "learnloop"
    for route in api_routes:
        for method in route.methods:
            operation = spec["paths"][route.path][method.lower()]
            assert operation["x-roles"] == [str(r) for r in route.admitted_roles or ()]
            assert "**Roles:**" in operation["description"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
