"""Every error leaves the API as the same JSON shape, and nothing internal leaks to the client."""

from __future__ import annotations

import logging

import pytest

from api_support import api_client, bearer, secret_for
from learnloop.errors import InputError, Problem


def test_unexpected_errors_are_json_without_traces(sqlite_workspace, caplog) -> None:
    client = api_client(sqlite_workspace)

    @client.app.get("/api/test-boom")
    def _boom() -> None:
        raise RuntimeError("secret database detail")

    with caplog.at_level(logging.ERROR, logger="learnloop.serving"):
        response = client.get("/api/test-boom")
    assert response.status_code == 500
    assert response.json() == {"error": {"type": "internal", "problems": [],
                                          "message": "internal error; see server log"}}
    assert "secret database detail" not in response.text and "Traceback" not in response.text
    assert "secret database detail" in caplog.text  # the operator still sees it


def test_learnloop_errors_keep_their_status_and_problems(sqlite_workspace) -> None:
    client = api_client(sqlite_workspace)

    @client.app.get("/api/test-input")
    def _input() -> None:
        raise InputError("bad file", [Problem("is required", file="f.csv", row=3, field="id")],
                         total=5)

    body = client.get("/api/test-input").json()
    assert body == {"error": {"type": "input", "message": "bad file", "total_problems": 5,
                              "problems": [{"file": "f.csv", "row": 3, "field": "id",
                                            "message": "is required"}]}}


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "offset=-1"])
def test_invalid_query_is_422_in_the_error_shape(sqlite_workspace, query) -> None:
    client = api_client(sqlite_workspace)
    ld = bearer(secret_for(sqlite_workspace, "ld"))
    response = client.get(f"/api/people?{query}", headers=ld)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "input"
    assert error["problems"][0]["file"] == "query" and error["problems"][0]["field"] in query


def test_unknown_route_is_json_404(sqlite_workspace) -> None:
    response = api_client(sqlite_workspace).get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"
