"""Plain text out of source documents: Markdown, text, HTML, PDF and DOCX.

Text is data only: nothing in a document is interpreted, so hostile instructions stay inert text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

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


def _html(path: Path) -> str:
    parser = _TextOfHtml()
    parser.feed(path.read_text(encoding="utf-8-sig"))
    parser.close()
    return _tidy("".join(parser.parts))


def _pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return _tidy("\n\n".join(page.extract_text() or "" for page in reader.pages))


def _docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return _tidy("\n".join(parts))


def extract_text(path: Path) -> str:
    """The document's text; raises ValueError with a reason a person can act on."""
    fmt = FORMATS.get(path.suffix.lower().lstrip("."))
    try:
        if fmt in ("md", "txt"):
            return path.read_text(encoding="utf-8-sig").strip()
        if fmt == "html":
            return _html(path)
        if fmt == "pdf":
            return _pdf(path)
        if fmt == "docx":
            return _docx(path)
    except UnicodeDecodeError as error:
        raise ValueError("the file is not UTF-8 text") from error
    except OSError:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf and python-docx raise many kinds on bad files
        raise ValueError(f"cannot read this {fmt} file: {error}") from error
    raise ValueError(f"unsupported file type {path.suffix!r}; use {', '.join(sorted(FORMATS))}")
