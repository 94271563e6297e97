"""Schemathesis over the whole API, on SQLite and on PostgreSQL, as an admin of a small
organisation: for every operation,
generated requests (the schema's boundaries and beyond, then random valid ones) get no 5xx, only
documented status codes, and answers in their documented schema and content type.

Bounded (a score of random examples per operation on top of the boundary cases) so the whole run
stays within about a minute on a small CI machine. Schemathesis reads the OpenAPI document when
this module is collected, so the organisation's workspace is made then, in a temporary folder.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api_support import bearer, build_org, private_workspace, secret_for
from database_support import IN_CI, drop_postgres, fresh_postgres
from learnloop.serving.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]

_FOLDER = Path(tempfile.mkdtemp(prefix="learnloop-schemathesis-"))
WORKSPACE = private_workspace(_FOLDER / "home")
build_org(WORKSPACE)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(WORKSPACE))

_PG_URL, _PG_NAME = fresh_postgres()
PG_WORKSPACE = None
if _PG_URL is not None:
    PG_WORKSPACE = private_workspace(_FOLDER / "home-postgresql", _PG_URL)
    build_org(PG_WORKSPACE)
pg_schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(PG_WORKSPACE or WORKSPACE))


@atexit.register  # also when this module's tests were deselected
def _remove_the_workspaces() -> None:
    WORKSPACE.close()
    if PG_WORKSPACE is not None:
        PG_WORKSPACE.close()
        drop_postgres(_PG_NAME)
    shutil.rmtree(_FOLDER, ignore_errors=True)


BOUNDED = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_its_documented_promises(case) -> None:
    # a fresh admin token for each request: a generated DELETE /api/tokens/{id} may revoke one
    case.call_and_validate(headers=bearer(secret_for(WORKSPACE, "admin")), checks=CHECKS)


@pg_schema.parametrize()
@BOUNDED
def test_the_api_keeps_its_documented_promises_on_postgresql(case) -> None:
    if PG_WORKSPACE is None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {_PG_NAME}")
        pytest.skip(_PG_NAME)
    case.call_and_validate(headers=bearer(secret_for(PG_WORKSPACE, "admin")), checks=CHECKS)
