"""Source documents (policies, product sheets, SME transcripts) that content is grounded in.

A document keeps every version; the content hash tells a real change from a re-import.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["SourceDocument", "SourceKind", "content_hash"]


class SourceKind(StrEnum):
    POLICY = "policy"
    PRODUCT = "product"
    TRANSCRIPT = "transcript"
    PROCEDURE = "procedure"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SourceDocument:
    key: str
    title: str
    kind: SourceKind
    format: str  # md, txt, html, pdf, docx
    text: str
    owner: str | None = None

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


def content_hash(text: str) -> str:
    """sha256 of the extracted text, so a re-saved file with the same words is not a new version."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
