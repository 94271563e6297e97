"""Every route × every caller: the six roles, no token and a bad token, against one table.

The routes come from the OpenAPI document (the API) and the app's console pages; a route with no
entry in EXPECTED fails the suite, so each new route states who may call it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api_support import (
    api_client,
    bearer,
    build_org,
    csrf_of,
    flat_routes,
    private_workspace,
    secret_for,
)
from database_support import database_url_of
from sensing_support import add_sample_detection

ROLES = ("admin", "ld", "reviewer", "manager", "learner", "integration")
CALLERS = (*ROLES, "no token", "bad token")
PERSON_OF = {"manager": "mia", "learner": "leo"}  # leo reports to mia
BAD_TOKEN = "ll_this-token-was-never-issued-by-this-server-00"

# what a caller is answered: OK is any 2xx or 3xx (a console page may redirect, e.g. to /me);
# SIGN_IN is the console's redirect to its sign-in page
OK, SIGN_IN = "ok", "sign-in"


def _admits(*roles: str, anonymous: str = "401") -> dict[str, str]:
    """Admitted roles get OK, the other roles 403, no token or a bad one `anonymous`."""
    answers = {role: OK if role in roles else "403" for role in ROLES}
    return {**answers, "no token": anonymous, "bad token": anonymous}


def _everyone(*, no_token: str = OK, bad_token: str = OK) -> dict[str, str]:
    return {**{role: OK for role in ROLES}, "no token": no_token, "bad token": bad_token}


def _lrs_clients_only() -> dict[str, str]:
    return dict.fromkeys(CALLERS, "401")


def _page(*roles: str) -> dict[str, str]:
    return _admits(*roles, anonymous=SIGN_IN)


EXPECTED: dict[str, dict[str, str]] = {
    # the API (docs/api.md has the same table)
    "GET /api/health": _everyone(),
    "GET /api/status": _admits("admin", "ld"),
    "GET /api/people": _admits("admin", "ld", "manager"),
    "GET /api/people/{key}": _admits("admin", "ld", "manager", "learner"),
    "GET /api/people/{key}/export": _admits("admin"),
    "POST /api/people/{key}/erase": _admits("admin"),
    "GET /api/teams": _admits("admin", "ld", "manager"),
    "GET /api/skills": _admits("admin", "ld", "reviewer", "manager"),
    "GET /api/roles": _admits("admin", "ld", "reviewer", "manager"),
    "GET /api/objectives": _admits("admin", "ld"),
    "POST /api/imports/{kind}": _admits("admin", "ld", "integration"),
    "POST /api/signals": _admits("admin", "integration"),
    "GET /api/events": _admits("admin", "ld"),
    "GET /api/detections": _admits("admin", "ld"),
    "GET /api/detections/{detection_id}": _admits("admin", "ld"),
    "POST /api/loop/run": _admits("admin", "ld"),
    "GET /api/jobs/{job_id}": _admits("admin", "ld", "integration"),
    "GET /api/tokens": _admits("admin"),
    "POST /api/tokens": _admits("admin"),
    "DELETE /api/tokens/{token_id}": _admits("admin"),
    # the console
    "GET /static/plotly.min.js": _everyone(),
    "GET /login": _everyone(),
    # posts the sign-in form with the caller's token (none: an empty field)
    "POST /login": _everyone(no_token="422", bad_token="401"),
    "POST /logout": dict.fromkeys(CALLERS, SIGN_IN),  # signed out, back to sign-in
    # managers and learners are sent on to /me; a reviewer or integration has no pages
    "GET /": _page("admin", "ld", "manager", "learner"),
    "GET /people": _page("admin", "ld", "manager"),
    "GET /me": _page("manager", "learner"),  # admin and ld tokens belong to no person
    "GET /people/{key}": _page("admin", "ld", "manager", "learner"),
    "GET /events": _page("admin", "ld"),
    "GET /detections": _page("admin", "ld"),
    "GET /detections/{detection_id}": _page("admin", "ld"),
    "GET /lrs": _page("admin"),
    # the xAPI LRS: only LRS clients' HTTP Basic credentials open it, never an API token or a
    # console session (tests/test_xapi_scopes.py checks each route against the xAPI scopes)
    "GET /xapi/about": _everyone(),
    **{f"{method} /xapi/{path}": _lrs_clients_only()
       for path in ("statements", "activities/state", "activities/profile", "agents/profile")
       for method in ("GET", "PUT", "POST", *(("DELETE",) if path != "statements" else ()))},
    "GET /xapi/activities": _lrs_clients_only(),
    "GET /xapi/agents": _lrs_clients_only(),
}

SIGNALS_CSV = ("id,metric,subject_type,subject,observed_at,value,source\n"
               "m1,renewal_rate,team,sales,2025-01-01,90,crm\n")


@dataclass
class Call:
    """How to call one route: path values, query, body; `form` routes post the console's form."""

    path_values: dict[str, Any] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    json: Any = None
    files: dict[str, Any] | None = None
    form: bool = False


def _calls(throwaway_token_id: int, job_id: str, detection_id: int = 1) -> dict[str, Call]:
    return {
        "GET /api/detections/{detection_id}": Call({"detection_id": detection_id}),
        "GET /detections/{detection_id}": Call({"detection_id": detection_id}),
        "GET /api/people/{key}": Call({"key": "leo"}),
        "GET /people/{key}": Call({"key": "leo"}),
        "GET /api/people/{key}/export": Call({"key": "leo"}),
        # the only admitted caller erases ola, whom no other route of the table needs
        "POST /api/people/{key}/erase": Call({"key": "ola"}),
        "POST /api/imports/{kind}": Call({"kind": "signals"}, params={"dry_run": "true"},
                                         files={"file": ("signals.csv", SIGNALS_CSV)}),
        "POST /api/signals": Call(json={"signals": []}),
        "GET /api/jobs/{job_id}": Call({"job_id": job_id}),
        "POST /api/tokens": Call(json={"role": "integration", "name": "matrix"}),
        "DELETE /api/tokens/{token_id}": Call({"token_id": throwaway_token_id}),
        "POST /login": Call(form=True),
        "POST /logout": Call(form=True),
    }


def _routes(client: TestClient) -> set[str]:
    """Every operation: the API's from the OpenAPI document, the console's from the app."""
    document = client.get("/openapi.json").json()
    found = {f"{method.upper()} {path}" for path, operations in document["paths"].items()
             for method in operations}
    for route in flat_routes(client.app.routes):
        if isinstance(route, APIRoute) and not route.include_in_schema:
            found |= {f"{method} {route.path}" for method in route.methods - {"HEAD"}}
    return found


def _answer_class(response) -> str:
    status = response.status_code
    if status == 303 and response.headers["location"].startswith("/login"):
        return SIGN_IN
    return OK if 200 <= status < 400 else str(status)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def organisation(request, tmp_path_factory) -> dict[str, Any]:
    url = database_url_of(request)
    workspace = private_workspace(tmp_path_factory.mktemp("matrix") / "home", url)
    build_org(workspace)
    detection_id = add_sample_detection(workspace)
    secrets = {role: secret_for(workspace, role, PERSON_OF.get(role)) for role in ROLES}
    client = api_client(workspace)
    admin = bearer(secrets["admin"])
    job_id = client.post("/api/loop/run", headers=admin).json()["job_id"]
    throwaway = client.post("/api/tokens", headers=admin, json={"role": "integration"}).json()
    yield {"workspace": workspace, "secrets": secrets, "app": client.app, "job_id": job_id,
           "throwaway": throwaway["id"], "detection_id": detection_id}
    workspace.close()


def test_every_route_has_an_entry_in_the_table(organisation) -> None:
    found = _routes(TestClient(organisation["app"]))
    assert found - EXPECTED.keys() == set(), "new routes: say in EXPECTED who may call them"
    assert EXPECTED.keys() - found == set(), "EXPECTED names routes the app no longer has"


@pytest.mark.parametrize("operation", sorted(EXPECTED))
def test_each_caller_gets_the_answer_the_table_states(organisation, operation) -> None:
    method, path = operation.split(" ", 1)
    call = _calls(organisation["throwaway"], organisation["job_id"],
                  organisation["detection_id"]).get(operation, Call())
    url = path.format(**call.path_values)
    got = {}
    for caller in CALLERS:
        secret = organisation["secrets"].get(caller, BAD_TOKEN if caller == "bad token" else "")
        client = TestClient(organisation["app"], raise_server_exceptions=False)
        headers = bearer(secret) if secret and not call.form else {}
        data = None
        if call.form:
            data = {"csrf_token": csrf_of(client.get("/login").text), "token": secret}
        response = client.request(method, url, headers=headers, params=call.params,
                                  json=call.json, files=call.files, data=data,
                                  follow_redirects=False)
        got[caller] = _answer_class(response)
    assert got == EXPECTED[operation]
