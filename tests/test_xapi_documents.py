"""The State, Activity Profile and Agent Profile resources with ETag concurrency, and the
Activities and Agents resources, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid

import pytest

from xapi_support import activity_id, agent, client_headers, lrs, statement

STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"


@pytest.fixture
def setup(workspace):
    return lrs(workspace), client_headers(workspace, "all")


def _state(**extra: str) -> dict[str, str]:
    return {"activityId": activity_id(1), "agent": json.dumps(agent(1)), **extra}


def test_state_put_get_list_merge_and_delete(setup) -> None:
    client, headers = setup
    registration = str(uuid.uuid4())
    put = client.put(STATE, params=_state(stateId="bookmark"), content=b"page 4",
                     headers={**headers, "Content-Type": "text/plain"})
    assert put.status_code == 204
    got = client.get(STATE, params=_state(stateId="bookmark"), headers=headers)
    assert got.content == b"page 4" and got.headers["content-type"].startswith("text/plain")
    assert got.headers["ETag"].startswith('"')
    json_headers = {**headers, "Content-Type": "application/json"}
    client.post(STATE, params=_state(stateId="progress", registration=registration),
                json={"a": 1, "b": 1}, headers=json_headers)
    client.post(STATE, params=_state(stateId="progress", registration=registration),
                json={"b": 2, "c": 3}, headers=json_headers)
    merged = client.get(STATE, params=_state(stateId="progress", registration=registration),
                        headers=headers)
    assert merged.json() == {"a": 1, "b": 2, "c": 3}
    assert client.get(STATE, params=_state(), headers=headers).json() == ["bookmark"]
    assert client.get(STATE, params=_state(registration=registration),
                      headers=headers).json() == ["progress"]
    not_json = client.post(STATE, params=_state(stateId="bookmark"), json={"x": 1},
                           headers=json_headers)
    assert not_json.status_code == 400, "POST cannot merge into a text document"
    assert client.delete(STATE, params=_state(stateId="bookmark"),
                         headers=headers).status_code == 204
    assert client.get(STATE, params=_state(stateId="bookmark"), headers=headers).status_code == 404
    assert client.delete(STATE, params=_state(), headers=headers).status_code == 204
    assert client.get(STATE, params=_state(registration=registration),
                      headers=headers).json() == []


@pytest.mark.parametrize(("path", "address"), [
    (ACTIVITY_PROFILE, {"activityId": activity_id(1)}),
    (AGENT_PROFILE, {"agent": json.dumps(agent(1))}),
])
def test_profiles_need_an_etag_to_replace_and_refuse_a_stale_one(setup, path, address) -> None:
    client, headers = setup
    params = {**address, "profileId": "prefs"}
    json_headers = {**headers, "Content-Type": "application/json"}
    created = client.put(path, params=params, json={"v": 1},
                         headers={**json_headers, "If-None-Match": "*"})
    assert created.status_code == 204
    etag = created.headers["ETag"]
    again = client.put(path, params=params, json={"v": 2},
                       headers={**json_headers, "If-None-Match": "*"})
    assert again.status_code == 412
    blind = client.put(path, params=params, json={"v": 2}, headers=json_headers)
    assert blind.status_code == 409, "replacing without If-Match is a conflict"
    replaced = client.put(path, params=params, json={"v": 2},
                          headers={**json_headers, "If-Match": etag})
    assert replaced.status_code == 204
    stale = client.put(path, params=params, json={"v": 3},
                       headers={**json_headers, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(path, params=params, headers=headers).json() == {"v": 2}
    assert client.get(path, params=address, headers=headers).json() == ["prefs"]
    assert client.delete(path, params=params,
                         headers={**headers, "If-Match": etag}).status_code == 412
    current = client.get(path, params=params, headers=headers).headers["ETag"]
    assert client.delete(path, params=params,
                         headers={**headers, "If-Match": current}).status_code == 204
    assert client.get(path, params=params, headers=headers).status_code == 404


def test_document_requests_with_bad_addresses_are_400(setup) -> None:
    client, headers = setup
    assert client.get(STATE, params={"activityId": activity_id(1)},
                      headers=headers).status_code == 400
    assert client.get(STATE, params=_state(registration="nope"), headers=headers).status_code == 400
    assert client.put(STATE, params=_state(), content=b"x", headers=headers).status_code == 400
    assert client.get(AGENT_PROFILE, params={"agent": '{"name": "no id"}'},
                      headers=headers).status_code == 400
    assert client.get(ACTIVITY_PROFILE, params={"activityId": "not an iri"},
                      headers=headers).status_code == 400


def test_activities_and_agents_resources(setup) -> None:
    client, headers = setup
    body = statement(activity=7)
    client.post("/xapi/statements", json=body, headers=headers)
    found = client.get("/xapi/activities", params={"activityId": activity_id(7)},
                       headers=headers).json()
    assert found == {"objectType": "Activity", "id": activity_id(7),
                     "definition": body["object"]["definition"]}
    unknown = client.get("/xapi/activities", params={"activityId": activity_id(8)},
                         headers=headers).json()
    assert unknown == {"objectType": "Activity", "id": activity_id(8)}
    person = client.get("/xapi/agents", params={"agent": json.dumps(agent(1))},
                        headers=headers).json()
    assert person == {"objectType": "Person", "name": ["Learner 1"],
                      "mbox": ["mailto:learner1@example.com"]}
    assert client.get("/xapi/agents", params={"agent": "{}"}, headers=headers).status_code == 400


def test_the_activity_gathers_every_language_its_statements_gave(setup) -> None:
    """Regression (ADL conformance suite, XAPI-00254): two statements, two languages."""
    client, headers = setup
    english = statement(activity=9)
    english["object"]["definition"] = {"name": {"en-US": "meeting"},
                                       "type": "http://adlnet.gov/expapi/activities/meeting"}
    french = statement(activity=9, learner=2)
    french["object"]["definition"] = {"name": {"fr-FR": "réunion"},
                                      "description": {"fr-FR": "une réunion"}}
    for body in (english, french):
        assert client.post("/xapi/statements", json=body, headers=headers).status_code == 200
    found = client.get("/xapi/activities", params={"activityId": activity_id(9)},
                       headers=headers).json()
    assert found["definition"] == {"name": {"en-US": "meeting", "fr-FR": "réunion"},
                                   "type": "http://adlnet.gov/expapi/activities/meeting",
                                   "description": {"fr-FR": "une réunion"}}
