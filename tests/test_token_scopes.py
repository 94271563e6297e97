"""Token scopes: an integration token feeds signals, evidence and pulse but cannot change the org
chart or probe it; a narrowed token does only what it names; no token is wider than its role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from api_support import api_client, bearer, build_org, secret_for
from cli_support import learnloop, row, succeeded
from learnloop.errors import InputError
from learnloop.store import migrate
from learnloop.store.event_log import EventLog
from learnloop.tokens import issue_token, list_tokens
from learnloop.workspace import Workspace

# ola moves from max to mia: mia would see five people instead of four
REPARENT_OLA = ("id,name,email,team,department,manager_id\n"
                "ola,Ola,ola@example.com,ops,Operations,mia\n")
SIGNALS_CSV = ("id,metric,subject_type,subject,observed_at,value,source\n"
               "c1,renewal_rate,team,sales,2025-04-01,90,crm\n")
EVIDENCE_CSV = ("id,person,skill,kind,level,date,source\n"
                "ev1,leo,negotiation,manager_rating,3,2025-02-01,review\n")
PULSE_CSV = ("survey,team,question,period,score,responses\n"
             "pulse,sales,q1,2025-01-01,4.2,5\n")
WEBHOOK = {"signals": [{"id": "w1", "metric": "nps", "subject_type": "organisation",
                        "observed_at": "2025-03-01", "value": 41, "source": "survey"}]}


@pytest.fixture
def org(sqlite_workspace: Workspace) -> Workspace:
    build_org(sqlite_workspace)
    return sqlite_workspace


def _upload(client, headers, kind: str, content: str, **params: bool):
    return client.post(f"/api/imports/{kind}", headers=headers, params=params,
                       files={"file": (f"{kind}.csv", content.encode(), "text/csv")})


def _visible_to(client, manager: dict[str, str]) -> list[str]:
    return [person["key"] for person in client.get("/api/people", headers=manager).json()["items"]]


def _token(workspace: Workspace, role: str, scopes: list[str] | None,
           within: frozenset[str] | None = None) -> str:
    with workspace.session() as session:
        org = workspace.organisation(session)
        return issue_token(session, organisation_id=org.id, role=role, name=None, person_key=None,
                           actor="test", scopes=scopes, within=within).secret


def test_integration_token_cannot_change_or_probe_the_org_chart(org) -> None:
    client = api_client(org)
    integration = bearer(secret_for(org, "integration"))
    mia = bearer(secret_for(org, "manager", "mia"))
    before = _visible_to(client, mia)
    assert before == ["ivy", "lea", "leo", "mia"]
    for params in ({}, {"dry_run": True}, {"background": True},
                   {"background": True, "dry_run": True}):
        refused = _upload(client, integration, "people", REPARENT_OLA, **params)
        assert refused.status_code == 403, params
        assert "'imports:people'" in refused.json()["error"]["message"]
    # the dry run answered like the real run: nothing about who exists
    assert _visible_to(client, mia) == before
    with org.session() as session:
        log = EventLog(session, org.organisation(session).id)
        assert (log.count("import.completed"), log.count("job.queued")) == (0, 0)
    assert not any((org.settings.workspace / "uploads").glob("*/*"))
    # the same file from an L&D token does move ola: the refusal was the scope, not the file
    ld = bearer(secret_for(org, "ld"))
    assert _upload(client, ld, "people", REPARENT_OLA).status_code == 200
    assert _visible_to(client, mia) == ["ivy", "lea", "leo", "mia", "ola"]


@pytest.mark.parametrize("kind", ["people", "roles", "skills", "objectives"])
def test_org_chart_and_catalogue_imports_are_refused_to_integration(org, kind) -> None:
    client = api_client(org)
    integration = bearer(secret_for(org, "integration"))
    refused = _upload(client, integration, kind, "id\n", dry_run=True)
    assert refused.status_code == 403
    assert f"imports:{kind}" in refused.json()["error"]["message"]


def test_integration_token_still_feeds_signals_evidence_and_pulse(org) -> None:
    client = api_client(org)
    integration = bearer(secret_for(org, "integration"))
    assert client.post("/api/signals", headers=integration, json=WEBHOOK).status_code == 200
    for kind, content in (("signals", SIGNALS_CSV), ("evidence", EVIDENCE_CSV),
                          ("pulse", PULSE_CSV)):
        answer = _upload(client, integration, kind, content)
        assert answer.status_code == 200, answer.json()
        assert answer.json()["created"] == 1


def test_a_narrowed_token_does_only_what_it_names(org) -> None:
    client = api_client(org)
    signals_only = bearer(_token(org, "integration", ["imports:signals"]))
    assert _upload(client, signals_only, "signals", SIGNALS_CSV).status_code == 200
    evidence = _upload(client, signals_only, "evidence", EVIDENCE_CSV)
    assert evidence.status_code == 403 and "'imports:evidence'" in evidence.json()["error"][
        "message"]
    webhook = client.post("/api/signals", headers=signals_only, json=WEBHOOK)
    assert webhook.status_code == 403 and "'signals:write'" in webhook.json()["error"]["message"]

    people_admin = bearer(_token(org, "admin", ["imports:people"]))
    assert _upload(client, people_admin, "people", REPARENT_OLA, dry_run=True).status_code == 200
    assert client.post("/api/loop/run", headers=people_admin).status_code == 403
    assert client.post("/api/tokens", headers=people_admin,
                       json={"role": "ld"}).status_code == 403
    assert client.get("/api/status", headers=people_admin).status_code == 200  # reads: the role

    read_only = bearer(_token(org, "ld", []))
    assert _upload(client, read_only, "signals", SIGNALS_CSV).status_code == 403
    assert client.get("/api/objectives", headers=read_only).status_code == 200


@pytest.mark.parametrize(("role", "scopes", "message"), [
    ("integration", ["imports:people"], "integration tokens may not have imports:people"),
    ("integration", ["imports:*"], "may not have imports:*"),
    ("ld", ["signals:write"], "the ld role admits: content:write deliveries:write imports:* "
                              "loop:run needs:write priorities:write reviews:write"),
    ("reviewer", ["loop:run"], "the reviewer role admits: reviews:write"),
    ("admin", ["imports:wizards"], "unknown scope imports:wizards"),
    ("admin", ["everything"], "unknown scope everything"),
])
def test_a_scope_wider_than_the_role_is_refused_at_creation(org, role, scopes, message) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as raised:
        _token(org, role, scopes)
    assert {problem.field for problem in raised.value.problems} == {"scopes"}
    with org.session() as session:
        assert list_tokens(session, organisation_id=org.organisation(session).id) == []


def test_integration_may_be_given_sources_but_not_by_default(org) -> None:
    with org.session() as session:
        org_id = org.organisation(session).id
        default = issue_token(session, organisation_id=org_id, role="integration", name=None,
                              person_key=None, actor="test")
        documents = issue_token(session, organisation_id=org_id, role="integration",
                                name="documents", person_key=None, actor="test",
                                scopes=["imports:sources, imports:signals"])
    assert default.scopes == ("imports:evidence", "imports:pulse", "imports:signals",
                              "signals:write")
    assert documents.scopes == ("imports:signals", "imports:sources")


def test_a_token_cannot_create_a_token_wider_than_itself(org) -> None:
    client = api_client(org)
    narrow_admin = bearer(_token(org, "admin", ["tokens:write", "imports:signals"]))
    wider = client.post("/api/tokens", headers=narrow_admin,
                        json={"role": "integration", "scopes": ["imports:evidence"]})
    assert wider.status_code == 422
    assert wider.json()["error"]["problems"][0]["field"] == "scopes"
    by_default = client.post("/api/tokens", headers=narrow_admin, json={"role": "integration"})
    assert by_default.status_code == 422  # the defaults include signals:write
    within = client.post("/api/tokens", headers=narrow_admin,
                         json={"role": "integration", "scopes": ["imports:signals"]})
    assert within.status_code == 201 and within.json()["scopes"] == ["imports:signals"]


def test_tokens_api_creates_and_lists_scopes(org) -> None:
    client = api_client(org)
    admin = bearer(secret_for(org, "admin"))
    created = client.post("/api/tokens", headers=admin,
                          json={"role": "integration", "name": "crm",
                                "scopes": ["signals:write"]})
    assert created.status_code == 201 and created.json()["scopes"] == ["signals:write"]
    refused = client.post("/api/tokens", headers=admin,
                          json={"role": "integration", "scopes": ["imports:people"]})
    assert refused.status_code == 422
    assert refused.json()["error"]["problems"] == [
        {"file": None, "row": None, "field": "scopes",
         "message": "'imports:people' is wider than the integration role admits"}]
    listed = {token["name"]: token["scopes"] for token in
              client.get("/api/tokens", headers=admin).json()}
    assert listed == {"admin": ["content:write", "deliveries:write", "imports:*", "inbox:write",
                                "loop:run", "needs:write", "people:erase", "priorities:write",
                                "reviews:write",
                                "signals:write", "tokens:write"],
                      "crm": ["signals:write"]}
    with org.session() as session:
        (event, _admin) = EventLog(session, org.organisation(session).id).recent(
            kinds=["token.created"])
    assert event.payload["scopes"] == ["signals:write"]


def test_every_api_write_names_its_scope_in_openapi(sqlite_workspace) -> None:
    spec = api_client(sqlite_workspace).get("/openapi.json").json()
    writes = {f"{method.upper()} {path}": operation for path, operations in spec["paths"].items()
              for method, operation in operations.items()
              if path.startswith("/api/") and method in ("post", "put", "patch", "delete")}
    assert {name: operation["x-scopes"] for name, operation in writes.items()} == {
        "POST /api/imports/{kind}": ["imports:{kind}"],
        "POST /api/signals": ["signals:write"],
        "POST /api/loop/run": ["loop:run"],
        "POST /api/tokens": ["tokens:write"],
        "DELETE /api/tokens/{token_id}": ["tokens:write"],
        "POST /api/people/{key}/erase": ["people:erase"],
        "POST /api/content/packs": ["content:write"],
        "PUT /api/content/packs/{pack_id}/modality": ["content:write"],
        "POST /api/content/check": [],  # a read with a body: it changes nothing
        "POST /api/inbox/{delivery_id}/{action}": ["inbox:write"],
        "POST /api/inbox/reviews/{item_id}": ["inbox:write"],
        "PUT /api/inbox/preferences": ["inbox:write"],
        "POST /api/practice": ["inbox:write"],
        "POST /api/practice/{attempt_id}/turns": ["inbox:write"],
        "POST /api/practice/{attempt_id}/finish": ["inbox:write"],
        "POST /api/deliveries/{delivery_id}/replay": ["deliveries:write"],
        "POST /api/delivery-plans": ["deliveries:write"],
        "PATCH /api/delivery-plans/{key}": ["deliveries:write"],
        "POST /api/delivery-plans/{key}/approve": ["deliveries:write"],
        "POST /api/delivery-plans/{key}/send": ["deliveries:write"],
        "POST /api/delivery-rules": ["deliveries:write"],
        "POST /api/needs/{need_id}/status": ["needs:write"],
        "PATCH /api/priorities/{objective_key}": ["priorities:write"],
        **{f"POST /api/reviews/{{component_id}}/{action}": ["reviews:write"]
           for action in ("submit", "approve", "request-changes", "comments", "publish",
                          "retire")},
    }
    imports = writes["POST /api/imports/{kind}"]["description"]
    assert "**Token scope:** `imports:{kind}`" in imports
    assert "`integration` `imports:evidence`, `imports:pulse`, `imports:signals`" in imports
    assert spec["paths"]["/api/people"]["get"]["x-scopes"] == []


def _downgrade(workspace: Workspace, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(Path(migrate.__file__).parent / "migrations"))
    with workspace.database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_tokens_made_before_scopes_get_their_role_defaults(workspace) -> None:
    _downgrade(workspace, "0003")
    with workspace.database.engine.begin() as connection:
        connection.execute(text("INSERT INTO organisations (key, name, created_at) "
                                "VALUES ('old', 'Old', CURRENT_TIMESTAMP)"))
        for role in ("admin", "ld", "integration", "learner"):
            connection.execute(text(
                "INSERT INTO api_tokens (organisation_id, name, role, prefix, secret_hash, "
                "created_at) SELECT id, :role, :role, 'll_x', :role, CURRENT_TIMESTAMP "
                "FROM organisations WHERE key = 'old'"), {"role": role})
    assert migrate.upgrade(workspace.database) == migrate.head_revision()
    with workspace.database.engine.connect() as connection:
        scopes = dict(connection.execute(text("SELECT role, scopes FROM api_tokens")).all())
    assert scopes == {"admin": "imports:* loop:run people:erase signals:write tokens:write",
                      "ld": "imports:* loop:run",
                      "integration": "imports:evidence imports:pulse imports:signals "
                                     "signals:write",
                      "learner": ""}
    # and the upgraded tokens answer with exactly those scopes
    with workspace.session() as session:
        listed = list_tokens(session, organisation_id=workspace.organisation(session, "old").id)
    assert [token.scopes for token in listed][2] == (
        "imports:evidence", "imports:pulse", "imports:signals", "signals:write")


def _scope_rows(listed: str) -> list[list[str]]:
    """The rows of `token list`'s second table: id, name, scopes."""
    cells = [[cell.strip() for cell in line.strip().strip("│").split("│")]
             for line in listed.splitlines()]
    return [row for row in cells if len(row) == 3 and row[0].isdigit()]


def test_cli_creates_a_narrowed_token_and_lists_its_scopes() -> None:
    created = succeeded("token", "create", "--role", "integration", "--name", "crm",
                        "--scope", "signals:write", "--scope", "imports:signals,imports:pulse")
    assert "created with scopes imports:pulse imports:signals signals:write" in created.stderr
    succeeded("token", "create", "--role", "integration", "--name", "feeds")
    succeeded("token", "create", "--role", "ld", "--name", "viewer", "--scope", "")
    listed = succeeded("token", "list").stdout
    assert row(listed, "1")[:3] == ["1", "crm", "integration"]
    assert _scope_rows(listed) == [
        ["1", "crm", "imports:pulse imports:signals signals:write"],
        ["2", "feeds", "imports:evidence imports:pulse imports:signals signals:write"],
        ["3", "viewer", "(none)"]]


def test_cli_refuses_a_scope_wider_than_the_role() -> None:
    refused = learnloop("token", "create", "--role", "integration", "--scope", "imports:people")
    assert refused.exit_code == 1
    assert "integration tokens may not have imports:people" in refused.stderr
    assert "scopes: 'imports:people' is wider than the integration role admits" in refused.stderr
    assert _scope_rows(succeeded("token", "list").stdout) == []
