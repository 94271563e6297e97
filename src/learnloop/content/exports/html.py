"""A pack as a self-contained HTML folder: one page with every component, its citations (the
quoted passage), an interactive knowledge check, and its own CSS and JS (no CDN).

The SCORM and cmi5 packages reuse this page and add the script that reports to the LMS.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["DEFAULT_MASTERY", "PAGE", "html_files", "questions_of"]

PAGE = "index.html"
DEFAULT_MASTERY = 0.8  # share of questions right that passes, unless the LMS says otherwise

_environment = Environment(
    loader=PackageLoader("learnloop.content.exports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def asset(name: str) -> bytes:
    return (resources.files("learnloop.content.exports") / "assets" / name).read_bytes()


def questions_of(document: dict[str, Any]) -> int:
    """How many knowledge-check questions the pack's page asks."""
    return sum(len(component["body"].get("questions", ())) for component in document["components"]
               if component["kind"] == "knowledge_check")


def html_files(document: dict[str, Any], *, reporter: str | None = None,
               mastery: float = DEFAULT_MASTERY) -> dict[str, bytes]:
    """The folder's files by relative path. `reporter` names the LMS script to add ("scorm.js"
    or "cmi5.js"), None for a plain folder."""
    page = _environment.get_template("pack.html").render(
        pack=document, components=document["components"], reporter=reporter,
        mastery=mastery, questions=questions_of(document))
    files = {PAGE: page.encode("utf-8"), "style.css": asset("style.css"),
             "check.js": asset("check.js")}
    if reporter is not None:
        files[reporter] = asset(reporter)
    return files
