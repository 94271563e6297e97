"""Plain text out of source documents: Markdown, text, HTML, PDF and DOCX, within `TextLimits`.

Text is data only: nothing in a document is interpreted, so hostile instructions stay inert text;
text a reader cannot see (comments, hidden, white or tiny text) is not content and is dropped
(hidden_text.py).
Extraction streams and counts, refusing a document at the first limit it passes (memory follows
the limits, not the document); see docs/security.md, "Upload limits".
"""

from __future__ import annotations

import codecs
import io
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from learnloop.connectors.importers.docx_text import docx_text
from learnloop.connectors.importers.hidden_text import hidden_classes, hides, strip_hidden_markup
from learnloop.connectors.importers.text_limits import (
    DocumentTooLarge,
    TextBudget,
    TextLimits,
    size,
)

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["FORMATS", "DocumentTooLarge", "TextLimits", "extract_text", "too_many_bytes"]

# suffix → stored format name
FORMATS = {"md": "md", "markdown": "md", "txt": "txt", "html": "html", "htm": "html",
           "pdf": "pdf", "docx": "docx"}
_HTML_CHUNK = 1 << 16
# pypdf parses page contents at some 10 MB a second: PDFs get a quarter of the unpacking budget
# (a text PDF's pages hold kilobytes each), which also caps every single stream pypdf decodes
_PDF_SHARE = 4


class _TextOfHtml(HTMLParser):
    """Visible text only: comments, scripts and elements a reader cannot see are left out."""

    _SKIPPED = {"script", "style", "template", "noscript"}
    _BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "header", "footer", "table", "ul", "ol", "pre", "blockquote"}
    _VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}

    def __init__(self, budget: TextBudget) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._budget = budget
        self._skipping = 0
        self._hidden: list[list] = []  # [tag, depth] of each open hidden element
        self._style: list[str] = []
        self._classes: frozenset[str] = frozenset()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self._hidden and tag == self._hidden[-1][0]:
            self._hidden[-1][1] += 1
        elif tag not in self._VOID and hides(tag, attrs, classes=self._classes):
            self._hidden.append([tag, 1])
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append(self._budget.take("\n"))

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and tag == self._hidden[-1][0]:
            self._hidden[-1][1] -= 1
            if self._hidden[-1][1] == 0:
                self._hidden.pop()
        if tag == "style" and self._style:
            # a style sheet may hide classes of the elements that follow it
            self._classes = self._classes | hidden_classes("".join(self._style))
            self._style = []
        if tag in self._SKIPPED:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in self._BLOCKS:
            self.parts.append(self._budget.take("\n"))

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style" and self._skipping:
            self._style.append(data)
        if not self._skipping and not self._hidden:
            self.parts.append(self._budget.take(data))


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text(data: bytes) -> str:
    """UTF-8 without a byte-order mark, line ends made \\n as reading a text file makes them."""
    return _newlines(data.decode("utf-8-sig"))


def _html(data: bytes, budget: TextBudget) -> str:
    """Fed in chunks, so a page past the text limit stops where it passes it."""
    parser = _TextOfHtml(budget)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    held = ""  # a chunk's last \r waits: the next chunk may start with its \n
    for start in range(0, len(data), _HTML_CHUNK):
        chunk = held + decoder.decode(data[start:start + _HTML_CHUNK])
        chunk, held = (chunk[:-1], "\r") if chunk.endswith("\r") else (chunk, "")
        parser.feed(_newlines(chunk))
    parser.feed(_newlines(held + decoder.decode(b"", final=True)))
    parser.close()
    return _tidy("".join(parser.parts))


def _pdf(data: bytes, limits: TextLimits, budget: TextBudget) -> str:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    contents_bytes = limits.unpacked_bytes // _PDF_SHARE
    caps = {name: contents_bytes for name in (
        "maximum_declared_stream_length", "array_based_stream_maximum_output_length",
        "jbig2_maximum_output_length", "lzw_maximum_output_length",
        "run_length_maximum_output_length", "zlib_maximum_output_length",
        "brotli_maximum_output_length", "image_maximum_buffer_size",
        "stream_decoding_work_maximum_length")}
    try:
        with apply_configuration(**caps):
            return _pdf_pages(PdfReader(io.BytesIO(data)), limits, budget,
                              contents_bytes=contents_bytes)
    except LimitReachedError as error:  # pypdf's guard against decompression bombs
        raise DocumentTooLarge(
            f"a compressed stream in it unpacks to more than {size(contents_bytes)}; at most "
            f"{size(contents_bytes)} is unpacked from one stream") from error


def _pdf_pages(reader: PdfReader, limits: TextLimits, budget: TextBudget, *,
               contents_bytes: int) -> str:
    """Every page's text, refused past the page count or the page contents' total size."""
    if len(reader.pages) > limits.pdf_pages:
        raise DocumentTooLarge(f"it has {len(reader.pages):,} pages; at most "
                               f"{limits.pdf_pages:,} are read from one document")
    pages, unpacked = [], 0
    for page in reader.pages:
        # pages may share one huge stream: the total, not each stream, bounds the work
        contents = page.get_contents()
        unpacked += len(contents.get_data()) if contents is not None else 0
        if unpacked > contents_bytes:
            raise DocumentTooLarge(
                f"its pages unpack to more than {size(contents_bytes)}; at most "
                f"{size(contents_bytes)} of page contents is read from one PDF")
        pages.append(budget.take(page.extract_text() or ""))
        # decoded streams are cached on the reader's objects: let each page's go
        reader.resolved_objects.clear()
    return _tidy("\n\n".join(pages))


def extract_text(data: bytes, *, suffix: str, limits: TextLimits | None = None) -> str:
    """The text of a document's bytes, its format told by its file's `suffix`; raises ValueError
    with a reason a person can act on (DocumentTooLarge when it passes one of `limits`)."""
    limits = limits or TextLimits()
    fmt = FORMATS.get(suffix.lower().lstrip("."))
    if fmt is None:
        raise ValueError(f"unsupported file type {suffix!r}; use {', '.join(sorted(FORMATS))}")
    if len(data) > limits.document_bytes:
        raise too_many_bytes(len(data), limits)
    budget = TextBudget(limits.text_chars)
    try:
        if fmt == "md":
            # Markdown may carry HTML: its comments and hidden elements are no content
            text = budget.check(strip_hidden_markup(_text(data)).strip())
        elif fmt == "txt":
            text = budget.check(_text(data).strip())
        elif fmt == "html":
            text = _html(data, budget)
        elif fmt == "pdf":
            text = _pdf(data, limits, budget)
        else:
            text = _tidy(docx_text(data, unpacked_bytes=limits.unpacked_bytes, budget=budget))
    except DocumentTooLarge:
        raise
    except UnicodeDecodeError as error:
        raise ValueError("the file is not UTF-8 text") from error
    except Exception as error:  # noqa: BLE001 - pypdf and lxml raise many kinds on bad files
        raise ValueError(f"cannot read this {fmt} file: {_reason(error)}") from error
    if "\x00" in text:  # no database text holds one (PostgreSQL refuses it)
        raise ValueError("it holds NUL characters, so it is not a text document")
    return text


def too_many_bytes(count: int, limits: TextLimits) -> DocumentTooLarge:
    """The refusal of a document of `count` bytes, before any of it is read."""
    return DocumentTooLarge(f"it is {size(count)}; at most {size(limits.document_bytes)} is read "
                            "from one document (LEARNLOOP_MAX_SOURCE_BYTES)")


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__
