"""Content over HTTP: generate a pack, read it with its citations, override its modality, and
the console's library and pack view with clickable citations that show the passage."""

from __future__ import annotations

import html

from api_support import api_client, bearer, build_org, secret_for, sign_in
from content_support import add_sample_pack
from learnloop.workspace import Workspace


def test_ld_generates_a_pack_and_a_reviewer_reads_it(sqlite_workspace: Workspace) -> None:
    build_org(sqlite_workspace)
    add_sample_pack(sqlite_workspace)
    client = api_client(sqlite_workspace)
    ld = bearer(secret_for(sqlite_workspace, "ld"))
    reviewer = bearer(secret_for(sqlite_workspace, "reviewer"))
    made = client.post("/api/content/packs", headers=ld,
                       json={"source": "refunds-and-credits-policy", "engine": "offline"})
    assert made.status_code == 201, made.text
    pack_id = made.json()["pack_id"]
    assert made.json()["summary"]["offline"] is True and made.json()["skipped"] == {}
    pack = client.get(f"/api/content/packs/{pack_id}", headers=reviewer).json()
    assert len(pack["components"]) == 7 and pack["offline"] is True
    quiz = next(c for c in pack["components"] if c["kind"] == "knowledge_check")
    assert quiz["items"][0]["citations"][0]["chunk_id"].startswith("c")
    assert quiz["provenance"]["engine"] == "offline" and quiz["checks"]["passed"]
    listed = client.get("/api/content/packs", headers=reviewer).json()
    assert [p["id"] for p in listed] == [pack_id, pack_id - 1]
    library = client.get("/api/content/components", headers=reviewer,
                         params={"kind": "flashcards"}).json()
    # the same source version written again: the packs share the components, no new versions
    assert [c["version"] for c in library] == [1]
    earlier = client.get(f"/api/content/packs/{pack_id - 1}", headers=reviewer).json()
    assert [c["id"] for c in earlier["components"]] == [c["id"] for c in pack["components"]]
    assert client.get("/api/content/components", headers=reviewer,
                      params={"kind": "poems"}).status_code == 422
    refused = client.post("/api/content/packs", headers=reviewer, json={"source": "x"})
    assert refused.status_code == 403


def test_modality_override_keeps_the_reasons_and_refuses_unknown_mixes(
        sqlite_workspace: Workspace) -> None:
    build_org(sqlite_workspace)
    pack_id = add_sample_pack(sqlite_workspace)
    client = api_client(sqlite_workspace)
    ld = bearer(secret_for(sqlite_workspace, "ld"))
    bad = client.put(f"/api/content/packs/{pack_id}/modality", headers=ld,
                     json={"mix": ["podcast"], "reason": ""})
    assert bad.status_code == 422 and "unknown modality 'podcast'" in bad.text
    done = client.put(f"/api/content/packs/{pack_id}/modality", headers=ld,
                      json={"mix": ["cohort_session", "practice"], "reason": "new team"})
    assert done.status_code == 200
    modality = done.json()["modality"]
    assert modality["mix"] == ["cohort_session", "practice"] and modality["overridden"]
    assert modality["reasons"][0].startswith("no need given")
    assert modality["reasons"][-1].endswith("new team")
    missing = client.put("/api/content/packs/999/modality", headers=ld,
                         json={"mix": ["practice"]})
    assert missing.status_code == 404
    unknown = client.post("/api/content/packs", headers=ld, json={"source": "nope"})
    assert unknown.status_code == 404 and "no source 'nope'" in unknown.text
    unset = client.post("/api/content/packs", headers=ld,
                        json={"source": "refunds-and-credits-policy", "engine": "anthropic"})
    assert unset.status_code == 422 and "LEARNLOOP_LLM_MODEL" in unset.text
    assert unset.json()["error"]["problems"][0]["field"] == "engine"


def test_a_token_without_content_write_cannot_generate(sqlite_workspace: Workspace) -> None:
    from learnloop.tokens import issue_token

    build_org(sqlite_workspace)
    add_sample_pack(sqlite_workspace)
    with sqlite_workspace.session() as session:
        org = sqlite_workspace.organisation(session)
        narrow = issue_token(session, organisation_id=org.id, role="ld", name="narrow",
                             person_key=None, actor="test", scopes=["loop:run"]).secret
    answer = api_client(sqlite_workspace).post(
        "/api/content/packs", headers=bearer(narrow), json={"source": "refunds-and-credits-policy"})
    assert answer.status_code == 403 and "content:write" in answer.text


def test_console_pack_view_shows_items_checks_and_the_cited_passage(
        sqlite_workspace: Workspace) -> None:
    build_org(sqlite_workspace)
    pack_id = add_sample_pack(sqlite_workspace)
    client = api_client(sqlite_workspace)
    sign_in(client, secret_for(sqlite_workspace, "reviewer"))
    library = client.get("/content")
    assert library.status_code == 200
    assert f'href="/content/packs/{pack_id}"' in library.text and "offline" in library.text
    page = client.get(f"/content/packs/{pack_id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert text.count('<details class="citation">') >= 40  # every item's citation opens
    assert "<mark>" in text and "No checks were run on this component." not in text
    assert "offline: extractive, no language model" in text
    assert text.count("<strong>Passed</strong>") == 7 and "Answer keys: " in text
    pack = client.get(f"/api/content/packs/{pack_id}").json()
    quiz = next(c for c in pack["components"] if c["kind"] == "knowledge_check")
    assert quiz["body"]["questions"][0]["stem"] in text
    assert f"<mark>{quiz['body']['questions'][0]['citation']['quote']}</mark>" in text
    assert "<script>" not in page.text.split("</head>", 1)[1].split("<footer>")[0]
