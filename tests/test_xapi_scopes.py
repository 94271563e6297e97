"""Every xAPI route against every xAPI scope: which client scopes a route admits (403 for the
others). The security matrix (test_security_matrix.py) shows that API tokens and console
sessions never open these routes; this is the LRS clients' own matrix."""

from __future__ import annotations

import json

import pytest

from xapi_support import activity_id, agent, client_headers, lrs, statement

SCOPES = ("statements/write", "statements/read/mine", "statements/read", "state", "define",
          "profile", "all/read", "all")
READERS = {"statements/read", "statements/read/mine", "all/read", "state", "profile", "define",
           "all"}
STATE = {"activityId": activity_id(1), "agent": json.dumps(agent(1)), "stateId": "s"}
ACTIVITY_PROFILE = {"activityId": activity_id(1), "profileId": "p"}
AGENT_PROFILE = {"agent": json.dumps(agent(1)), "profileId": "p"}

# route → (query, body, the scopes that admit it)
ROUTES = {
    "POST /xapi/statements": ({}, statement(), {"statements/write", "all"}),
    "GET /xapi/statements": ({}, None, {"statements/read", "statements/read/mine", "all/read",
                                        "all"}),
    "GET /xapi/activities/state": (STATE, None, {"state", "all/read", "all"}),
    "PUT /xapi/activities/state": (STATE, {"a": 1}, {"state", "all"}),
    "POST /xapi/activities/state": (STATE, {"a": 1}, {"state", "all"}),
    "DELETE /xapi/activities/state": (STATE, None, {"state", "all"}),
    "GET /xapi/activities/profile": (ACTIVITY_PROFILE, None, {"profile", "all/read", "all"}),
    "POST /xapi/activities/profile": (ACTIVITY_PROFILE, {"a": 1}, {"profile", "all"}),
    "GET /xapi/agents/profile": (AGENT_PROFILE, None, {"profile", "all/read", "all"}),
    "DELETE /xapi/agents/profile": (AGENT_PROFILE, None, {"profile", "all"}),
    "GET /xapi/activities": ({"activityId": activity_id(1)}, None, READERS),
    "GET /xapi/agents": ({"agent": json.dumps(agent(1))}, None, READERS),
}


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    from api_support import private_workspace

    workspace = private_workspace(tmp_path_factory.mktemp("scopes") / "home")
    yield lrs(workspace), {scope: client_headers(workspace, scope, name=scope)
                           for scope in SCOPES}
    workspace.close()


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_each_route_admits_exactly_its_scopes(clients, route) -> None:
    client, headers = clients
    method, path = route.split(" ", 1)
    params, body, admitted = ROUTES[route]
    answered = {}
    for scope in SCOPES:
        response = client.request(method, path, params=params, headers=headers[scope],
                                  json=body if body is not None else None)
        answered[scope] = response.status_code != 403
    assert answered == {scope: scope in admitted for scope in SCOPES}
