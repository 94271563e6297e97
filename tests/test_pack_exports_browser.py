"""The SCORM 2004 and cmi5 packages run in Chromium: under the scorm-again SCORM runtime (from
npm, served locally) the learner's answers arrive as completion and a score; a cmi5 launch
against a recording LRS on 127.0.0.1 produces the statements an LMS expects.

Needs Debian's chromium and npm (for scorm-again). Outside CI each skips, saying why, when one
is missing or the npm registry cannot be reached; with CI=true they must run.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tarfile
import threading
import uuid
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from lxml import etree

from learnloop.content.exports import cmi5_package, scorm_package
from learnloop.content.exports.cmi5 import NAMESPACE as CMI5_XML
from test_pack_exports import _exported

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NPM = shutil.which("npm")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SCORM_AGAIN = "scorm-again@3"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVE_ON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
VERB = "http://adlnet.gov/expapi/verbs/"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required when CI=true)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _chromium_or_skip() -> None:
    if CHROMIUM is None:
        _missing("Chromium is not installed (Debian package `chromium`); browser test skipped")


@pytest.fixture(scope="session")
def scorm_again(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scorm-again's browser build of the SCORM 2004 runtime, packed from npm once and cached
    (in pytest's cache folder, or for this run only when the cache is turned off)."""
    cached = getattr(request.config, "cache", None)
    cache = Path(cached.mkdir("scorm-again-3")) if cached is not None \
        else tmp_path_factory.mktemp("scorm-again-3")
    built = cache / "package" / "dist" / "scorm2004.js"
    if built.exists():
        return built
    if NPM is None:
        _missing("npm is not installed: cannot fetch the scorm-again SCORM runtime")
    try:
        packed = subprocess.run([NPM, "pack", SCORM_AGAIN, "--pack-destination", str(cache)],
                                capture_output=True, text=True, timeout=180, check=False)
    except subprocess.TimeoutExpired:
        _missing("npm pack scorm-again@3 timed out: is the npm registry reachable?")
    if packed.returncode != 0:
        _missing(f"npm pack scorm-again@3 failed (registry unreachable?): {packed.stderr[-300:]}")
    archive = max(cache.glob("scorm-again-*.tgz"))  # the newest, should an old one linger
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    assert built.exists(), "scorm-again's package has no dist/scorm2004.js"
    return built


class _Recorder:
    """What the local LMS received: SCORM commits, xAPI statements and their headers."""

    def __init__(self) -> None:
        self.commits: list[dict] = []
        self.statements: list[dict] = []
        self.statement_headers: list[dict[str, str]] = []
        self.fetches = 0
        self.state_queries: list[dict[str, list[str]]] = []
        self.launch_data: dict = {}
        self.token = base64.b64encode(b"au:secret").decode()


def _serve(root: Path, recorder: _Recorder) -> Iterator[str]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args) -> None:  # quiet test output
            pass

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            return self.headers.get("Authorization") == f"Basic {recorder.token}"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            address = urlsplit(self.path)
            if address.path == "/xapi/activities/state":
                recorder.state_queries.append(parse_qs(address.query))
                if not self._authorised():
                    return self._json(401, {"error": "no token"})
                return self._json(200, recorder.launch_data)
            return super().do_GET()

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            address = urlsplit(self.path)
            if address.path == "/commit":
                recorder.commits.append(json.loads(body or b"{}"))
                return self._json(200, {"result": True, "errorCode": 0})
            if address.path == "/fetch":
                recorder.fetches += 1
                return self._json(200, {"auth-token": recorder.token})
            if address.path == "/xapi/statements":
                if not self._authorised():
                    return self._json(401, {"error": "no token"})
                statement = json.loads(body)
                recorder.statements.append(statement)
                recorder.statement_headers.append(dict(self.headers.items()))
                return self._json(200, [statement.get("id")])
            return self._json(404, {"error": address.path})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"])


def _answer(frame, *, wrong: int) -> tuple[int, int]:
    """Answer every question, the first `wrong` of them wrongly; (right, total)."""
    questions = frame.locator("fieldset.question")
    total = questions.count()
    for index in range(total):
        question = questions.nth(index)
        answer = int(question.get_attribute("data-answer"))
        choice = (answer + 1) % question.locator("input[type=radio]").count() \
            if index < wrong else answer
        question.locator(f"input[value='{choice}']").check()
    frame.locator("#check-answers").click()
    return total - wrong, total


RUNTIME_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>LMS</title>
<script src="scorm2004.js"></script>
<script>
window.API_1484_11 = new Scorm2004API({lmsCommitUrl: "/commit", autocommit: false,
                                        dataCommitFormat: "flattened", logLevel: 5});
</script></head>
<body><iframe id="sco" src="sco/index.html" width="1000" height="800"></iframe></body></html>
"""


def test_scorm_package_reports_completion_and_score_to_scorm_again(
        tmp_path: Path, scorm_again: Path) -> None:
    from playwright.sync_api import sync_playwright

    _, document = _exported(tmp_path)
    root = tmp_path / "lms"
    (root / "sco").mkdir(parents=True)
    package = tmp_path / "scorm.zip"
    package.write_bytes(scorm_package(document))
    with zipfile.ZipFile(package) as zipped:
        zipped.extractall(root / "sco")
    shutil.copy(scorm_again, root / "scorm2004.js")
    (root / "runtime.html").write_text(RUNTIME_PAGE, encoding="utf-8")
    recorder = _Recorder()
    serving = _serve(root, recorder)
    base = next(serving)
    try:
        with sync_playwright() as playwright:
            browser = _browser(playwright)
            page = browser.new_page()
            off_site: list[str] = []
            page.on("request", lambda request: off_site.append(request.url)
                    if not request.url.startswith(base) else None)
            page.goto(f"{base}/runtime.html")
            frame = page.frame_locator("#sco")
            frame.locator("#lms-status").filter(has_text="Connected").wait_for(timeout=15_000)
            assert page.evaluate("API_1484_11.GetValue('cmi.completion_status')") == "incomplete"
            right, total = _answer(frame, wrong=1)
            values = page.evaluate("""() => ({
                completion: API_1484_11.GetValue('cmi.completion_status'),
                success: API_1484_11.GetValue('cmi.success_status'),
                scaled: API_1484_11.GetValue('cmi.score.scaled'),
                raw: API_1484_11.GetValue('cmi.score.raw'),
                min: API_1484_11.GetValue('cmi.score.min'),
                max: API_1484_11.GetValue('cmi.score.max')})""")
            frame.locator("#finish").click()
            frame.locator("#lms-status").filter(has_text="recorded").wait_for(timeout=15_000)
            page.wait_for_function("API_1484_11.isTerminated()", timeout=15_000)
            browser.close()
    finally:
        serving.close()
    expected_scaled = round(right / total, 4)
    assert values == {"completion": "completed",
                      "success": "passed" if expected_scaled >= 0.8 else "failed",
                      "scaled": str(expected_scaled).rstrip("0").rstrip("."),
                      "raw": str(right), "min": "0", "max": str(total)}, values
    assert off_site == []
    # the runtime committed to the LMS: the last commit carries completion and the score
    assert recorder.commits, "scorm-again never committed"
    last = recorder.commits[-1]
    assert last["cmi.completion_status"] == "completed"
    assert float(last["cmi.score.scaled"]) == pytest.approx(right / total, abs=1e-4)
    assert last["cmi.score.raw"] == str(right) and last["cmi.exit"] == "normal"


def test_cmi5_launch_sends_the_statements_an_lms_expects(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    _, document = _exported(tmp_path)
    root = tmp_path / "lms"
    (root / "au").mkdir(parents=True)
    package = tmp_path / "cmi5.zip"
    package.write_bytes(cmi5_package(document))
    with zipfile.ZipFile(package) as zipped:
        zipped.extractall(root / "au")
    structure = etree.parse(str(root / "au" / "cmi5.xml")).getroot()
    au = structure.find(f"{{{CMI5_XML}}}au")
    course_id = structure.find(f"{{{CMI5_XML}}}course").get("id")
    recorder = _Recorder()
    session_id = str(uuid.uuid4())
    registration = str(uuid.uuid4())
    recorder.launch_data = {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": course_id}]},
            "extensions": {SESSION: session_id}},
        "launchMode": "Normal", "moveOn": au.get("moveOn"), "masteryScore": 0.5}
    actor = {"objectType": "Agent", "name": "Ada",
             "account": {"homePage": "https://lms.example", "name": "ada"}}
    serving = _serve(root, recorder)
    base = next(serving)
    try:
        launch = f"{base}/au/{au.findtext(f'{{{CMI5_XML}}}url')}?" + urlencode({
            "endpoint": f"{base}/xapi/", "fetch": f"{base}/fetch", "actor": json.dumps(actor),
            "registration": registration, "activityId": au.get("id")})
        with sync_playwright() as playwright:
            browser = _browser(playwright)
            page = browser.new_page()
            page.goto(launch)
            page.locator("#lms-status").filter(has_text="Connected").wait_for(timeout=15_000)
            right, total = _answer(page, wrong=1)
            page.locator("#lms-status").filter(has_text="score").wait_for(timeout=15_000)
            page.locator("#finish").click()
            page.locator("#lms-status").filter(has_text="recorded.").wait_for(timeout=15_000)
            browser.close()
    finally:
        serving.close()
    assert recorder.fetches == 1
    query, = recorder.state_queries
    assert query["stateId"] == ["LMS.LaunchData"] and query["registration"] == [registration]
    assert json.loads(query["agent"][0]) == actor and query["activityId"] == [au.get("id")]
    verbs = [statement["verb"]["id"].removeprefix(VERB) for statement in recorder.statements]
    assert verbs == ["initialized", "completed", "passed", "terminated"]
    for statement, headers in zip(recorder.statements, recorder.statement_headers, strict=True):
        assert headers["X-Experience-API-Version"] == "1.0.3"
        assert statement["actor"] == actor
        assert statement["object"]["id"] == au.get("id")
        context = statement["context"]
        assert context["registration"] == registration
        assert context["extensions"][SESSION] == session_id
        assert context["contextActivities"]["grouping"] == [{"id": course_id}]
        categories = [item["id"] for item in context["contextActivities"]["category"]]
        assert CMI5_CATEGORY in categories
        assert (MOVE_ON in categories) == (statement["verb"]["id"].removeprefix(VERB)
                                           in {"completed", "passed"})
    completed, passed = recorder.statements[1], recorder.statements[2]
    assert completed["result"]["completion"] is True
    assert passed["result"]["success"] is True
    assert passed["result"]["score"] == {"scaled": round(right / total, 4), "raw": right,
                                         "min": 0, "max": total}
    assert passed["context"]["extensions"][MASTERY] == 0.5
    assert all(statement["result"]["duration"].startswith("PT")
               for statement in recorder.statements[1:])
    assert len({statement["id"] for statement in recorder.statements}) == 4
