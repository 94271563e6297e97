"""The text of a .docx without unpacking it whole: the zip's members are checked first, then the
main document part is decompressed through a byte counter into a streaming XML parser.

The text matches python-docx's: body paragraphs, then each top-level table's rows as
`cell | cell`. python-docx is not used because it builds the whole XML tree (a 1 GiB part took
gigabytes); here only the current paragraph and table row are held.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from typing import IO

from lxml import etree

from learnloop.connectors.importers.hidden_text import word_run_hidden
from learnloop.connectors.importers.text_limits import DocumentTooLarge, TextBudget, size

__all__ = ["docx_text"]

MAIN_PART = "word/document.xml"
MAX_MEMBERS = 10_000  # a Word file holds tens of parts, a few hundred with many images
# deflate reaches about 1000:1 on repetitive input; real XML parts stay far below 200:1
MAX_RATIO = 200
RATIO_CHECKED_FROM = 10_000_000  # small parts may compress as they like
MAX_COLUMNS = 64  # Word's tables have at most 63; a cell spans no more
_CHUNK = 1 << 16
_RELATIONSHIPS = "_rels/.rels"
_MAX_RELATIONSHIPS_BYTES = 1_000_000
_OFFICE_DOCUMENT = "/officeDocument"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _R, _T, _HYPERLINK = f"{_W}p", f"{_W}r", f"{_W}t", f"{_W}hyperlink"
_BODY, _TBL, _TR, _TC = f"{_W}body", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_GRID_SPAN, _V_MERGE, _VAL = f"{_W}gridSpan", f"{_W}vMerge", f"{_W}val"
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_BR, _BR_TYPE = f"{_W}br", f"{_W}type"
# run properties that can hide a run's text from a reader
_RPR, _VANISH, _WEB_HIDDEN = f"{_W}rPr", f"{_W}vanish", f"{_W}webHidden"
_COLOR, _SIZE, _SHADING, _FILL = f"{_W}color", f"{_W}sz", f"{_W}shd", f"{_W}fill"
# no entity expansion (billion laughs), no network, no DTD, libxml2's size and depth limits kept
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False,
                   "huge_tree": False, "remove_comments": True, "remove_pis": True}


def docx_text(data: bytes, *, unpacked_bytes: int, budget: TextBudget) -> str:
    """Body paragraphs and top-level table rows, one per line; DocumentTooLarge past a limit,
    ValueError for a file that is not a Word document."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError("not a Word document (not a zip archive)") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise DocumentTooLarge(f"it holds {len(members):,} parts; a Word document holds at "
                                   f"most {MAX_MEMBERS:,}")
        if sum(member.file_size for member in members) > unpacked_bytes:
            raise DocumentTooLarge(f"it would unpack to more than {size(unpacked_bytes)}; at "
                                   f"most {size(unpacked_bytes)} is unpacked")
        name = _main_part(archive)
        try:
            member = archive.getinfo(name)
        except KeyError as error:
            raise ValueError(f"no {name} in it; is it a Word document?") from error
        if member.file_size > RATIO_CHECKED_FROM and \
                member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise DocumentTooLarge(
                f"{name} is compressed {member.file_size // max(member.compress_size, 1):,} to 1, "
                f"as zip bombs are; at most {MAX_RATIO} to 1 is unpacked")
        with archive.open(member) as stream:
            return _text(_Capped(stream, limit=unpacked_bytes, name=name), budget=budget)


def _main_part(archive: zipfile.ZipFile) -> str:
    """The part the package's relationships name as the document, else word/document.xml."""
    try:
        info = archive.getinfo(_RELATIONSHIPS)
    except KeyError:
        return MAIN_PART
    if info.file_size > _MAX_RELATIONSHIPS_BYTES:
        raise DocumentTooLarge(f"{_RELATIONSHIPS} would unpack to more than "
                               f"{size(_MAX_RELATIONSHIPS_BYTES)}")
    with archive.open(info) as stream:
        capped = _Capped(stream, limit=_MAX_RELATIONSHIPS_BYTES, name=_RELATIONSHIPS)
        for _event, element in etree.iterparse(capped, **_PARSER_OPTIONS):
            if element.get("Type", "").endswith(_OFFICE_DOCUMENT) and element.get("Target"):
                return posixpath.normpath(element.get("Target").lstrip("/"))
    return MAIN_PART


class _Capped:
    """A member's decompressed bytes, refused once more than `limit` have come out: the size the
    zip declares is a claim, this counts what the decompressor really yields."""

    def __init__(self, stream: IO[bytes], *, limit: int, name: str) -> None:
        self._stream = stream
        self._limit = limit
        self._name = name
        self._count = 0

    def read(self, wanted: int = -1) -> bytes:
        data = self._stream.read(min(wanted, _CHUNK) if wanted > 0 else _CHUNK)
        self._count += len(data)
        if self._count > self._limit:
            raise DocumentTooLarge(f"{self._name} unpacks to more than {size(self._limit)}; at "
                                   f"most {size(self._limit)} is unpacked")
        return data


class _Walk:
    """The state of one pass over the document: where the parser is and what text it kept."""

    def __init__(self, budget: TextBudget) -> None:
        self.budget = budget
        self.stack: list[str] = []
        self.paragraph: list[str] | None = None
        self.paragraph_in: str | None = None  # the tag holding the current paragraph
        self.tables = 0  # tables open around the parser
        self.paragraphs: list[str] = []  # body paragraphs
        self.rows: list[str] = []  # top-level table rows, written after the body paragraphs
        self.row: list[tuple[str, int, bool]] = []  # (text, grid span, continues the cell above)
        self.above: list[str] = []  # the previous row's text per grid column, for merged cells
        self.cell: list[str] | None = None
        self.span, self.continues = 1, False
        self.run: dict[str, object] = {}  # the current run's properties that may hide it

    def start(self, tag: str) -> None:
        parent = self.stack[-1] if self.stack else None
        self.stack.append(tag)
        if tag == _R:
            self.run = {}
        if tag == _P and self.paragraph is None:
            self.paragraph, self.paragraph_in = [], parent
        elif tag == _TBL:
            self.tables += 1
        elif tag == _TC and self.tables == 1:
            self.cell, self.span, self.continues = [], 1, False

    def end(self, element: etree._Element) -> None:
        tag = self.stack.pop()
        if self.stack[-2:] == [_R, _RPR]:
            self._run_property(tag, element)
        elif tag in _RUN_TEXT or tag in (_T, _BR):
            if self._in_run() and not self._run_hidden():
                # counted as it comes: one paragraph may be the whole document
                self.paragraph.append(self.budget.take(_run_text(tag, element)))  # type: ignore[union-attr]
        elif tag == _P and self.stack.count(_P) == 0 and self.paragraph is not None:
            text = "".join(self.paragraph)
            if self.paragraph_in == _BODY:
                self.paragraphs.append(text)
                self.budget.spend(1)  # the line end joining it to the next
            elif self.paragraph_in == _TC and self.tables == 1 and self.cell is not None:
                self.cell.append(text)
            self.paragraph = None
        elif tag == _GRID_SPAN and self.tables == 1 and self.stack[-2:-1] == [_TC]:
            value = element.get(_VAL, "1")
            self.span = min(max(int(value), 1), MAX_COLUMNS) if value.isdigit() and \
                len(value) < 4 else 1
        elif tag == _V_MERGE and self.tables == 1 and self.stack[-2:-1] == [_TC]:
            self.continues = element.get(_VAL, "continue") == "continue"
        elif tag == _TC and self.tables == 1 and self.cell is not None:
            text = "\n".join(self.cell)
            # its runs were counted; a span repeats it, and separators join it
            self.budget.spend((self.span - 1) * len(text) + 3 * self.span)
            self.row.append((text, self.span, self.continues))
            self.cell = None
        elif tag == _TR and self.tables == 1:
            self._end_row()
        elif tag == _TBL:
            self.tables -= 1
            if self.tables == 0:
                self.above = []

    def _run_property(self, tag: str, element: etree._Element) -> None:
        value = element.get(_VAL)
        if tag in (_VANISH, _WEB_HIDDEN):
            self.run["vanish"] = value not in ("0", "false", "off")
        elif tag == _COLOR:
            self.run["color"] = value
        elif tag == _SIZE and value and value.isdigit() and len(value) < 5:
            self.run["size"] = int(value)
        elif tag == _SHADING:
            self.run["shading"] = element.get(_FILL)

    def _run_hidden(self) -> bool:
        """Hidden, white or 1-pt text is not content (see hidden_text)."""
        run = self.run
        return bool(run) and word_run_hidden(
            vanish=bool(run.get("vanish")), color=run.get("color"),  # type: ignore[arg-type]
            size_half_points=run.get("size"), shading=run.get("shading"))  # type: ignore[arg-type]

    def _in_run(self) -> bool:
        """A run's text counts when the run sits in the paragraph itself or in its hyperlink,
        as python-docx reads it (tracked changes and content controls are left out)."""
        stack = self.stack
        return self.paragraph is not None and len(stack) >= 2 and stack[-1] == _R and (
            stack[-2] == _P or (len(stack) >= 3 and stack[-2] == _HYPERLINK and stack[-3] == _P)
        ) and stack.count(_P) == 1  # not a text box's paragraph inside this one

    def _end_row(self) -> None:
        texts: list[str] = []
        for text, span, continues in self.row:
            column = len(texts)
            if continues and column < len(self.above):  # the cell above, repeated here
                texts.extend([self.budget.take(self.above[column])] * span)
                self.budget.spend((span - 1) * len(self.above[column]))
            else:
                texts.extend([text] * span)
        self.above = texts
        self.rows.append(" | ".join(texts))
        self.row = []


def _run_text(tag: str, element: etree._Element) -> str:
    if tag == _T:
        return element.text or ""
    if tag == _BR:  # a line break; page and column breaks are no text
        return "\n" if element.get(_BR_TYPE, "textWrapping") == "textWrapping" else ""
    return _RUN_TEXT[tag]


def _text(stream: IO[bytes], *, budget: TextBudget) -> str:
    walk = _Walk(budget)
    events = etree.iterparse(stream, events=("start", "end"), **_PARSER_OPTIONS)
    checked = False
    for event, element in events:
        if not checked:
            if element.getroottree().docinfo.internalDTD is not None:
                raise ValueError("its document part declares a DTD, which Word never writes "
                                 "(entity expansion is refused)")
            checked = True
        if event == "start":
            walk.start(element.tag)
            continue
        walk.end(element)
        # the tree is never needed whole: drop what has been read
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return "\n".join(walk.paragraphs + walk.rows)
