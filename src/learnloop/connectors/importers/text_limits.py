"""How much text one source document may hold, and the refusal when it holds more.

Extraction counts as it goes and stops at the first limit passed, so memory follows the limits,
not the document.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DocumentTooLarge", "TextBudget", "TextLimits", "size"]


@dataclass(frozen=True, slots=True)
class TextLimits:
    """Bytes on disk, characters of text, bytes once unpacked (docx parts, pdf streams), pages."""

    document_bytes: int = 50_000_000
    text_chars: int = 5_000_000
    unpacked_bytes: int = 200_000_000
    pdf_pages: int = 5_000


class DocumentTooLarge(ValueError):
    """A document past one of its limits; the message says which and what is allowed."""


def size(count: int) -> str:
    """Bytes in the unit a person reads them in: 200 MB, 64 KB, 512 bytes."""
    for unit, scale in (("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000)):
        if count >= scale:
            amount = count / scale
            return f"{amount:.3g} {unit}" if amount < 1000 else f"{amount:,.0f} {unit}"
    return f"{count:,} bytes"


class TextBudget:
    """Counts a document's text as it is extracted and refuses the part that takes it past
    `limit` characters."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._chars = 0

    def take(self, part: str) -> str:
        """`part` itself, counted."""
        self.spend(len(part))
        return part

    def spend(self, chars: int) -> None:
        self._chars += chars
        if self._chars > self.limit:
            raise self._refusal()

    def check(self, text: str) -> str:
        """`text` itself, once it is known to be within the limit."""
        if len(text) > self.limit:
            raise self._refusal()
        return text

    def _refusal(self) -> DocumentTooLarge:
        return DocumentTooLarge(
            f"its text is longer than {self.limit:,} characters; at most {self.limit:,} are taken "
            "from one document (LEARNLOOP_MAX_SOURCE_TEXT_CHARS)")
