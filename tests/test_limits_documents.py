"""Source documents within limits: a zip bomb of a .docx, a pdf bomb and an oversized html page
are refused early with a problem naming the limit, in memory bounded by the limits, not the file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import make_settings
from import_support import import_into, pdf_file
from learnloop.connectors.importers.text_extraction import (
    DocumentTooLarge,
    TextLimits,
    extract_text,
)
from learnloop.errors import InputError
from learnloop.workspace import Workspace

MB = 1_000_000
GIB = 1 << 30
MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PARAGRAPH = b"<w:p><w:r><w:t>Escalate refunds above 500 EUR. </w:t></w:r></w:p>"
_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
         '</Relationships>')
_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.wordprocessingml.document.main+xml"/></Types>')


def _docx(path: Path, *, body: bytes = b"", repeat: bytes = b"", size: int = 0,
          prolog: bytes = b"") -> Path:
    """A Word file whose document.xml holds `body`, then `repeat` until `size` bytes, written
    in chunks through zipfile's streaming writer (deflate makes a gibibyte a few MB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(prolog + f'<w:document xmlns:w="{MAIN}"><w:body>'.encode() + body)
            if repeat:
                chunk = repeat * ((1 << 20) // len(repeat))
                for _ in range(size // len(chunk)):
                    member.write(chunk)
            member.write(b"</w:body></w:document>")
    return path


def _pdf(*, pages: int, stream_bytes: int) -> bytes:
    """A PDF whose pages all draw one FlateDecode content stream of `stream_bytes` (mostly
    spaces): tiny on disk, huge once unpacked."""
    compressor = zlib.compressobj(9)
    blank = b" " * (1 << 20)
    stream = compressor.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n") + b"".join(
        compressor.compress(blank) for _ in range(stream_bytes // len(blank))) + compressor.flush()
    kids = b" ".join(b"%d 0 R" % (4 + page) for page in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream +
               b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + pages)] * pages
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_file(objects)


# imports one file in a fresh process and prints its problems and its peak memory (MB)
_IMPORT_AND_MEASURE = textwrap.dedent("""
    import re, sys
    from pathlib import Path
    from learnloop.config import Settings
    from learnloop.errors import InputError
    from learnloop.importing import ImportLimits, import_file
    from learnloop.workspace import Workspace

    workspace = Workspace.open(Settings(home=Path(sys.argv[1])))
    try:
        with workspace.session() as session:
            import_file(session, organisation_id=workspace.organisation(session).id,
                        kind="sources", path=Path(sys.argv[2]),
                        limits=ImportLimits.from_settings(workspace.settings))
        print("imported")
    except InputError as error:
        print("\\n".join(str(problem) for problem in error.problems))
    # this process image's high-water mark (ru_maxrss would count the forked test runner too)
    status = Path("/proc/self/status").read_text()
    print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
""")


def _import_in_a_process(home: Path, document: Path) -> tuple[list[str], int]:
    done = subprocess.run([sys.executable, "-c", _IMPORT_AND_MEASURE, str(home), str(document)],
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    *problems, peak = done.stdout.strip().splitlines()
    return problems, int(peak)


def test_a_docx_holding_a_gibibyte_is_refused_in_bounded_memory(tmp_path) -> None:
    bomb = _docx(tmp_path / "handbook.docx", repeat=PARAGRAPH, size=GIB)
    assert bomb.stat().st_size < 8 * MB
    problems, peak_mb = _import_in_a_process(tmp_path / "home", bomb)
    assert problems == ["handbook.docx: handbook.docx: it would unpack to more than 200 MB; at "
                        "most 200 MB is unpacked"]
    assert peak_mb < 300  # python-docx took it whole: 11.7 GB before it gave up


def test_a_docx_is_read_as_a_stream_within_the_text_limit(tmp_path) -> None:
    numbered = b"".join(b"<w:p><w:r><w:t>Step %d: escalate refunds.</w:t></w:r></w:p>" % n
                        for n in range(100_000))
    document = _docx(tmp_path / "steps.docx", body=numbered)
    with pytest.raises(DocumentTooLarge, match="longer than 1,000,000 characters"):
        extract_text(document.read_bytes(), suffix=".docx", limits=TextLimits(text_chars=MB))
    with pytest.raises(DocumentTooLarge, match="unpack to more than 5 MB"):
        extract_text(document.read_bytes(), suffix=".docx",
                     limits=TextLimits(unpacked_bytes=5 * MB))
    assert extract_text(document.read_bytes(), suffix=".docx").count("\n") == 99_999


def test_a_docx_as_compressed_as_a_zip_bomb_is_refused_unread(tmp_path) -> None:
    bomb = _docx(tmp_path / "bomb.docx", repeat=PARAGRAPH, size=50 * MB)
    with pytest.raises(DocumentTooLarge, match="compressed .* to 1, as zip bombs are"):
        extract_text(bomb.read_bytes(), suffix=".docx")


def test_a_docx_declaring_entities_is_refused(tmp_path) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
    document = _docx(tmp_path / "laughs.docx", prolog=laughs,
                     body=b"<w:p><w:r><w:t>&lol3;</w:t></w:r></w:p>")
    with pytest.raises(ValueError, match="declares a DTD"):
        extract_text(document.read_bytes(), suffix=".docx")


def test_docx_text_is_what_python_docx_reads(tmp_path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Escalate refunds above 500 EUR.")
    run = document.add_paragraph("Call ").add_run("the desk\tnow")
    run.add_break()
    run.add_text("or write.")
    table = document.add_table(rows=3, cols=3)
    for row in range(3):
        for column in range(3):
            table.cell(row, column).text = f"r{row}c{column}"
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(1, 2).merge(table.cell(2, 2))
    table.cell(1, 0).add_paragraph("second line")
    document.add_paragraph("After the table.")
    path = tmp_path / "procedure.docx"
    document.save(str(path))
    parts = [paragraph.text for paragraph in docx.Document(str(path)).paragraphs]
    parts += [" | ".join(cell.text for cell in row.cells)
              for row in docx.Document(str(path)).tables[0].rows]
    # python-docx's own reading, tidied as extraction tidies every format
    expected = "\n".join(" ".join(line.replace("\t", " ").split())
                         for line in "\n".join(parts).splitlines())
    assert extract_text(path.read_bytes(), suffix=".docx") == expected


def test_a_pdf_bomb_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="a compressed stream in it unpacks to more than 50 MB"):
        extract_text(_pdf(pages=1, stream_bytes=GIB), suffix=".pdf")


def test_pdf_pages_sharing_one_big_stream_count_against_one_budget(tmp_path) -> None:
    shared = _pdf(pages=20, stream_bytes=2 * MB)
    with pytest.raises(DocumentTooLarge, match="its pages unpack to more than 10 MB"):
        extract_text(shared, suffix=".pdf", limits=TextLimits(unpacked_bytes=40 * MB))
    with pytest.raises(DocumentTooLarge, match="it has 20 pages; at most 5"):
        extract_text(shared, suffix=".pdf", limits=TextLimits(pdf_pages=5))


@pytest.fixture
def small_sources(tmp_path: Path):
    workspace = Workspace.open(make_settings(tmp_path, max_source_bytes=20_000,
                                             max_source_text_chars=1_000))
    yield workspace
    workspace.close()


def test_an_html_page_past_the_size_limit_is_refused_unread(small_sources, tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>" + "Returns within 30 days. " * 2000 + "</p>")
    with pytest.raises(InputError) as caught:
        import_into(small_sources, kind="sources", path=page)
    assert [str(problem) for problem in caught.value.problems] == [
        "page.html: page.html: it is 48 KB; at most 20 KB is read from one document "
        "(LEARNLOOP_MAX_SOURCE_BYTES)"]


def test_an_html_page_with_too_much_text_is_refused(small_sources, tmp_path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "page.html").write_text("<p>" + "Returns within 30 days.\r\n" * 100 + "</p>")
    (folder / "short.html").write_text("<h1>Returns</h1><p>Within 30 days.</p>")
    with pytest.raises(InputError) as caught:
        import_into(small_sources, kind="sources", path=folder)
    assert [str(problem) for problem in caught.value.problems] == [
        "sources:page.html: page.html: its text is longer than 1,000 characters; at most 1,000 "
        "are taken from one document (LEARNLOOP_MAX_SOURCE_TEXT_CHARS)"]


def test_html_read_in_chunks_keeps_windows_line_ends_whole() -> None:
    page = b"<pre>" + b"line\r\n" * 30_000 + b"</pre>"
    assert extract_text(page, suffix=".html") == "\n".join(["line"] * 30_000)
