"""A person's data rights over the API: admins export and erase, nobody else may."""

from __future__ import annotations

import pytest

from api_support import api_client, bearer, build_org, secret_for


@pytest.fixture
def org(workspace):
    build_org(workspace)
    return workspace


def test_admin_exports_then_erases_a_person(org) -> None:
    client, admin = api_client(org), bearer(secret_for(org, "admin"))
    exported = client.get("/api/people/leo/export", headers=admin)
    assert exported.status_code == 200
    assert exported.json()["person"]["email"] == "leo@example.com"
    assert exported.json()["evidence"][0]["skill"] == "negotiation"
    erased = client.post("/api/people/leo/erase", headers=admin)
    assert erased.status_code == 200
    assert erased.json()["removed"]["evidence"] == 1
    assert "leo" not in str(erased.json())
    assert client.get("/api/people/leo", headers=admin).status_code == 404
    assert client.get("/api/people/leo/export", headers=admin).status_code == 404
    events = client.get("/api/events", params={"kind": "person.erased"}, headers=admin).json()
    assert [event["actor"] for event in events["items"]] == ["token:admin"]


@pytest.mark.parametrize("role", ["ld", "integration"])
def test_only_admins_may_export_or_erase(org, role: str) -> None:
    client, caller = api_client(org), bearer(secret_for(org, role))
    assert client.get("/api/people/leo/export", headers=caller).status_code == 403
    assert client.post("/api/people/leo/erase", headers=caller).status_code == 403
    admin = bearer(secret_for(org, "admin"))
    assert client.get("/api/people/leo", headers=admin).status_code == 200


def test_a_learner_may_not_erase_themself(org) -> None:
    client = api_client(org)
    learner = bearer(secret_for(org, "learner", "leo"))
    assert client.post("/api/people/leo/erase", headers=learner).status_code == 403
