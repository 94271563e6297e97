"""`learnloop check FILE_OR_TEXT --source ID [--json]`: a draft, written by a person or a model,
judged sentence by sentence against the current version of an imported source."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import learnloop, succeeded
from content_support import TEXTS
from learnloop.domain.sources import SourceDocument, SourceKind
from learnloop.store.imports.sources import write_sources
from learnloop.workspace import Workspace

KEY = "refunds-and-credits-policy"


def _import_policy(workspace: Workspace) -> None:
    document = SourceDocument(key=KEY, title="Refunds and Service Credits Policy",
                              kind=SourceKind.POLICY, format="md",
                              text=(TEXTS / f"{KEY}.md").read_text(encoding="utf-8"))
    with workspace.session() as session:
        org = workspace.organisation(session).id
        write_sources(session, organisation_id=org, documents=[(document, f"{KEY}.md")])


def test_check_json_gives_each_sentence_its_verdict_and_passage(
        sqlite_workspace: Workspace) -> None:
    _import_policy(sqlite_workspace)
    draft = ("The customer must notify us of an excursion within 14 calendar days of delivery. "
             "The customer must notify us of an excursion within 30 calendar days of delivery. "
             "Agents must fax the logger report to the consignee.")
    result = json.loads(succeeded("check", draft, "--source", KEY, "--json").stdout)
    assert result["source"] == KEY and result["version"] == 1
    assert [row["verdict"] for row in result["sentences"]] == [
        "supported", "contradicted", "not_supported"]
    first, second, _ = result["sentences"]
    assert "14 calendar days" in first["passage"] and first["chunk_id"].startswith("c")
    assert "30" in second["reason"] and "14" in second["passage"]
    assert result["counts"] == {"supported": 1, "not_supported": 1, "contradicted": 1}
    assert result["embedding_model"].startswith("wordllama")


def test_check_reads_a_draft_file_and_prints_a_line_per_sentence(
        sqlite_workspace: Workspace, tmp_path: Path) -> None:
    _import_policy(sqlite_workspace)
    draft = tmp_path / "draft.md"
    draft.write_text("# Draft job aid\n\n- Credits appear on the next invoice run.\n"
                     "- Goodwill is described to the customer as compensation.\n",
                     encoding="utf-8")
    output = succeeded("check", str(draft), "--source", KEY).stdout
    lines = output.splitlines()
    assert lines[0].startswith(f"checked against {KEY} v1")
    assert any(line.startswith("✓ supported") and "next invoice run" in line for line in lines)
    assert any(line.startswith("✗ contradicted") and "compensation" in line for line in lines)
    assert "Draft job aid" not in output  # a heading claims nothing
    assert lines[-1] == "1 supported, 0 not supported, 1 contradicted"


def test_check_refuses_an_unknown_source_and_an_empty_draft(sqlite_workspace: Workspace) -> None:
    _import_policy(sqlite_workspace)
    unknown = learnloop("check", "Refunds take 5 days.", "--source", "no-such-source")
    assert unknown.exit_code != 0 and "no-such-source" in unknown.output
    empty = learnloop("check", "   ...  ", "--source", KEY)
    assert empty.exit_code != 0 and "no sentence" in empty.output


def test_the_api_checks_a_draft_for_reviewers_and_refuses_bad_input(
        sqlite_workspace: Workspace) -> None:
    from api_support import api_client, bearer, build_org, secret_for

    build_org(sqlite_workspace)
    _import_policy(sqlite_workspace)
    client = api_client(sqlite_workspace)
    reviewer = bearer(secret_for(sqlite_workspace, "reviewer"))
    answer = client.post("/api/content/check", headers=reviewer, json={
        "source": KEY, "text": "# Draft\n\nFinance reviews every credit above EUR 1,000 monthly. "
                              "Finance reviews every credit above EUR 5,000 monthly."})
    assert answer.status_code == 200, answer.text
    assert [row["verdict"] for row in answer.json()["sentences"]] == ["supported", "contradicted"]
    assert client.post("/api/content/check", headers=reviewer,
                       json={"source": "nope", "text": "Credits."}).status_code == 404
    assert client.post("/api/content/check", headers=reviewer,
                       json={"source": KEY, "text": "## only a heading"}).status_code == 422
    learner = bearer(secret_for(sqlite_workspace, "learner", "leo"))
    assert client.post("/api/content/check", headers=learner,
                       json={"source": KEY, "text": "Credits."}).status_code == 403
