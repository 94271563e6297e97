"""Numbers beyond 64 bits are bad input (422), never a database error (500), and every operation
documents the error answers it can give, with the error JSON shape."""

from __future__ import annotations

import pytest

from api_support import api_client, bearer, build_org, secret_for

TOO_BIG = 2**63  # one past the largest BIGINT either database stores
TOO_BIG_AN_ID = 2**31  # one past the largest INTEGER key (tokens) PostgreSQL stores


@pytest.mark.parametrize(("method", "url"), [
    ("GET", f"/api/people?offset={TOO_BIG}"),
    ("GET", f"/api/events?before_id={TOO_BIG}"),
    ("DELETE", f"/api/tokens/{TOO_BIG}"),
    ("DELETE", f"/api/tokens/{TOO_BIG_AN_ID}"),
    ("GET", "/api/events?before_id=-1"),
    ("DELETE", "/api/tokens/0"),
])
def test_api_numbers_out_of_range_are_input_errors(workspace, method, url) -> None:
    build_org(workspace)
    client = api_client(workspace)
    response = client.request(method, url, headers=bearer(secret_for(workspace, "admin")))
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "input"
    assert response.json()["error"]["problems"][0]["file"] in ("query", "path")


@pytest.mark.parametrize("url", [f"/people?offset={TOO_BIG}", f"/events?before_id={TOO_BIG}"])
def test_console_numbers_out_of_range_are_an_error_page(sqlite_workspace, url) -> None:
    build_org(sqlite_workspace)
    client = api_client(sqlite_workspace)
    response = client.get(url, headers=bearer(secret_for(sqlite_workspace, "admin")))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-status="422"' in response.text


def test_the_largest_number_still_works(workspace) -> None:
    build_org(workspace)
    client = api_client(workspace)
    admin = bearer(secret_for(workspace, "admin"))
    assert client.get(f"/api/people?offset={TOO_BIG - 1}", headers=admin).json()["items"] == []
    assert client.get(f"/api/events?before_id={TOO_BIG - 1}", headers=admin).status_code == 200
    assert client.delete(f"/api/tokens/{TOO_BIG_AN_ID - 1}", headers=admin).status_code == 404


def test_every_operation_documents_its_error_answers(sqlite_workspace) -> None:
    document = api_client(sqlite_workspace).get("/openapi.json").json()
    error_schema = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"422", "503"}
            if operation["x-roles"]:
                expected |= {"401", "403"}
            if "{" in path:
                expected.add("404")
            if "requestBody" in operation:
                expected |= {"400", "413"}
            assert expected <= set(responses), (method, path, sorted(responses))
            for status in expected:
                content = responses[status]["content"]["application/json"]["schema"]
                assert content == error_schema, (method, path, status)
