"""Signed statements (xAPI Data 2.6): regression tests for what the ADL conformance suite
refused to accept (XAPI-00115, XAPI-00116, XAPI-00117): malformed JWS, wrong content type,
another algorithm, a payload that is not the statement."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from learnloop.xapi.errors import BadXapiRequest
from learnloop.xapi.signatures import SIGNATURE_USAGE, check_signatures

STATEMENT = {"actor": {"mbox": "mailto:a@example.com"},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
             "object": {"id": "https://learnloop.example/activities/1"}}


def _b64(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _jws(payload: object, alg: str = "RS256") -> bytes:
    return f"{_b64({'alg': alg})}.{_b64(payload)}.c2lnbmF0dXJl".encode()


def _signed(jws: bytes, content_type: str = "application/octet-stream") -> tuple[dict, dict]:
    sha2 = hashlib.sha256(jws).hexdigest()
    statement = {**STATEMENT, "attachments": [{
        "usageType": SIGNATURE_USAGE, "display": {"en-US": "signature"},
        "contentType": content_type, "length": len(jws), "sha2": sha2}]}
    return statement, {sha2: jws}


def test_a_well_formed_signature_of_the_statement_is_accepted() -> None:
    statement, parts = _signed(_jws(STATEMENT))
    check_signatures([statement], parts)


@pytest.mark.parametrize(("jws", "content_type", "says"), [
    (_jws(STATEMENT), "text/plain", "application/octet-stream"),
    (b"not a jws", "application/octet-stream", "compact form"),
    (_jws(STATEMENT, alg="HS256"), "application/octet-stream", "algorithm"),
    (_jws({**STATEMENT, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}),
     "application/octet-stream", "payload differs"),
])
def test_a_malformed_signature_is_refused(jws: bytes, content_type: str, says: str) -> None:
    statement, parts = _signed(jws, content_type)
    with pytest.raises(BadXapiRequest, match=says):
        check_signatures([statement], parts)
