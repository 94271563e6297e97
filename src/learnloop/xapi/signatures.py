"""Signed statements (xAPI Data 2.6): the signature attachment must be a well-formed JWS, with
an RS256/384/512 algorithm, whose payload is the statement as sent; 400 otherwise."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from learnloop.xapi.errors import BadXapiRequest

__all__ = ["SIGNATURE_USAGE", "check_signatures"]

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = frozenset({"RS256", "RS384", "RS512"})
# what the signer could not know or the LRS sets: left out when comparing the payload (Data 2.6)
_NOT_SIGNED = ("attachments", "authority", "stored", "version")


def _segment(text: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise BadXapiRequest(f"the statement's signature has a {what} that is not "
                             "base64url") from None


def _json_segment(text: str, what: str) -> Any:
    try:
        return json.loads(_segment(text, what))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadXapiRequest(f"the statement's signature has a {what} that is not JSON") from None


def _comparable(statement: dict[str, Any], *, keep_id: bool) -> dict[str, Any]:
    return {key: value for key, value in statement.items()
            if key not in _NOT_SIGNED and (keep_id or key != "id")}


def _check(statement: dict[str, Any], jws: bytes) -> None:
    try:
        pieces = jws.decode("ascii").strip().split(".")
    except UnicodeDecodeError:
        raise BadXapiRequest("the statement's signature is not a JWS (compact form)") from None
    if len(pieces) != 3 or not all(pieces):
        raise BadXapiRequest("the statement's signature is not a JWS (compact form: three "
                             "base64url parts)")
    header = _json_segment(pieces[0], "header")
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise BadXapiRequest("the statement's signature uses an algorithm other than "
                             "RS256, RS384 or RS512")
    _segment(pieces[2], "signature")
    payload = _json_segment(pieces[1], "payload")
    if not isinstance(payload, dict) or _comparable(payload, keep_id="id" in payload) != \
            _comparable(statement, keep_id="id" in payload):
        raise BadXapiRequest("the statement's signature is not of this statement (its payload "
                             "differs)")


def check_signatures(statements: list[Any], parts: dict[str, bytes]) -> None:
    """Each signature attachment (by usageType) checked against its part (sha2 → content)."""
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        for attachment in statement.get("attachments", ()):
            if attachment.get("usageType") != SIGNATURE_USAGE:
                continue
            if attachment.get("contentType") != "application/octet-stream":
                raise BadXapiRequest("a signature attachment's contentType is "
                                     "application/octet-stream")
            jws = parts.get(str(attachment.get("sha2", "")).lower())
            if jws is not None:
                _check(statement, jws)
