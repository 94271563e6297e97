"""Plain text out of source documents: Markdown, text, HTML, PDF and DOCX.

Text is data only: nothing in a document is interpreted, so hostile instructions stay inert text.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

__all__ = ["FORMATS", "extract_text"]

# suffix → stored format name
FORMATS = {"md": "md", "markdown": "md", "txt": "txt", "html": "html", "htm": "html",
           "pdf": "pdf", "docx": "docx"}


class _TextOfHtml(HTMLParser):
    _SKIPPED = {"script", "style", "template", "noscript"}
    _BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "header", "footer", "table", "ul", "ol", "pre", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _text(data: bytes) -> str:
    """UTF-8 without a byte-order mark, line ends made \\n as reading a text file makes them."""
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def _html(data: bytes) -> str:
    parser = _TextOfHtml()
    parser.feed(_text(data))
    parser.close()
    return _tidy("".join(parser.parts))


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return _tidy("\n\n".join(page.extract_text() or "" for page in reader.pages))


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return _tidy("\n".join(parts))


def extract_text(data: bytes, *, suffix: str) -> str:
    """The text of a document's bytes, its format told by its file's `suffix`; raises ValueError
    with a reason a person can act on."""
    fmt = FORMATS.get(suffix.lower().lstrip("."))
    if fmt is None:
        raise ValueError(f"unsupported file type {suffix!r}; use {', '.join(sorted(FORMATS))}")
    try:
        if fmt in ("md", "txt"):
            return _text(data).strip()
        if fmt == "html":
            return _html(data)
        if fmt == "pdf":
            return _pdf(data)
        return _docx(data)
    except UnicodeDecodeError as error:
        raise ValueError("the file is not UTF-8 text") from error
    except Exception as error:  # noqa: BLE001 - pypdf and python-docx raise many kinds on bad files
        raise ValueError(f"cannot read this {fmt} file: {error}") from error
