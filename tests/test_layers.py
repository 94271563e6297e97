"""The layer rules of docs/architecture.md, checked on the source: dependencies point inwards.

domain imports no I/O and no framework; only store/ imports SQLAlchemy (the others name the
session type through `learnloop.store`); api/ and web/ never import each other; agents never
import a web framework, a template engine, the CLI or a connector.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "learnloop"

# what the pure core may import: the standard library's non-I/O modules and itself
DOMAIN_MAY_IMPORT = {
    "__future__", "abc", "bisect", "calendar", "collections", "dataclasses", "datetime",
    "decimal", "difflib", "enum", "fractions", "functools", "hashlib", "heapq", "itertools",
    "math", "operator", "re", "secrets", "statistics", "string", "typing", "unicodedata",
    "zoneinfo", "learnloop.domain", "learnloop.errors",
    "numpy",  # numeric work is vectorised; NumPy does no I/O of its own here
    "pydantic",  # component bodies are validated models (domain/content/components.py)
}


def _modules(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module a file imports, absolute, including imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def _within(name: str, allowed: set[str]) -> bool:
    return any(name == root or name.startswith(f"{root}.") for root in allowed)


def _breaches(folder: Path, *, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(folder)
        for name in _imports(path)
        if any(name == bad or name.startswith(f"{bad}.") for bad in forbidden)
    ]


def test_domain_imports_nothing_that_does_io() -> None:
    found = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(PACKAGE / "domain")
        for name in _imports(path)
        if not _within(name, DOMAIN_MAY_IMPORT)
    ]
    assert found == []


def test_only_the_store_imports_sqlalchemy() -> None:
    found = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(PACKAGE)
        if "store" not in path.relative_to(PACKAGE).parts
        for name in _imports(path)
        if name == "sqlalchemy" or name.startswith("sqlalchemy.")
    ]
    assert found == []


@pytest.mark.parametrize(("layer", "other"), [("api", "learnloop.web"), ("web", "learnloop.api")])
def test_api_and_console_do_not_import_each_other(layer: str, other: str) -> None:
    assert _breaches(PACKAGE / layer, forbidden=(other,)) == []


def test_agents_import_no_framework_connector_or_cli() -> None:
    forbidden = ("fastapi", "starlette", "jinja2", "typer", "click", "rich", "huey",
                 "learnloop.api", "learnloop.web", "learnloop.cli", "learnloop.connectors",
                 "learnloop.jobs")
    assert _breaches(PACKAGE / "agents", forbidden=forbidden) == []


def test_the_store_imports_no_layer_above_it() -> None:
    forbidden = ("learnloop.api", "learnloop.web", "learnloop.cli", "learnloop.agents",
                 "learnloop.connectors", "learnloop.jobs", "learnloop.importing",
                 "learnloop.tokens", "fastapi", "jinja2", "typer")
    assert _breaches(PACKAGE / "store", forbidden=forbidden) == []
