"""Reading the organisation over the API: counts, catalogue, events and tokens."""

from __future__ import annotations

from api_support import api_client, bearer, build_org, secret_for


def test_health_needs_no_token_and_names_the_database(workspace) -> None:
    body = api_client(workspace).get("/api/health").json()
    assert body["status"] == "ok"
    assert body["database"] == workspace.database.dialect
    assert body["schema_revision"] and body["version"]


def test_staff_read_the_catalogue(workspace) -> None:
    build_org(workspace)
    client = api_client(workspace)
    ld = bearer(secret_for(workspace, "ld"))
    assert client.get("/api/status", headers=ld).json()["people"] == 7
    teams = client.get("/api/teams", headers=ld).json()
    assert [(t["key"], t["people"]) for t in teams] == [("ops", 2), ("sales", 5)]
    assert client.get("/api/skills", headers=ld).json()[0]["key"] == "negotiation"
    role = client.get("/api/roles", headers=ld).json()[0]
    assert role["requirements"] == [{"skill": "negotiation", "level": 3, "criticality": "high"}]
    objective = client.get("/api/objectives", headers=ld).json()[0]
    assert (objective["priority"], objective["weight"], objective["skills"]) == (
        True, 0.7, ["negotiation"])
    assert objective["kpis"][0]["metric"] == "renewal_rate"


def test_reviewer_reads_skills_but_not_objectives(sqlite_workspace) -> None:
    build_org(sqlite_workspace)
    client = api_client(sqlite_workspace)
    reviewer = bearer(secret_for(sqlite_workspace, "reviewer"))
    assert client.get("/api/skills", headers=reviewer).status_code == 200
    assert client.get("/api/roles", headers=reviewer).status_code == 200
    assert client.get("/api/objectives", headers=reviewer).status_code == 403
    assert client.get("/api/teams", headers=reviewer).status_code == 403


def test_events_page_backwards_and_filter_by_kind(workspace) -> None:
    client = api_client(workspace)
    admin = bearer(secret_for(workspace, "admin"))
    for name in ("a", "b", "c"):
        client.post("/api/tokens", headers=admin, json={"role": "ld", "name": name})
    first = client.get("/api/events", headers=admin, params={"limit": 2}).json()
    assert [e["payload"]["name"] for e in first["items"]] == ["c", "b"]
    rest = client.get("/api/events", headers=admin,
                      params={"limit": 2, "before_id": first["next_before_id"]}).json()
    assert [e["payload"]["name"] for e in rest["items"]] == ["a", "admin"]
    kinds = client.get("/api/events", headers=admin, params={"kind": "token.revoked"}).json()
    assert kinds == {"items": [], "next_before_id": None}


def test_admin_creates_lists_and_revokes_tokens(workspace) -> None:
    build_org(workspace)
    client = api_client(workspace)
    admin = bearer(secret_for(workspace, "admin"))
    created = client.post("/api/tokens", headers=admin,
                          json={"role": "learner", "person": "leo", "name": "leo's"})
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert client.get("/api/people/leo", headers=bearer(secret)).status_code == 200
    listed = client.get("/api/tokens", headers=admin).json()
    assert all("secret" not in token for token in listed)
    assert [(t["name"], t["person_key"]) for t in listed] == [("admin", None), ("leo's", "leo")]
    bad = client.post("/api/tokens", headers=admin, json={"role": "learner"})
    assert bad.status_code == 422 and bad.json()["error"]["problems"][0]["field"] == "person"
    assert client.delete("/api/tokens/999", headers=admin).status_code == 404
    ld = bearer(secret_for(workspace, "ld"))
    assert client.get("/api/tokens", headers=ld).status_code == 403
