"""Statements with attachment content: reading a `multipart/mixed` request (the statements,
then one part per attachment, named by its SHA-256 in `X-Experience-API-Hash`) and writing
one for a GET with `attachments=true`. Pure functions over bytes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from learnloop.xapi.errors import BadXapiRequest

__all__ = ["Attachment", "boundary_of", "multipart_body", "read_multipart",
           "unsent_attachments"]

_HASH_HEADER = "x-experience-api-hash"


@dataclass(frozen=True, slots=True)
class Attachment:
    sha2: str
    content_type: str
    content: bytes


def boundary_of(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"')
    raise BadXapiRequest("a multipart/mixed request needs a boundary")


def _headers(block: bytes) -> dict[str, str]:
    found = {}
    for line in block.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip():
            found[name.strip().lower()] = value.strip()
    return found


def read_multipart(body: bytes, *, boundary: str) -> tuple[bytes, list[Attachment]]:
    """The statements part (JSON bytes) and the attachments, each checked against its hash."""
    delimiter = b"--" + boundary.encode("latin-1")
    pieces = body.split(delimiter)
    parts = []
    for piece in pieces[1:]:
        if piece.startswith(b"--"):
            break
        piece = piece.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, separator, content = piece.partition(b"\r\n\r\n")
        if not separator:
            raise BadXapiRequest("a multipart part has no blank line after its headers")
        parts.append((_headers(head), content))
    if not parts:
        raise BadXapiRequest("the multipart/mixed body has no parts")
    first_headers, statements = parts[0]
    if not first_headers.get("content-type", "").lower().startswith("application/json"):
        raise BadXapiRequest("the first part of a multipart/mixed request is the statements, "
                             "as application/json")
    attachments = []
    for headers, content in parts[1:]:
        if headers.get("content-transfer-encoding", "").lower() != "binary":
            # Data 2.4.11: every attachment part says Content-Transfer-Encoding: binary
            raise BadXapiRequest("each attachment part needs Content-Transfer-Encoding: binary")
        sha2 = headers.get(_HASH_HEADER)
        if not sha2:
            raise BadXapiRequest("each attachment part needs X-Experience-API-Hash")
        if hashlib.sha256(content).hexdigest() != sha2.lower():
            raise BadXapiRequest(f"the attachment part {sha2} does not match its hash")
        attachments.append(Attachment(sha2=sha2.lower(), content_type=headers.get(
            "content-type", "application/octet-stream"), content=content))
    return statements, attachments


def unsent_attachments(statements: list[dict[str, Any]], sent: list[Attachment]) -> None:
    """BadXapiRequest unless every attachment without a fileUrl came as a part and every part
    belongs to an attachment of the statements."""
    declared = {item["sha2"].lower(): item for statement in statements
                for item in statement.get("attachments", ())}
    given = {item.sha2 for item in sent}
    missing = sorted(sha2 for sha2, item in declared.items()
                     if "fileUrl" not in item and sha2 not in given)
    if missing:
        raise BadXapiRequest(f"attachment {missing[0]} has no fileUrl and no part with its "
                             "content")
    extra = sorted(given - set(declared))
    if extra:
        raise BadXapiRequest(f"the part {extra[0]} belongs to no attachment of the statements")


def multipart_body(statements_json: bytes, attachments: list[Attachment]) -> tuple[bytes, str]:
    """A multipart/mixed answer: the statements, then each attachment; (body, content type)."""
    boundary = secrets.token_hex(16)
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
              statements_json, b"\r\n"]
    for item in attachments:
        chunks += [f"--{boundary}\r\nContent-Type: {item.content_type}\r\n"
                   f"Content-Transfer-Encoding: binary\r\n"
                   f"X-Experience-API-Hash: {item.sha2}\r\n\r\n".encode(), item.content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
