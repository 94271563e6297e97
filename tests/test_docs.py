"""The documentation stays true: every API operation in docs/api.md, every doc the README links."""

from __future__ import annotations

import re
from pathlib import Path

from learnloop.serving.app import create_app
from learnloop.workspace import Workspace

ROOT = Path(__file__).parents[1]


def test_every_api_operation_is_in_the_api_docs(sqlite_workspace: Workspace) -> None:
    def unnamed(text: str) -> str:  # `{id}` in prose stands for `{token_id}` in the code
        return re.sub(r"\{[^}]*\}", "{}", text)

    documented = unnamed((ROOT / "docs" / "api.md").read_text())
    schema = create_app(sqlite_workspace).openapi()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if path.startswith("/api/") and unnamed(path) not in documented
    ]
    assert missing == []


def test_every_document_the_readme_links_exists() -> None:
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#]+)\)", readme)
    assert links, "the README links its docs"
    assert [link for link in links if not (ROOT / link).exists()] == []
