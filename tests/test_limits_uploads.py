"""Upload and body sizes: past the configured maximum the server answers 413 in the API's error
shape, and it stops reading at the limit instead of taking the whole body first."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from api_support import api_client, bearer, build_org, secret_for
from conftest import make_settings
from learnloop.errors import TooLargeError
from learnloop.jobs import save_upload
from learnloop.serving.app import create_app
from learnloop.workspace import Workspace

UPLOAD_LIMIT = 64_000
BODY_LIMIT = 16_000
CHUNK = 8_000
BOUNDARY = "limit-test-boundary"


@pytest.fixture
def small_limits(tmp_path: Path):
    workspace = Workspace.open(make_settings(tmp_path, max_upload_bytes=UPLOAD_LIMIT,
                                             max_body_bytes=BODY_LIMIT))
    build_org(workspace)
    yield workspace
    workspace.close()


def _multipart(name: str, content: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + content + \
        f"\r\n--{BOUNDARY}--\r\n".encode()


def _call(app, *, path: str, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, dict,
                                                                                   int]:
    """Send a request straight through ASGI, one body message per chunk; the status, the JSON
    answer and how many chunks the server asked for."""
    taken = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal taken
        if taken < len(chunks):
            taken += 1
            return {"type": "http.request", "body": chunks[taken - 1],
                    "more_body": taken < len(chunks)}
        await asyncio.sleep(3600)  # the client has nothing more; a server waiting here hangs
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "headers": [(key.lower().encode(), value.encode()) for key, value in headers.items()]}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=30))
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent
                    if message["type"] == "http.response.body")
    return start["status"], json.loads(body), taken


def test_an_upload_declaring_too_many_bytes_is_refused_before_any_is_read(small_limits) -> None:
    app = create_app(small_limits)
    token = secret_for(small_limits, "admin")
    body = _multipart("signals.csv", b"x" * (UPLOAD_LIMIT * 4))
    status, answer, taken = _call(
        app, path="/api/imports/signals",
        headers={"authorization": f"Bearer {token}", "content-length": str(len(body)),
                 "content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        chunks=[body[start:start + CHUNK] for start in range(0, len(body), CHUNK)])
    assert status == 413 and taken == 0
    assert answer["error"]["type"] == "too_large"
    assert "LEARNLOOP_MAX_UPLOAD_BYTES" in answer["error"]["message"]


def test_a_chunked_upload_is_stopped_at_the_limit(small_limits) -> None:
    app = create_app(small_limits)
    token = secret_for(small_limits, "admin")
    body = _multipart("signals.csv", b"x" * (UPLOAD_LIMIT * 100))
    chunks = [body[start:start + CHUNK] for start in range(0, len(body), CHUNK)]
    status, answer, taken = _call(
        app, path="/api/imports/signals",
        headers={"authorization": f"Bearer {token}",
                 "content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        chunks=chunks)
    assert status == 413 and answer["error"]["type"] == "too_large"
    assert taken <= UPLOAD_LIMIT // CHUNK + 1 < len(chunks)


def test_a_body_lying_about_its_length_is_counted_all_the_same(small_limits) -> None:
    app = create_app(small_limits)
    token = secret_for(small_limits, "integration")
    body = b'{"signals": [' + b" " * (BODY_LIMIT * 10) + b"]}"
    status, answer, taken = _call(
        app, path="/api/signals",
        headers={"authorization": f"Bearer {token}", "content-length": "10",
                 "content-type": "application/json"},
        chunks=[body[start:start + CHUNK] for start in range(0, len(body), CHUNK)])
    assert status == 413 and "LEARNLOOP_MAX_BODY_BYTES" in answer["error"]["message"]
    assert taken <= BODY_LIMIT // CHUNK + 1


def test_the_webhook_refuses_a_body_past_its_limit(small_limits) -> None:
    client = api_client(small_limits)
    integration = bearer(secret_for(small_limits, "integration"))
    signal = {"metric": "nps", "subject_type": "organisation", "observed_at": "2025-03-01",
              "value": 41, "source": "survey"}
    response = client.post("/api/signals", headers=integration,
                           json={"signals": [signal] * 1000})
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "too_large"
    fits = client.post("/api/signals", headers=integration, json={"signals": [signal]})
    assert fits.status_code == 200


def test_an_upload_within_the_limit_still_imports(small_limits) -> None:
    client = api_client(small_limits)
    admin = bearer(secret_for(small_limits, "admin"))
    csv = ("id,metric,subject_type,subject,observed_at,value,source\n"
           "s1,nps,organisation,,2025-03-01,41,survey\n")
    response = client.post("/api/imports/signals", headers=admin,
                           files={"file": ("signals.csv", csv, "text/csv")})
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 1


def test_a_background_upload_past_the_limit_is_refused_and_leaves_nothing(tmp_path) -> None:
    with pytest.raises(TooLargeError, match="larger than 1,000 bytes"):
        save_upload(io.BytesIO(b"x" * 5000), folder=tmp_path, filename="signals.csv",
                    max_bytes=1000)
    assert list(tmp_path.iterdir()) == []
    saved = save_upload(io.BytesIO(b"x" * 1000), folder=tmp_path, filename="signals.csv",
                        max_bytes=1000)
    assert saved.stat().st_size == 1000


def test_operations_with_a_body_document_413(small_limits) -> None:
    paths = create_app(small_limits).openapi()["paths"]
    assert "413" in paths["/api/imports/{kind}"]["post"]["responses"]
    assert "413" in paths["/api/signals"]["post"]["responses"]


def test_a_console_form_past_the_limit_answers_the_error_page(small_limits) -> None:
    client = api_client(small_limits)
    response = client.post("/login", data={"token": "x" * (BODY_LIMIT * 2), "csrf_token": "-"})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
