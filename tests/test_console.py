"""The console: sign-in by token, the organisation at a glance, the event log, local assets only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api_support import csrf_of, sign_in
from learnloop.serving.app import create_app
from learnloop.store.event_log import EventLog
from learnloop.tokens import issue_token
from learnloop.workspace import Workspace


@pytest.fixture
def client(sqlite_workspace: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_workspace)) as test_client:
        yield test_client


def _token(workspace: Workspace, role: str, person_key: str | None = None) -> str:
    with workspace.session() as session:
        organisation = workspace.organisation(session)
        return issue_token(
            session,
            organisation_id=organisation.id,
            role=role,
            name=f"{role} user",
            person_key=person_key,
            actor="test",
        ).secret


def _sign_in(client: TestClient, token: str, next_path: str = "/") -> object:
    return sign_in(client, token, next_path)


def test_console_asks_for_sign_in_first(client: TestClient) -> None:
    response = client.get("/events", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/events"
    assert "Sign in" in client.get("/login").text


def test_wrong_token_is_refused_with_a_message(client: TestClient) -> None:
    response = _sign_in(client, "ll_not-a-real-token")
    assert response.status_code == 401
    assert 'role="alert"' in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_ld_sees_the_organisation_at_a_glance(
    client: TestClient, sqlite_workspace: Workspace
) -> None:
    with sqlite_workspace.session() as session:
        organisation = sqlite_workspace.organisation(session)
        organisation.name = "Acme Freight"
        EventLog(session, organisation.id).record(
            "import.completed", actor="cli", payload={"kind": "people", "rows": 3}
        )
    response = _sign_in(client, _token(sqlite_workspace, "ld"), "/")
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Acme Freight at a glance" in page.text
    assert 'data-count="people"' in page.text
    assert "import.completed" in page.text
    assert "token.created" in client.get("/events").text


def test_sign_in_never_redirects_off_site(client: TestClient, sqlite_workspace: Workspace) -> None:
    response = _sign_in(client, _token(sqlite_workspace, "ld"), "//evil.example/")
    assert response.headers["location"] == "/"


def test_sign_out_ends_the_session(client: TestClient, sqlite_workspace: Workspace) -> None:
    _sign_in(client, _token(sqlite_workspace, "admin"))
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)},
                follow_redirects=False)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_plotly_is_served_locally(client: TestClient) -> None:
    response = client.get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/javascript")
    assert b"plotly" in response.content[:2000].lower()
    assert client.get("/static/console.css").status_code == 200


def test_learner_lands_on_their_own_record_and_cannot_open_another(
    client: TestClient, sqlite_workspace: Workspace
) -> None:
    from api_support import build_org

    build_org(sqlite_workspace)
    _sign_in(client, _token(sqlite_workspace, "learner", person_key="leo"))
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert str(response.url).endswith("/people/leo")
    assert "My record" in response.text and "Negotiation" in response.text
    assert 'class="num below"' in response.text  # leo is rated 2, the role requires 3
    other = client.get("/people/lea")
    assert other.status_code == 403 and "Not for your role" in other.text
    assert client.get("/people/nobody").status_code == 403  # no probing for who exists
    assert client.get("/events").status_code == 403
    assert client.get("/people").status_code == 403


def test_manager_sees_their_reports_and_no_one_else(
    client: TestClient, sqlite_workspace: Workspace
) -> None:
    from api_support import build_org

    build_org(sqlite_workspace)
    _sign_in(client, _token(sqlite_workspace, "manager", person_key="mia"))
    listing = client.get("/people")
    assert listing.status_code == 200
    for visible in ("/people/mia", "/people/leo", "/people/lea", "/people/ivy"):
        assert f'href="{visible}"' in listing.text
    assert 'href="/people/ola"' not in listing.text
    assert client.get("/people/ivy").status_code == 200  # an indirect report
    assert client.get("/people/ola").status_code == 403


def test_staff_get_not_found_for_an_unknown_person(
    client: TestClient, sqlite_workspace: Workspace
) -> None:
    _sign_in(client, _token(sqlite_workspace, "ld"))
    response = client.get("/people/nobody")
    assert response.status_code == 404 and "Not found" in response.text


def test_a_role_without_a_record_or_console_pages_is_told_so(
    client: TestClient, sqlite_workspace: Workspace
) -> None:
    _sign_in(client, _token(sqlite_workspace, "integration"))
    response = client.get("/")
    assert response.status_code == 403 and "Not for your role" in response.text
