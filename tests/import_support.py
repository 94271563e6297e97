"""Tests import files as the CLI does: one transaction per import, committed by the caller."""

from __future__ import annotations

from typing import Any

from learnloop.importing import ImportLimits, ImportResult, import_file
from learnloop.workspace import Workspace


def import_into(workspace: Workspace, *, organisation_key: str | None = None,
                **arguments: Any) -> ImportResult:
    """`import_file` in a transaction of its own, with the workspace's limits."""
    with workspace.session() as session:
        organisation = workspace.organisation(session, organisation_key)
        return import_file(session, organisation_id=organisation.id,
                           limits=ImportLimits.from_settings(workspace.settings), **arguments)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF holding `objects` as objects 1, 2, ... (1 the catalog), with its cross-reference
    table: enough for pypdf to read, written by hand."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
