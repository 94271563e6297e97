"""A NUL character anywhere in a request body is a 422 naming the rule, on SQLite and PostgreSQL
alike (PostgreSQL can store it neither in text nor in JSONB): found by the schema fuzzer."""

from __future__ import annotations

import pytest

from api_support import api_client, bearer, build_org, secret_for
from learnloop.api.incoming import holds_nul


def test_holds_nul_looks_into_keys_lists_and_nested_objects() -> None:
    assert holds_nul("a\x00b") and holds_nul({"k\x00": 1}) and holds_nul([{"a": ["\x00"]}])
    assert not holds_nul({"a": ["b", 1, None, {"c": "d"}]})


@pytest.mark.parametrize(("path", "body"), [
    ("/api/delivery-plans", {"need": "\x00"}),
    ("/api/delivery-plans", {"need": "n", "practice": {"title": "a\x00"}}),
    ("/api/needs/1/status", {"status": "dismissed", "reason": "\x00"}),
])
def test_a_nul_in_a_body_is_a_422(workspace, path: str, body: dict) -> None:
    build_org(workspace)
    client = api_client(workspace)
    answer = client.post(path, json=body, headers=bearer(secret_for(workspace, "ld")))
    assert answer.status_code == 422, answer.text
    assert "NUL" in answer.text
