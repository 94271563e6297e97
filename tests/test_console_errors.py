"""Errors on console pages are pages (404, 403, 422, 500) with a way back; the API keeps JSON.

Both come from the one error handler in `learnloop.serving.errors`.
"""

from __future__ import annotations

import logging

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api_support import api_client, bearer, build_org, flat_routes, secret_for, sign_in
from learnloop.serving.deps import RoleDocumentedRoute
from learnloop.workspace import Workspace

WAY_BACK = '<a href="/">Back to the start</a>'


def _signed_in(workspace: Workspace, role: str, person: str | None = None) -> TestClient:
    client = api_client(workspace)
    answer = sign_in(client, secret_for(workspace, role, person))
    assert answer.status_code == 303
    return client


def _is_page(response) -> bool:
    return response.headers["content-type"].startswith("text/html") and WAY_BACK in response.text


def test_a_console_404_is_an_html_page_and_the_api_404_is_json(sqlite_workspace) -> None:
    client = _signed_in(sqlite_workspace, "ld")
    page = client.get("/no-such-page")
    assert page.status_code == 404 and _is_page(page)
    assert "Not found" in page.text and "/no-such-page" in page.text
    person = client.get("/people/nobody")
    assert person.status_code == 404 and _is_page(person)
    assert "No person with key" in person.text
    api = client.get("/api/nothing-here", headers=bearer(secret_for(sqlite_workspace, "ld")))
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
    assert api.json()["error"]["type"] == "not_found"


def test_a_console_403_is_an_html_page_naming_the_caller(sqlite_workspace) -> None:
    build_org(sqlite_workspace)
    client = _signed_in(sqlite_workspace, "learner", "leo")
    for path in ("/events", "/people", "/people/lea"):
        page = client.get(path)
        assert page.status_code == 403 and _is_page(page), path
        assert "Not for your role" in page.text and "learner:leo" in page.text
        assert 'href="/login"' in page.text  # sign in as someone else
    api = client.get("/api/events", headers=bearer(secret_for(sqlite_workspace, "learner", "leo")))
    assert api.status_code == 403 and api.json()["error"]["type"] == "forbidden"


def test_an_unexpected_error_on_a_console_page_is_an_html_500_without_details(
    sqlite_workspace, caplog
) -> None:
    client = _signed_in(sqlite_workspace, "ld")

    @client.app.get("/test-boom")
    def _boom() -> None:
        raise RuntimeError("secret database detail")

    with caplog.at_level(logging.ERROR, logger="learnloop.serving"):
        page = client.get("/test-boom")
    assert page.status_code == 500 and _is_page(page)
    assert "Something went wrong" in page.text
    assert "secret database detail" not in page.text and "Traceback" not in page.text
    assert "RuntimeError" not in page.text
    assert "secret database detail" in caplog.text  # the operator still sees it


def test_a_bad_query_on_a_console_page_lists_its_problem(sqlite_workspace) -> None:
    page = _signed_in(sqlite_workspace, "ld").get("/people", params={"offset": -1})
    assert page.status_code == 422 and _is_page(page)
    assert "query:offset" in page.text


def test_sign_in_comes_back_to_the_page_asked_for_with_its_query(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)
    asked = client.get("/people", params={"team": "ops"}, follow_redirects=False)
    assert asked.status_code == 303
    assert asked.headers["location"] == "/login?next=/people%3Fteam%3Dops"
    signed_in = sign_in(client, secret_for(sqlite_workspace, "ld"), "/people?team=ops")
    assert signed_in.headers["location"] == "/people?team=ops"
    assert client.get("/people", params={"team": "ops"}).status_code == 200


def test_a_revoked_token_sends_its_console_session_back_to_sign_in(sqlite_workspace) -> None:
    client = _signed_in(sqlite_workspace, "ld")
    assert client.get("/events").status_code == 200
    admin = bearer(secret_for(sqlite_workspace, "admin"))
    ld_id = next(token["id"] for token in client.get("/api/tokens", headers=admin).json()
                 if token["role"] == "ld")
    assert client.delete(f"/api/tokens/{ld_id}", headers=admin).status_code == 204
    refused = client.get("/events", follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, "/login?next=/events")


def test_every_console_page_admits_named_roles(sqlite_workspace) -> None:
    # a signed link from a message is its own authority (it names one delivery and one action)
    open_pages = {"/login", "/logout", "/static/plotly.min.js", "/inbox/links/{token}"}
    pages = [route for route in flat_routes(api_client(sqlite_workspace).app.routes)
             # the xAPI LRS under /xapi/ is no console page: LRS clients' Basic credentials
             if isinstance(route, APIRoute) and not route.path.startswith(("/api", "/xapi"))
             and route.path not in open_pages]
    assert {route.path for route in pages} == {"/", "/events", "/people", "/me", "/people/{key}",
                                               "/detections", "/detections/{detection_id}",
                                               "/content", "/content/packs/{pack_id}",
                                               "/skills", "/needs", "/needs/{need_id}",
                                               "/needs/{need_id}/status", "/priorities",
                                               "/priorities/{objective_key}",
                                               "/reviews", "/reviews/{component_id}",
                                               "/impact", "/impact/{intervention_id}",
                                               "/impact/{intervention_id}/numbers.csv",
                                               "/impact/{intervention_id}/report.pdf",
                                               "/fairness",
                "/inbox", "/inbox/{delivery_id}/{action}", "/inbox/reviews/{item_id}", "/practice",
        "/practice/{attempt_id}", "/practice/{attempt_id}/turns",
        "/practice/{attempt_id}/finish", "/deliveries/plans", "/deliveries/plans/{key}",
        "/deliveries/plans/{key}/approve",
        "/deliveries/plans/{key}/adjust", "/deliveries/channels", "/deliveries/dead-letter",
        "/deliveries/dead-letter/{delivery_id}/replay", "/lrs"}
    assert all(isinstance(route, RoleDocumentedRoute) and route.admitted_roles
               for route in pages)
