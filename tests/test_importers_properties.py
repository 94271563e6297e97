"""Any bytes into any importer give a clean import or a `file:row:field` InputError, never a crash.

Hypothesis writes the files: random bytes, and CSV, YAML and JSON built from each kind's own
column names and the awkward cells real exports hold (quotes, BOMs, NULs, huge fields, odd
encodings). One workspace per database for the module; each example's import is rolled back.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_settings
from database_support import database_url_of
from import_support import import_into
from learnloop.errors import InputError
from learnloop.importing import ImportLimits, import_file
from learnloop.workspace import Workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
# a fixed, bounded run in the suite; IMPORT_PROPERTY_EXAMPLES=2000 explores further (random)
EXAMPLES_PER_TEST = int(os.environ.get("IMPORT_PROPERTY_EXAMPLES", "40"))
PROPERTY = settings(max_examples=EXAMPLES_PER_TEST, deadline=None,
                    derandomize="IMPORT_PROPERTY_EXAMPLES" not in os.environ, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

# each CSV kind's columns, and the values its rows hold in the example files
CSV_COLUMNS = {
    "skills": ("id", "name", "category", "description"),
    "roles": ("role", "name", "description", "skill", "level", "criticality"),
    "people": ("id", "name", "email", "team", "team_name", "department", "role", "manager_id",
               "location", "time_zone", "hire_date", "status"),
    "signals": ("id", "metric", "subject_type", "subject", "observed_at", "value", "source"),
    "evidence": ("id", "person", "skill", "kind", "level", "date", "source"),
    "pulse": ("survey", "team", "question", "period", "score", "responses"),
}
YAML_KEYS = {
    "skills": ("categories", ("name", "skills", "id", "description")),
    "roles": ("roles", ("id", "name", "description", "requirements", "skill", "level",
                        "criticality")),
    "objectives": ("objectives", ("id", "title", "description", "owner", "weight", "reason",
                                  "kpis", "metric", "direction", "unit", "target", "skills",
                                  "teams", "not_priorities")),
    "sources": ("sources", ("id", "file", "title", "kind", "owner")),
}
KNOWN = ["E001", "E002", "sales-emea", "Sales", "negotiation", "discovery", "account-executive",
         "team", "person", "organisation", "win_rate", "crm", "manager_rating", "high", "up",
         "active", "left", "Europe/Paris", "2025-03-01", "2025-03-01T09:30:00+01:00", "3", "2.5",
         "quarterly-pulse", "discount-policy.md"]
AWKWARD = ["", " ", '"', '""', "a,b", "a\nb", "\r", "\ufeff", "\x00", "nan", "inf", "-inf",
           "1e400", "-0", "0x10", "2025-02-30", "2025-01-01T25:00", "9999-12-31T23:00:00-05:00",
           "0001-01-01T00:30:00+01:00", "=1+1", "٣", "½", "\u202e", "../../etc/passwd", "/",
           "a\x00b.md", "x" * 300, "9" * 5000, "y" * 140_000, "Ünïcödé", "\\", "'"]
SMALL_AWKWARD = AWKWARD[:-3]  # without the huge cells: YAML and JSON stay quick to build
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]
NEWLINES = ["\n", "\r\n", "\r"]

cell = st.one_of(st.sampled_from(KNOWN), st.sampled_from(AWKWARD), st.text(max_size=12))


def _example_rows(name: str) -> list[list[str]]:
    with (EXAMPLES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# a valid file of each CSV kind (header first): mutated one or two cells at a time, its rows reach
# the checks behind the first one a random row fails
EXAMPLE_CSV = {
    "skills": [list(CSV_COLUMNS["skills"]), ["negotiation", "Negotiation", "Customer", "Deals"]],
    "roles": [list(CSV_COLUMNS["roles"]),
              ["account-executive", "Account Executive", "", "negotiation", "3", "high"]],
    "people": _example_rows("people.csv"),
    "signals": _example_rows("signals.csv"),
    "evidence": _example_rows("evidence.csv"),
    "pulse": _example_rows("pulse.csv"),
}


# the edges of each type of cell: what a column of that type gets when a mutation picks it
TIME_EDGES = ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00", "2025-01-01T25:00",
              "2025-02-30", "2025-03-01T09:30:00+14:00", "2025-03-01T09:30:00.123456789",
              "20250301", "2025-W09", "0000-01-01", "9999-12-31"]
NUMBER_EDGES = ["nan", "inf", "-inf", "1e400", "1e-400", "-0", "9" * 5000, "٣", "1_0", "0x10",
                "-1", "5", "4.0000000001", "1e308", " 2 ", "2,5"]
KEY_EDGES = ["", " ", "a\x00b", "x" * 129, "x" * 301, "E001", "E002", "sales-emea",
             "negotiation", "\u202e", "Ünïcödé"]
EDGES = {name: TIME_EDGES for name in ("observed_at", "date", "period", "hire_date")}
EDGES |= {name: NUMBER_EDGES for name in ("value", "level", "score", "responses")}
EDGES |= {name: KEY_EDGES for name in ("id", "role", "subject", "person", "skill", "team",
                                       "manager_id", "survey", "metric")}
EDGES |= {name: NUMBER_EDGES for name in ("weight", "target")}
EDGES |= {"file": ["a\x00b.md", "x" * 300 + ".md", "../x.md", "/etc/passwd", ".", "",
                   "discount-policy.md", "sources.yaml"]}
EDGES |= {"time_zone": ["UTC", "Europe/Paris", "../../etc/localtime", "Europe/Paris\x00",
                        "x" * 70, "posixrules", "localtime", "EST5EDT", " "]}


@st.composite
def mutated_rows(draw: st.DrawFn, kind: str) -> list[list[str]]:
    header, *rows = EXAMPLE_CSV[kind]
    mutated = [header]
    for row in draw(st.lists(st.sampled_from(rows), min_size=1, max_size=4)):
        row = list(row)
        for _ in range(draw(st.integers(1, 2))):
            column = draw(st.integers(0, len(row) - 1))
            edges = EDGES.get(header[column], AWKWARD)
            row[column] = draw(st.sampled_from(edges))
        mutated.append(row)
    return mutated


@st.composite
def csv_files(draw: st.DrawFn, kind: str) -> bytes:
    """A CSV file: a header mostly of the kind's columns, rows of awkward cells, then encoded."""
    names = list(CSV_COLUMNS[kind])
    header = draw(st.lists(st.one_of(st.sampled_from(names), st.text(max_size=6)),
                           min_size=0, max_size=len(names) + 2))
    width = len(header)
    rows = draw(st.lists(st.lists(cell, min_size=max(width - 1, 0), max_size=width + 1),
                         max_size=6))
    if draw(st.booleans()):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=draw(st.sampled_from(NEWLINES))).writerows(
            [header, *rows])
        text = buffer.getvalue()
    else:  # joined by hand: stray and unclosed quotes survive
        newline = draw(st.sampled_from(NEWLINES))
        text = newline.join(",".join(line) for line in [header, *rows])
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                    st.sampled_from(KNOWN), st.sampled_from(SMALL_AWKWARD), st.text(max_size=8),
                    st.dates())


def documents(keys: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Nested mappings and lists whose keys are mostly the kind's own."""
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(keys), st.text(max_size=5)), inner,
                        max_size=5)), max_leaves=25)


def _places(document: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a parsed document: each mapping value and list item, at any depth."""
    yield path
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _places(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _places(value, (*path, index))


@st.composite
def mutated_document(draw: st.DrawFn, example: Any, keys: tuple[str, ...]) -> Any:
    """A valid document with a value or two anywhere in it replaced (or a key renamed)."""
    document = copy.deepcopy(example)
    for _ in range(draw(st.integers(1, 2))):
        places = [place for place in _places(document) if place]
        path = draw(st.sampled_from(places))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        edges = EDGES.get(path[-1]) if isinstance(path[-1], str) else None
        replacement = draw(st.sampled_from(edges) if edges and draw(st.booleans())
                           else st.one_of(scalars, documents(keys)))
        if isinstance(parent, dict) and draw(st.booleans()):
            parent[draw(st.one_of(st.sampled_from(keys), st.text(max_size=5)))] = replacement
        else:
            parent[path[-1]] = replacement
    return document


EXAMPLE_YAML = {
    "skills": EXAMPLES / "skills.yaml", "roles": EXAMPLES / "roles.yaml",
    "objectives": EXAMPLES / "objectives.yaml", "sources": EXAMPLES / "sources" / "sources.yaml",
}


@st.composite
def yaml_files(draw: st.DrawFn, kind: str) -> bytes:
    list_key, keys = YAML_KEYS[kind]
    items = st.one_of(documents(keys), st.dictionaries(st.sampled_from(keys), scalars))
    example = yaml.safe_load(EXAMPLE_YAML[kind].read_text(encoding="utf-8"))
    document = draw(st.one_of(documents(keys),
                              st.fixed_dictionaries({list_key: st.lists(items, max_size=4)}),
                              mutated_document(example, keys)))
    text = yaml.safe_dump(document, allow_unicode=draw(st.booleans()))
    tricks = ["", "!!binary aGVsbG8=\n", "a: &x [1]\nb: *x\n", "n: " + "9" * 5000 + "\n",
              "d: " + "[" * 200 + "]" * 200 + "\n", "x: !!python/object:os.system\n",
              "%YAML 9.9\n---\n", "\t- tab\n", "k: 2025-13-45\n"]
    text = draw(st.sampled_from(tricks)) + text
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@st.composite
def json_files(draw: st.DrawFn, *, lines: bool) -> bytes:
    from learnloop.connectors.importers.signal_rules import FIELDS

    example = json.loads((EXAMPLES / "signals.json").read_text(encoding="utf-8"))["signals"]
    items = draw(st.one_of(st.lists(documents(FIELDS), max_size=5),
                           mutated_document(example, FIELDS)))
    if lines:
        text = "\n".join(json.dumps(item, default=str) for item in items)
    else:
        text = json.dumps(draw(st.sampled_from([items, {"signals": items}])), default=str)
    tricks = ["", "1" * 5000, "[" * 100_000, '{"signals": [' + "1" * 5000 + "]}", "\x00",
              '{"value": 1e999}', "NaN", '[{"id": "\\ud800"}]']
    trick = draw(st.sampled_from(tricks))
    text = trick + text if draw(st.booleans()) else text + ("\n" if lines else "") + trick
    return text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


class _Undo(Exception):
    """Raised to roll an example's import back."""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def workspace(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """One workspace per database holding the example organisation, so references resolve."""
    url = database_url_of(request)
    opened = Workspace.open(make_settings(tmp_path_factory.mktemp("properties"), url))
    for kind, name in (("skills", "skills.yaml"), ("roles", "roles.yaml"),
                       ("people", "people.csv"), ("objectives", "objectives.yaml")):
        import_into(opened, kind=kind, path=EXAMPLES / name)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


def _imports_cleanly_or_names_the_place(workspace: Workspace, folder: Path, *, kind: str,
                                        name: str, data: bytes) -> None:
    path = folder / name
    path.write_bytes(data)
    try:
        with workspace.session() as session:
            organisation = workspace.organisation(session)
            import_file(session, organisation_id=organisation.id, kind=kind, path=path,
                        limits=ImportLimits(batch_size=500, listed_problems=50))
            raise _Undo
    except _Undo:
        return
    except InputError as error:
        assert str(error)
        if not error.problems:
            assert error.message.startswith(f"{name}: "), error.message
        for problem in error.problems:
            assert problem.file == name, problem
            assert problem.row is None or problem.row >= 1, problem
            assert problem.field is None or isinstance(problem.field, str), problem
            assert str(problem).startswith(f"{name}:"), problem


CSV_KINDS = [*CSV_COLUMNS]
YAML_KINDS = [*YAML_KEYS]
SUFFIXES = [(kind, "csv") for kind in CSV_KINDS] + [(kind, "yaml") for kind in YAML_KINDS] + [
    ("signals", "json"), ("signals", "jsonl"), ("sources", "md"), ("sources", "txt"),
    ("sources", "html")]


@pytest.mark.parametrize(("kind", "suffix"), SUFFIXES)
@PROPERTY
@given(data=st.binary(max_size=600))
def test_random_bytes_never_crash_an_import(workspace, folder, kind, suffix, data) -> None:
    _imports_cleanly_or_names_the_place(workspace, folder, kind=kind, name=f"{kind}.{suffix}",
                                        data=data)


@pytest.mark.parametrize("kind", CSV_KINDS)
@PROPERTY
@given(data=st.data())
def test_csv_of_awkward_cells_never_crashes_an_import(workspace, folder, kind, data) -> None:
    _imports_cleanly_or_names_the_place(workspace, folder, kind=kind, name=f"{kind}.csv",
                                        data=data.draw(csv_files(kind)))


@pytest.mark.parametrize("kind", CSV_KINDS)
@PROPERTY
@given(data=st.data())
def test_a_valid_csv_with_edge_cells_never_crashes_an_import(workspace, folder, kind,
                                                             data) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(data.draw(mutated_rows(kind)))
    _imports_cleanly_or_names_the_place(workspace, folder, kind=kind, name=f"{kind}.csv",
                                        data=buffer.getvalue().encode())


@pytest.mark.parametrize("kind", YAML_KINDS)
@PROPERTY
@given(data=st.data())
def test_yaml_of_any_shape_never_crashes_an_import(workspace, folder, kind, data) -> None:
    _imports_cleanly_or_names_the_place(workspace, folder, kind=kind, name=f"{kind}.yaml",
                                        data=data.draw(yaml_files(kind)))


@pytest.mark.parametrize("lines", [False, True], ids=["json", "jsonl"])
@PROPERTY
@given(data=st.data())
def test_json_of_any_shape_never_crashes_a_signals_import(workspace, folder, lines,
                                                          data) -> None:
    name = "signals.jsonl" if lines else "signals.json"
    _imports_cleanly_or_names_the_place(workspace, folder, kind="signals", name=name,
                                        data=data.draw(json_files(lines=lines)))


@pytest.mark.parametrize("suffix", ["md", "txt", "html"])
@PROPERTY
@given(text=st.text(max_size=400), encoding=st.sampled_from(ENCODINGS))
def test_any_text_never_crashes_a_sources_import(workspace, folder, suffix, text,
                                                 encoding) -> None:
    _imports_cleanly_or_names_the_place(workspace, folder, kind="sources",
                                        name=f"doc.{suffix}",
                                        data=text.encode(encoding, errors="replace"))
