"""The console in a real browser: sign in with the demo's token and see the KPI charts render,
with the content security policy refusing nothing.

Needs Debian's chromium (/usr/bin/chromium). Outside CI it skips, saying so, when Chromium is
not installed; in CI (`CI=true`, where `.ci/run` installs it) a missing Chromium fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from learnloop.config import Settings
from learnloop.demo import build_demo
from learnloop.workspace import Workspace
from server_support import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _chromium_or_skip() -> None:
    if CHROMIUM is not None:
        return
    if IN_CI:
        pytest.fail("Chromium is required in CI (`.ci/run` installs Debian's `chromium`)")
    pytest.skip("Chromium is not installed (Debian package `chromium`); browser test skipped")


def _wait_until_up(url: str, process: subprocess.Popen, *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"server did not answer at {url} within {seconds}s")


def test_demo_console_renders_kpi_charts_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    home = tmp_path / "home"
    workspace = Workspace.open(Settings(home=home))
    with workspace.session() as session:
        summary = build_demo(session, organisation=workspace.organisation(session),
                             settings=workspace.settings, seed=3, people=80)
    workspace.close()
    port = free_port()
    env = {**os.environ, "LEARNLOOP_HOME": str(home)}
    server = subprocess.Popen(
        [sys.executable, "-m", "learnloop.cli", "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{base}/api/health", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            blocked: list[str] = []
            page.on(
                "request",
                lambda request: (
                    blocked.append(request.url) if not request.url.startswith(base) else None
                ),
            )
            refused: list[str] = []
            page.on("console", lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text
                else None))
            page.goto(f"{base}/")
            assert page.url.startswith(f"{base}/login")
            page.fill("#token", summary.admin_token)
            page.click("button[type=submit]")
            page.wait_for_selector(".chart .main-svg", timeout=15_000)
            assert summary.organisation_name in page.inner_text("h1")
            assert page.locator(".chart").count() >= 1
            page.screenshot(path=str(tmp_path / "console.png"), full_page=True)
            browser.close()
        assert blocked == [], f"the console fetched something off this server: {blocked}"
        assert refused == [], f"the content security policy refused something: {refused}"
    finally:
        server.terminate()
        server.wait(timeout=10)
