"""The review gates through every surface: the API, the CLI and the console refuse to publish a
compliance-tier component without its approvals and say what is missing, refuse self-approval,
and show low-risk content auto-published with the reason; the console shows the queue, the
review (checks, citations, comments, diff) and review cycle times."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from api_support import api_client, bearer, csrf_of, sign_in
from cli_support import learnloop, succeeded
from govern_support import demo_sources, packs_for_demo_sources
from import_support import import_into
from learnloop.tokens import issue_token
from learnloop.workspace import Workspace

MISSING_BOTH = "missing 1 approval from reviewer; 1 approval from ld or admin"


def _token(workspace: Workspace, role: str, name: str) -> dict[str, str]:
    with workspace.session() as session:
        org = workspace.organisation(session).id
        return bearer(issue_token(session, organisation_id=org, role=role, name=name,
                                  person_key=None, actor="test").secret)


@pytest.fixture
def demo(sqlite_workspace: Workspace, tmp_path: Path) -> dict[str, list[int]]:
    return packs_for_demo_sources(sqlite_workspace, tmp_path / "sources")


def test_api_refuses_to_publish_without_approvals_and_refuses_self_approval(
        sqlite_workspace: Workspace, demo: dict[str, list[int]]) -> None:
    client = api_client(sqlite_workspace)
    author = _token(sqlite_workspace, "ld", "lena-designer")  # asked for the packs
    lee, sam = (_token(sqlite_workspace, "ld", "lee"),
                _token(sqlite_workspace, "reviewer", "sam"))
    quiz = demo["refunds-and-credits-policy"][3]
    refused = client.post(f"/api/reviews/{quiz}/publish", headers=lee)
    assert refused.status_code == 409
    assert MISSING_BOTH in refused.json()["error"]["message"]
    assert client.post(f"/api/reviews/{quiz}/submit", headers=author).status_code == 200
    own = client.post(f"/api/reviews/{quiz}/approve", headers=author, json={})
    assert own.status_code == 403 and "own work" in own.json()["error"]["message"]
    assert client.post(f"/api/reviews/{quiz}/publish", headers=sam).status_code == 403
    approved = client.post(f"/api/reviews/{quiz}/approve", headers=sam, json={"note": "ok"})
    assert approved.json()["message"] == ("approval recorded; still missing: 1 approval from "
                                          "ld or admin")
    refused = client.post(f"/api/reviews/{quiz}/publish", headers=lee)
    assert refused.status_code == 409 and refused.json()["error"]["message"].endswith(
        "missing 1 approval from ld or admin")
    assert client.post(f"/api/reviews/{quiz}/approve", headers=lee,
                       json={}).json()["state"] == "approved"
    published = client.post(f"/api/reviews/{quiz}/publish", headers=lee)
    assert published.status_code == 200 and published.json()["state"] == "published"
    again = client.post(f"/api/reviews/{quiz}/publish", headers=lee)  # a retry changes nothing
    assert again.status_code == 200 and again.json()["message"] == "already published"
    # a comment anchored to a span of the first question's stem
    comment = client.post(f"/api/reviews/{quiz}/comments", headers=sam, json={
        "text": "Say 'business days'.", "anchor": {"field": "questions[0].stem", "start": 0,
                                                   "end": 8}})
    assert comment.status_code == 201
    shown = client.get(f"/api/reviews/{quiz}", headers=sam).json()
    assert shown["comments"][0]["where"] == "questions[0].stem, characters 0–8"
    assert shown["comments"][0]["quoted"] == shown["body"]["questions"][0]["stem"][:8]
    queue = client.get("/api/reviews", headers=sam, params={"state": "published"}).json()
    assert quiz in [row["component_id"] for row in queue]
    times = client.get("/api/reviews/times", headers=lee).json()
    assert times["reviewers"]["token:sam"]["approvals"] == 1


def test_api_shows_low_risk_content_auto_published_with_the_reason(
        sqlite_workspace: Workspace, demo: dict[str, list[int]]) -> None:
    client = api_client(sqlite_workspace)
    sam = _token(sqlite_workspace, "reviewer", "sam")
    for component_id in demo["sme-interview-excursion-cases"]:
        shown = client.get(f"/api/reviews/{component_id}", headers=sam).json()
        assert shown["state"] == "published" and shown["tier"] == "internal_tip"
        assert "allows it when every quality check passes, and all did" in shown["note"]
        assert shown["decisions"] == [] and shown["checks"]["passed"]


def test_cli_refuses_to_publish_without_approvals_and_refuses_self_approval(
        sqlite_workspace: Workspace, tmp_path: Path) -> None:
    import_into(sqlite_workspace, kind="sources", path=demo_sources(tmp_path / "sources"))
    made = json.loads(succeeded("generate", "--source", "refunds-and-credits-policy",
                                "--json").stdout)
    pack = json.loads(succeeded("pack", "list", "--json").stdout.splitlines()[0])
    assert pack["id"] == made["pack_id"]
    summary = next(c["id"] for c in json.loads(
        (lambda path: (succeeded("pack", "export", str(made["pack_id"]), "--json", str(path)),
                       path.read_text())[1])(tmp_path / "pack.json"))["components"]
        if c["kind"] == "summary")
    refused = learnloop("review", "publish", str(summary))
    assert refused.exit_code == 1 and MISSING_BOTH in refused.output
    succeeded("review", "submit", str(summary))
    own = learnloop("review", "approve", str(summary))  # `cli` generated it
    assert own.exit_code == 1 and "nobody reviews their own work" in own.output
    half = succeeded("review", "approve", str(summary), "--as", "sam", "--role", "reviewer")
    assert "still missing: 1 approval from ld or admin" in half.stdout
    refused = learnloop("review", "publish", str(summary))
    assert refused.exit_code == 1 and "missing 1 approval from ld or admin" in refused.output
    succeeded("review", "approve", str(summary), "--as", "lee", "--role", "ld")
    assert "published" in succeeded("review", "publish", str(summary)).stdout
    listed = [json.loads(line) for line in succeeded(
        "review", "list", "--state", "published", "--json").stdout.splitlines()]
    assert [row["component_id"] for row in listed] == [summary]
    shown = json.loads(succeeded("review", "show", str(summary), "--json").stdout)
    assert [d["actor"] for d in shown["decisions"]] == ["cli:sam", "cli:lee"]
    assert "compliance" in succeeded("review", "times").stdout


def test_cli_comments_and_change_requests(sqlite_workspace: Workspace,
                                          demo: dict[str, list[int]]) -> None:
    quiz = demo["refunds-and-credits-policy"][3]
    succeeded("review", "submit", str(quiz))
    bad = learnloop("review", "comment", str(quiz), "x", "--item", "0", "--span", "a:b")
    assert bad.exit_code == 1 and "use START:END" in bad.output
    succeeded("review", "comment", str(quiz), "Too easy.", "--item", "0", "--span", "0:4",
              "--as", "sam", "--role", "reviewer")
    sent_back = succeeded("review", "request-changes", str(quiz), "--note", "Harder options.",
                          "--as", "sam", "--role", "reviewer")
    assert "changes requested" in sent_back.stdout
    shown = succeeded("review", "show", str(quiz)).stdout
    assert "comment by cli:sam on item 0, characters 0–4: Too easy." in shown
    assert "state: changes_requested" in shown


def test_console_queue_review_page_and_refusals(sqlite_workspace: Workspace,
                                                demo: dict[str, list[int]]) -> None:
    client = api_client(sqlite_workspace)
    with sqlite_workspace.session() as session:
        org = sqlite_workspace.organisation(session).id
        author = issue_token(session, organisation_id=org, role="ld", name="lena-designer",
                             person_key=None, actor="test").secret
    sign_in(client, author)
    queue = client.get("/reviews")
    assert queue.status_code == 200 and "Review cycle times" in queue.text
    quiz = demo["refunds-and-credits-policy"][3]
    assert f'href="/reviews/{quiz}"' in queue.text
    page = client.get(f"/reviews/{quiz}")
    text = html.unescape(page.text)
    assert MISSING_BOTH.removeprefix("missing ") in text and '<details class="citation">' in text
    assert "<mark>" in text and "<strong>Passed</strong>" in text

    def post(action: str, **fields: str):
        return client.post(f"/reviews/{quiz}", follow_redirects=False, data={
            "action": action, "csrf_token": csrf_of(client.get(f"/reviews/{quiz}").text),
            **fields})

    refused = post("publish")
    assert refused.status_code == 409 and MISSING_BOTH in html.unescape(refused.text)
    assert post("submit").status_code == 303
    own = post("approve")
    assert own.status_code == 403 and "nobody reviews their own work" in html.unescape(own.text)
    assert post("comment", note="Check the rate.", item="0").status_code == 303
    page = html.unescape(client.get(f"/reviews/{quiz}").text)
    assert "lena-designer</strong> on item 0" in page and "Check the rate." in page
    auto = demo["sme-interview-excursion-cases"][0]
    page = html.unescape(client.get(f"/reviews/{auto}").text)
    assert "State: published" in page and "auto-published: tier internal_tip allows it" in page
