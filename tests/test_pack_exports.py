"""`learnloop pack export` as an HTML folder, a zip, a SCORM 2004 (4th edition) package and a
cmi5 package: what an LMS reads from each is there and well-formed, nothing comes from a CDN."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from cli_support import learnloop, succeeded
from content_support import TEXTS
from learnloop.content.exports.cmi5 import NAMESPACE as CMI5
from learnloop.content.exports.scorm import ADLCP, IMSCP, IMSSS

SOURCE = "refunds-and-credits-policy"


def _exported(tmp_path: Path) -> tuple[int, dict]:
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(TEXTS / f"{SOURCE}.md", folder / f"{SOURCE}.md")
    succeeded("import", "sources", str(folder))
    printed = json.loads(succeeded("generate", "--source", SOURCE, "--json")
                         .stdout.strip().splitlines()[-1])
    target = tmp_path / "pack.json"
    succeeded("pack", "export", str(printed["pack_id"]), "--json", str(target))
    return printed["pack_id"], json.loads(target.read_text(encoding="utf-8"))


def test_cli_writes_html_zip_scorm_and_cmi5_from_one_pack(tmp_path: Path) -> None:
    pack_id, document = _exported(tmp_path)
    html, archive = tmp_path / "html", tmp_path / "pack.zip"
    scorm, cmi5 = tmp_path / "scorm.zip", tmp_path / "cmi5.zip"
    result = succeeded("pack", "export", str(pack_id), "--html", str(html), "--zip", str(archive),
                       "--scorm", str(scorm), "--cmi5", str(cmi5), "--unpublished")
    assert "SCORM 2004 package" in result.stdout and "cmi5 package" in result.stdout
    assert sorted(path.name for path in html.iterdir()) == ["check.js", "index.html",
                                                            "style.css"]
    page = (html / "index.html").read_text(encoding="utf-8")
    # self-contained: every address the page loads is a file beside it
    loaded = re.findall(r'(?:src|href)="([^"#]+)"', page)
    assert loaded and all(name in {"style.css", "check.js"} for name in loaded), loaded
    assert "http" not in (html / "style.css").read_text(encoding="utf-8")
    # every component, and every citation with its quoted passage
    for component in document["components"]:
        assert f'id="{component["key"]}"' in page
        for item in component["items"]:
            for citation in item["citations"]:
                assert _escaped(citation["quote"]) in page
    questions = sum(len(c["body"]["questions"]) for c in document["components"]
                    if c["kind"] == "knowledge_check")
    assert questions >= 2 and page.count('class="question"') == questions
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist()) == ["check.js", "index.html", "style.css"]
        assert zipped.read("index.html") == (html / "index.html").read_bytes()
    again = tmp_path / "again.zip"
    succeeded("pack", "export", str(pack_id), "--zip", str(again), "--unpublished")
    assert again.read_bytes() == archive.read_bytes()  # reproducible

    with zipfile.ZipFile(scorm) as zipped:
        names = set(zipped.namelist())
        manifest = etree.fromstring(zipped.read("imsmanifest.xml"))
        launch = zipped.read("index.html").decode()
    assert {"imsmanifest.xml", "index.html", "scorm.js", "check.js", "style.css"} <= names
    assert 'src="scorm.js"' in launch
    ns = {"cp": IMSCP, "adlcp": ADLCP, "imsss": IMSSS}
    assert manifest.tag == f"{{{IMSCP}}}manifest"
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=ns) == "ADL SCORM"
    assert manifest.findtext("cp:metadata/cp:schemaversion",
                             namespaces=ns) == "2004 4th Edition"
    organizations = manifest.find("cp:organizations", ns)
    organization, = organizations.findall("cp:organization", ns)
    assert organizations.get("default") == organization.get("identifier")
    assert organization.findtext("cp:title", namespaces=ns) == document["title"]
    item, = organization.findall("cp:item", ns)
    resource, = manifest.findall("cp:resources/cp:resource", ns)
    assert item.get("identifierref") == resource.get("identifier")
    assert resource.get(f"{{{ADLCP}}}scormType") == "sco"
    assert resource.get("href") == "index.html" and resource.get("type") == "webcontent"
    listed = {file.get("href") for file in resource.findall("cp:file", ns)}
    assert listed == names - {"imsmanifest.xml"}
    assert item.findtext("imsss:sequencing/imsss:objectives/imsss:primaryObjective/"
                         "imsss:minNormalizedMeasure", namespaces=ns) == "0.8"
    assert item.find("imsss:sequencing/imsss:deliveryControls", ns).get(
        "completionSetByContent") == "true"

    with zipfile.ZipFile(cmi5) as zipped:
        structure = etree.fromstring(zipped.read("cmi5.xml"))
        assert {"cmi5.xml", "index.html", "cmi5.js"} <= set(zipped.namelist())
    ns = {"c": CMI5}
    course = structure.find("c:course", ns)
    assert course.get("id").startswith(f"urn:learnloop:pack:{pack_id}:")
    assert course.findtext("c:title/c:langstring", namespaces=ns) == document["title"]
    assert course.findtext("c:description/c:langstring", namespaces=ns)
    au, = structure.findall("c:au", ns)
    assert au.get("moveOn") == "CompletedAndPassed" and au.get("masteryScore") == "0.8"
    assert au.get("launchMethod") == "AnyWindow" and au.findtext("c:url", namespaces=ns) == \
        "index.html"
    assert au.get("id") != course.get("id")


def test_export_needs_a_format_and_an_existing_pack(tmp_path: Path) -> None:
    pack_id, _ = _exported(tmp_path)
    nothing = learnloop("pack", "export", str(pack_id))
    assert nothing.exit_code != 0 and "--scorm FILE" in nothing.output
    absent = learnloop("pack", "export", "99", "--scorm", str(tmp_path / "s.zip"))
    assert absent.exit_code != 0 and "no content pack 99" in absent.output
    assert not (tmp_path / "s.zip").exists()
    blocked = tmp_path / "file"
    blocked.write_text("x")
    refused = learnloop("pack", "export", str(pack_id), "--html", str(blocked))
    assert refused.exit_code != 0 and "is not a folder" in refused.output


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_a_pack_without_questions_completes_on_finishing() -> None:
    from learnloop.content.exports.cmi5 import cmi5_structure
    from learnloop.content.exports.scorm import scorm_manifest

    document = {"id": 3, "title": "Refunds", "created_at": "2026-01-02T03:04:05+00:00",
                "source": {"key": "refunds", "title": "Refunds", "version": 2},
                "components": [{"kind": "summary", "body": {"sentences": []}}]}
    structure = etree.parse(io.BytesIO(cmi5_structure(document))).getroot()
    au = structure.find(f"{{{CMI5}}}au")
    assert au.get("moveOn") == "Completed" and au.get("masteryScore") is None
    manifest = etree.fromstring(scorm_manifest(document, files=["index.html"]))
    assert manifest.find(f".//{{{IMSSS}}}objectives") is None


def test_api_downloads_the_packages_a_reviewer_may_read(sqlite_workspace) -> None:
    from api_support import api_client, bearer, build_org, secret_for
    from content_support import add_sample_pack

    build_org(sqlite_workspace)
    pack_id = add_sample_pack(sqlite_workspace)
    client = api_client(sqlite_workspace)
    reviewer = bearer(secret_for(sqlite_workspace, "reviewer"))
    expected = {"scorm": "imsmanifest.xml", "cmi5": "cmi5.xml", "zip": "index.html"}
    for kind, marker in expected.items():
        answer = client.get(f"/api/content/packs/{pack_id}/export/{kind}", headers=reviewer,
                            params={"unpublished": "true"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/zip"
        assert f"-{pack_id}-" in answer.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(answer.content)) as zipped:
            assert marker in zipped.namelist()
            assert ("imsmanifest.xml" in zipped.namelist()) == (kind == "scorm")
    assert client.get(f"/api/content/packs/{pack_id}/export/pdf",
                      headers=reviewer).status_code == 422
    assert client.get(f"/api/content/packs/{pack_id + 50}/export/scorm",
                      headers=reviewer).status_code == 404
    learner = bearer(secret_for(sqlite_workspace, "learner", "leo"))
    assert client.get(f"/api/content/packs/{pack_id}/export/scorm",
                      headers=learner).status_code == 403


def test_the_cli_exports_only_published_components_for_learners(tmp_path: Path) -> None:
    from learnloop.config import Settings
    from learnloop.store.reviews import published_ids
    from learnloop.workspace import Workspace

    pack_id, document = _exported(tmp_path)
    workspace = Workspace.open(Settings(home=tmp_path / "home"))
    try:
        with workspace.session() as session:
            published = set(published_ids(
                session, organisation_id=workspace.organisation(session).id).values())
    finally:
        workspace.close()
    ours = {c["key"] for c in document["components"] if c["id"] in published}
    held = {c["key"] for c in document["components"]} - ours
    html = tmp_path / "learners"
    exported = learnloop("pack", "export", str(pack_id), "--html", str(html))
    if not ours:  # nothing auto-published: nothing may leave, and the refusal says why
        assert exported.exit_code != 0 and "none of its components is published" in \
            exported.output
        return
    assert exported.exit_code == 0, exported.output
    page = (html / "index.html").read_text(encoding="utf-8")
    assert all(f'id="{key}"' in page for key in ours)
    assert not any(f'id="{key}"' in page for key in held)
    if held:
        assert "withheld from learners until published" in exported.output


def test_only_published_components_leave_for_learners() -> None:
    from learnloop.content.exports.scorm import scorm_files
    from learnloop.content.exports.selection import published_only
    from learnloop.errors import ConflictError

    document = {"id": 4, "title": "Refunds", "created_at": "2026-01-02T03:04:05+00:00",
                "source": {"key": "refunds", "title": "Refunds", "version": 1},
                "offline": True, "components": [
                    {"id": 10, "key": "refunds.summary", "kind": "summary", "title": "Summary",
                     "body": {"title": "Summary", "sentences": [
                         {"text": "Credits go on the next invoice.",
                          "citations": [{"chunk_id": "c1", "quote": "on the next invoice"}]}]}},
                    {"id": 11, "key": "refunds.key_points", "kind": "key_points",
                     "title": "Draft points", "body": {"title": "Draft points", "points": [
                         {"text": "Unreviewed claim.",
                          "citations": [{"chunk_id": "c2", "quote": "unreviewed"}]}]}}]}
    kept, withheld = published_only(document, published={10, 99})
    assert [c["key"] for c in kept["components"]] == ["refunds.summary"]
    assert withheld == ["refunds.key_points"]
    page = scorm_files(kept)["index.html"].decode()
    assert "Credits go on the next invoice." in page and "Unreviewed claim." not in page
    with pytest.raises(ConflictError, match=r"refunds.summary, refunds.key_points"):
        published_only(document, published=set())
