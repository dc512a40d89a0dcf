"""loaders.read on files of every suffix: random bytes, and valid files with bytes flipped or cut off.

loaders.read either returns a Document or raises LoadError (FormatError is one) whose message is one
line naming the file; nothing else escapes, and each read finishes under the time bound. Random bytes
rarely get past a format's magic number, so most examples here start from a real file of the format
(a seed rendered as .docx, .pdf or .html) and damage it: that is what reaches the zip, XML, PDFium and
lxml code paths.
"""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability_kit import CALL_LIMIT, FUZZ_FILES, SEED_TEXTS, bounded, one_line, record

import loaders
from loaders import LoadError
from loaders.formats import FormatError, extract_text

TEXT_SUFFIXES = (".txt", ".md", ".text")
FORMAT_SUFFIXES = (".docx", ".pdf", ".html", ".htm")
_LINES = SEED_TEXTS[sorted(SEED_TEXTS)[-1]].splitlines()[:40]


def docx_bytes(lines: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(line)}</w:t></w:r></w:p>" for line in lines)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


@functools.cache
def pdf_bytes() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont("STSong-Light", 10)
    y = 800
    for line in _LINES[:30]:
        pdf.drawString(40, y, line[:50])
        y -= 14
    pdf.save()
    return buffer.getvalue()


def html_bytes(lines: list[str]) -> bytes:
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    page = (
        '<html><head><meta charset="utf-8"><title>方案_政府网</title><script>var x = "<p>不是正文</p>";</script>'
        f"</head><body><div class=nav>首页</div><div class=article><h1>方案</h1>{paragraphs}</div></body></html>"
    )
    return page.encode("utf-8")


def valid_file(suffix: str) -> bytes:
    if suffix == ".docx":
        return docx_bytes(_LINES)
    if suffix == ".pdf":
        return pdf_bytes()
    if suffix in (".html", ".htm"):
        return html_bytes(_LINES)
    return "\n".join(_LINES).encode(("utf-8", "gb18030", "utf-16")[TEXT_SUFFIXES.index(suffix)])


@st.composite
def damaged(draw: st.DrawFn, suffix: str) -> bytes:
    data = bytearray(valid_file(suffix))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["flip", "cut", "zero", "insert"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at:]
        elif op == "zero":
            data[at : at + draw(st.integers(1, 64))] = bytes(draw(st.integers(1, 64)))
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
    return bytes(data)


ALL_SUFFIXES = TEXT_SUFFIXES + FORMAT_SUFFIXES
file_cases = st.sampled_from(ALL_SUFFIXES).flatmap(
    lambda suffix: st.tuples(st.just(suffix), st.one_of(st.binary(max_size=3000), damaged(suffix)))
)


def read_checked(data: bytes, suffix: str, family: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"plan{suffix}"
        path.write_bytes(data)
        try:
            with bounded(CALL_LIMIT, f"loaders.read on a {len(data)}-byte {suffix} file"):
                doc = loaders.read(path)
        except LoadError as err:
            message = str(err)
            assert one_line(message), message
            assert str(path) in message, f"the message does not name the file: {message}"
            record("fuzz", f"{family} as {suffix} → loaders.read", "LoadError, one line naming the file")
        else:
            assert doc.source == str(path)
            record("fuzz", f"{family} as {suffix} → loaders.read", "read as a Document")
        if suffix in FORMAT_SUFFIXES:
            try:
                with bounded(CALL_LIMIT, f"extract_text on a {len(data)}-byte {suffix} file"):
                    extract_text(path)
            except FormatError as err:
                assert one_line(str(err)), str(err)


@FUZZ_FILES
@given(file_cases)
def test_random_and_damaged_files_of_every_suffix_read_or_refuse_in_one_line(case: tuple[str, bytes]) -> None:
    suffix, data = case
    read_checked(data, suffix, "random or damaged bytes")


def test_the_undamaged_files_read_as_documents() -> None:
    # The starting points are real files: without this the test above could pass on refusals alone.
    for suffix in ALL_SUFFIXES:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"plan{suffix}"
            path.write_bytes(valid_file(suffix))
            doc = loaders.read(path)
            assert doc.measures or doc.reports or doc.title, suffix


def _corrupt_member(data: bytes, name: str) -> bytes:
    """The archive with the deflate stream of one member made invalid (block type 11), CRC untouched."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    header = info.header_offset
    name_len, extra_len = int.from_bytes(data[header + 26 : header + 28], "little"), int.from_bytes(
        data[header + 28 : header + 30], "little"
    )
    start = header + 30 + name_len + extra_len
    return data[:start] + b"\x07" + data[start + 1 :]


def test_a_docx_with_a_corrupt_deflate_stream_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(_corrupt_member(docx_bytes(_LINES), "word/document.xml"))
    with pytest.raises(LoadError) as caught:
        loaders.read(path)
    assert one_line(str(caught.value)) and str(path) in str(caught.value)


def test_a_docx_with_a_corrupt_relationships_part_is_still_read(tmp_path: Path) -> None:
    # Only the pointer to the main part is damaged; the text is intact under the name Word always uses,
    # so the reader falls back to it: nothing is lost.
    path = tmp_path / "plan.docx"
    path.write_bytes(_corrupt_member(docx_bytes(_LINES), "_rels/.rels"))
    doc = loaders.read(path)
    assert doc.measures or doc.reports


def test_a_pdf_with_a_damaged_page_object_is_a_format_error(tmp_path: Path) -> None:
    data = pdf_bytes()
    assert b"\n4 0 obj\n<<\n/Contents" in data  # the page object, renumbered below so /Kids points nowhere
    path = tmp_path / "plan.pdf"
    path.write_bytes(data.replace(b"\n4 0 obj\n<<\n/Contents", b"\n5 0 obj\n<<\n/Contents", 1))
    with pytest.raises(LoadError) as caught:
        loaders.read(path)
    assert one_line(str(caught.value)) and str(path) in str(caught.value)
