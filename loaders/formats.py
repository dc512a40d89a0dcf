"""Plain text out of .docx, .pdf and .html files: one paragraph (or table row) per line.

This is only the first step of reading a file: it recovers the words and their order, nothing
more. Joining lines that PDF extraction broke, full/half-width and Traditional→Simplified are the
text normaliser's job; finding measures and duties is the outline and duties parsers' job.

Choices, measured on the seed documents rendered to each format (see the module's tests):

- .docx — the zip and its XML read directly with the standard library, not python-docx: the zip
  has to be opened by hand anyway to refuse zip bombs before anything is inflated; only
  ``word/document.xml`` is read (python-docx loads every part, images included, into memory); the
  body is walked in document order with tables in place and content controls (``w:sdt``) kept,
  which python-docx's paragraph/table lists lose or reorder; and it costs no dependency.
- .pdf — pypdfium2 (PDFium, the engine of Chrome's viewer). On the five seeds as PDFs, both with
  the non-embedded CID font STSong-Light and with an embedded TrueType subset, it recovered every
  character in order, in 0.14 s / 0.06 s for all five; pypdf was as exact but 2–15× slower
  (0.25 s / 0.87 s); pdfminer.six was slowest (1.1 s / 1.4 s) and dropped "·" with the CID font.
- .html — readability-lxml picks the article out of the page chrome. On the seeds wrapped in a
  government page (header, menu, breadcrumb, sidebar, footer, scripts) it kept 100% of the text
  and no chrome; trafilatura kept 99.4% because it silently drops a paragraph that repeats an
  earlier one — exactly the repeated "（责任单位：市公安局，各旗县区）" labels this project lives on
  — and pulls in a dozen packages; jusText found nothing (its stop-word lists have no Chinese);
  lxml with a class-name chrome filter leaked the 发布时间/打印本页 line and table-layout chrome.

Every heavy import happens inside the function that needs it.
"""

from __future__ import annotations

import codecs
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree

from loaders.errors import LoadError

__all__ = [
    "MAX_HTML_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "SUFFIXES",
    "FormatError",
    "decode_html",
    "extract_text",
    "html_to_text",
]

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a .docx larger than this inflated is refused
MAX_COMPRESSION_RATIO = 200  # XML compresses ~10×; a member inflating 200×+ (past 1 MB) is a bomb
MAX_ZIP_MEMBERS = 10_000
MAX_HTML_BYTES = 50 * 1024 * 1024
MAX_TABLE_ROW_CHARS = 600  # an HTML table row longer than this is page layout, not a task-table row


class FormatError(LoadError):
    """A file that cannot be read as the format its suffix claims; the message is one line.

    A LoadError, so whoever reports "one bad document, the rest go on" catches it with the others.
    """


def extract_text(path: str | Path) -> str:
    """The text of a .docx, .pdf, .html or .htm file, one paragraph per line.

    Raises FormatError (one line, naming the reason, not the file) for an unknown suffix or a
    file that is not what its suffix says, damaged, encrypted, or has no text to read.
    """
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise FormatError(f"unsupported file type {path.suffix or '(none)'!r}; expected one of {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise FormatError("cannot read the file: no such file")
    try:
        return reader(path)
    except FormatError:
        raise
    except OSError as err:
        raise FormatError(f"cannot read the file: {err.strerror or err}") from None


# ---------------------------------------------------------------- .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_OFFICE_DOCUMENT = "/officeDocument"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Word markup whose text is not the document's: deleted revisions, field codes (the text of
# "PAGE \* MERGEFORMAT"), the Fallback copy of a text box (its Choice copy is read instead), and
# properties, which hold no text.
_DOCX_SKIP = frozenset(
    [_W + name for name in "del moveFrom delText instrText delInstrText sectPr pPr rPr tblPr tcPr trPr tblGrid".split()]
    + [_MC_FALLBACK]
)


def _docx_text(path: Path) -> str:
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == _OLE_MAGIC:
        raise FormatError("not a .docx: an OLE compound file (a legacy .doc, or a password-protected .docx)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError):
        raise FormatError("not a .docx: not a zip archive") from None
    with archive:
        _check_zip_sizes(archive)
        xml = _read_member(archive, _main_part_name(archive))
    return "\n".join(_docx_lines(_parse_part(xml)))


def _check_zip_sizes(archive: zipfile.ZipFile) -> None:
    # The sizes in the central directory are what zipfile will inflate at most: ZipExtFile stops at
    # the declared size (and fails the CRC if the data goes on), so checking them first is enough.
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise FormatError(f"refused .docx: {len(members)} zip members (limit {MAX_ZIP_MEMBERS})")
    total = sum(info.file_size for info in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FormatError(
            f"refused .docx: {total // 2**20} MB uncompressed (limit {MAX_UNCOMPRESSED_BYTES // 2**20} MB; zip bomb?)"
        )
    for info in members:
        if info.file_size > 2**20 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise FormatError(f"refused .docx: {info.filename} inflates {ratio}× (zip bomb?)")


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise FormatError(f"not a .docx: no {name} in the archive") from None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, ValueError, zlib.error) as err:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method;
        # zlib.error: a damaged deflate stream.
        raise FormatError(f"damaged .docx: cannot inflate {name} ({err})") from None


def _main_part_name(archive: zipfile.ZipFile) -> str:
    # The main part is whatever _rels/.rels calls the officeDocument; Word always names it
    # word/document.xml, but other writers need not.
    try:
        rels = _parse_part(archive.read("_rels/.rels"))
    except (KeyError, FormatError, zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError):
        # a damaged relationships part: fall back to the name Word always uses
        return "word/document.xml"
    for rel in rels:
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


def _parse_part(xml: bytes) -> ElementTree.Element:
    # OOXML parts never carry a DTD; refusing one rules out entity-expansion tricks outright
    # (expat would also stop a "billion laughs", but there is no reason to let it try).
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise FormatError("refused .docx: its XML declares a DTD or entities")
    try:
        return ElementTree.fromstring(xml)
    except ElementTree.ParseError as err:
        raise FormatError(f"damaged .docx: XML not well-formed ({err})") from None


def _docx_lines(root: ElementTree.Element) -> list[str]:
    body = root.find(_W + "body")
    return list(_block_lines(root if body is None else body))


def _block_lines(container: ElementTree.Element) -> Iterator[str]:
    """Lines of the paragraphs and tables in a body, cell, text box or content control, in order."""
    for child in container:
        if child.tag == _W + "p":
            yield from _paragraph_lines(child)
        elif child.tag == _W + "tbl":
            # Direct rows only: the rows of a table nested in a cell belong to that cell's text.
            for row in _direct(child, _W + "tr"):
                yield "\t".join(_cell_text(cell) for cell in _direct(row, _W + "tc"))
        elif child.tag not in _DOCX_SKIP:
            yield from _block_lines(child)  # w:sdt, w:sdtContent, w:customXml, w:ins …


def _direct(parent: ElementTree.Element, tag: str) -> Iterator[ElementTree.Element]:
    """Children with ``tag``, looking through content controls and custom XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _direct(child, tag)


def _cell_text(cell: ElementTree.Element) -> str:
    # A row must stay one line, so a cell's own paragraphs (and nested tables) are joined by a space,
    # and tabs inside it become spaces: the tab is the cell separator.
    parts = (line.replace("\t", " ").strip() for line in _block_lines(cell))
    return " ".join(part for part in parts if part)


def _paragraph_lines(paragraph: ElementTree.Element) -> Iterator[str]:
    text: list[str] = []
    boxes: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        for child in element:
            tag = child.tag
            if tag in _DOCX_SKIP:
                continue
            if tag == _W + "t":
                text.append(child.text or "")
            elif tag == _W + "tab":
                text.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                text.append("\n")  # a manual line break often ends a paragraph in these documents
            elif tag in (_W + "noBreakHyphen", _W + "softHyphen"):
                text.append("-" if tag == _W + "noBreakHyphen" else "")
            elif tag == _W + "txbxContent":
                boxes.extend(_block_lines(child))  # a text box's paragraphs are lines of their own
            else:
                walk(child)

    walk(paragraph)
    yield from "".join(text).split("\n")
    yield from boxes


# ---------------------------------------------------------------- .pdf


def _pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        if getattr(err, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise FormatError("encrypted PDF (a password is needed to open it)") from None
        raise FormatError(f"not a readable PDF ({_pdfium_reason(err)})") from None
    try:
        if len(pdf) == 0:
            raise FormatError("empty PDF (no pages)")
        pages = [_page_text(pdf, i) for i in range(len(pdf))]
    finally:
        pdf.close()
    if not any(page.strip() for page in pages):
        raise FormatError("no text layer (scanned image?)")
    # PDFium ends lines with CRLF; one page follows another on the next line. A PDF opened without a
    # password but with an owner password (copying "forbidden") is read: the restriction is advisory.
    return "\n".join(page.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") for page in pages)


def _page_text(pdf, index: int) -> str:
    import pypdfium2

    try:
        page = pdf[index]
    except pypdfium2.PdfiumError as err:  # the document opened, but this page object is damaged
        raise FormatError(f"damaged PDF: cannot load page {index + 1} ({_pdfium_reason(err)})") from None
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
    except pypdfium2.PdfiumError as err:
        raise FormatError(f"damaged PDF: cannot read the text of page {index + 1} ({_pdfium_reason(err)})") from None
    finally:
        page.close()


def _pdfium_reason(err: Exception) -> str:
    match = re.search(r"PDFium: ([^)]*)", str(err))
    return match.group(1).rstrip(".").lower() if match else str(err)


# ---------------------------------------------------------------- .html

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Pages declare GB2312 but use GBK characters (镕, 喆 …); GB18030 is a superset of both, and is what
# browsers decode "gb2312" as. Single-byte Western charsets are often declared by mistake on Chinese
# pages (and decode anything), so they are tried only after UTF-8 and GB18030 have failed.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
}
_WESTERN = {"latin_1", "iso8859-1", "cp1252", "ascii", "iso8859_1"}
_NULL_HANDLER = logging.NullHandler()
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_LINE_EDGE = " \t\xa0\u3000"
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_NO_TEXT_TAGS = frozenset(
    "script style noscript template iframe object embed svg math head title button select".split()
)


def _html_text(path: Path) -> str:
    if path.stat().st_size > MAX_HTML_BYTES:
        raise FormatError(f"refused HTML page: larger than {MAX_HTML_BYTES // 2**20} MB")
    return html_to_text(decode_html(path.read_bytes()))


def decode_html(data: bytes) -> str:
    """Decode a page: its BOM, else UTF-8, else its declared charset, else GB18030; never raises.

    UTF-8 goes before the declared charset because pages are mislabelled more often than GBK text
    happens to be valid UTF-8 (which, beyond a few characters, it practically never is).
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _declared_charset(data[:4096])
    candidates = ["utf-8", "gb18030"]
    if declared and declared not in candidates:
        candidates.insert(len(candidates) if declared in _WESTERN else 1, declared)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode(declared or "utf-8", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None  # an unknown or misspelt charset: guess as if none were declared


def html_to_text(page: str) -> str:
    """The article text of an HTML page without its chrome, one paragraph (or table row) per line.

    Nothing in the page is executed or fetched: scripts and styles are dropped as text.
    """
    import lxml.etree
    import lxml.html
    from readability import Document
    from readability.readability import Unparseable

    page = _XML_DECLARATION.sub("", page, count=1)  # lxml refuses a str that names its encoding
    if not page.strip():
        raise FormatError("empty HTML page")
    # readability logs a traceback before raising Unparseable; with no logging configured Python would
    # print it on stderr. A NullHandler keeps it for applications that do configure logging.
    logging.getLogger("readability").addHandler(_NULL_HANDLER)
    parser = lxml.html.HTMLParser(no_network=True)
    try:
        # etree.fromstring gives None for a page with no elements (blanks, a comment), where lxml.html's
        # helpers raise or assert: such a page is refused before readability sees it.
        whole = lxml.etree.fromstring(page, parser)
        if whole is None:
            raise FormatError("no article text in the HTML page")
        article = Document(page).summary(html_partial=True)
        found = lxml.etree.fromstring(article, parser) if article.strip() else None
    except (Unparseable, lxml.etree.LxmlError, ValueError) as err:
        reason = str(err).splitlines()[0] if str(err).strip() else type(err).__name__
        raise FormatError(f"unreadable HTML page ({reason})") from None
    lines = _element_lines(found) if found is not None else []
    if not lines:
        # a title alone (a page of scripts, a redirect stub) is not a document
        raise FormatError("no article text in the HTML page")
    title = _page_title(whole)
    # readability keeps the article body but usually not its <h1>: put the title back on top.
    if title and _squash_all(title) not in _squash_all("".join(lines[:3])):
        lines.insert(0, title)
    if not lines:
        raise FormatError("no article text in the HTML page")
    return "\n".join(lines)


def _page_title(root) -> str | None:
    # The article's heading is the longest <h1>-<h3> that the <title> also holds ("标题_站点名"); a
    # site name in an <h1> logo is shorter. Without one, the longest piece of <title> is the title.
    title_el = root.find(".//title")
    title = _squash(title_el.text_content()) if title_el is not None else ""
    headings = [_squash(h.text_content()) for h in root.iter("h1", "h2", "h3")]
    held = [h for h in headings if len(h) >= 4 and _squash_all(h) in _squash_all(title)]
    if held:
        return max(held, key=len)
    h1 = next((_squash(h.text_content()) for h in root.iter("h1") if _squash(h.text_content())), None)
    if h1:
        return h1
    pieces = [p.strip() for p in re.split(r"\s*[_|｜—–-]+\s*", title) if p.strip()]
    return max(pieces, key=len) if pieces else None


def _element_lines(root) -> list[str]:
    """Text of an element tree with a line break at every block element and <br>; rows joined by tabs."""
    out: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""  # comments and processing instructions
        if tag and tag not in _NO_TEXT_TAGS:
            if tag == "tr" and _is_data_row(el):
                cells = [_squash(" ".join(_texts(cell))) for cell in el if cell.tag in ("td", "th")]
                out.append("\n" + "\t".join(cells) + "\n")
            elif tag == "br":
                out.append("\n")
            else:
                block = tag in _BLOCK_TAGS
                if block:
                    out.append("\n")
                if el.text:
                    out.append(el.text if tag == "pre" else _ASCII_SPACE.sub(" ", el.text))
                for child in el:
                    walk(child)
                if block:
                    out.append("\n")
        if el.tail:
            out.append(_ASCII_SPACE.sub(" ", el.tail))

    walk(root)
    lines = (line.strip(_LINE_EDGE) for line in "".join(out).split("\n"))
    return [line for line in lines if line.strip(_LINE_EDGE + "\t")]


def _is_data_row(row) -> bool:
    """A row of a real table (序号/工作任务/牵头单位…), to be one line; not a page-layout row.

    Older government sites lay the whole page out in tables, the article in one cell: such a row
    holds a nested table or a long text, and its cells are read as blocks instead.
    """
    cells = [cell for cell in row if cell.tag in ("td", "th")]
    if any(cell.find(".//table") is not None for cell in cells):
        return False
    return sum(len(text) for cell in cells for text in _texts(cell)) <= MAX_TABLE_ROW_CHARS


def _texts(el) -> Iterator[str]:
    for node in el.iter():
        if isinstance(node.tag, str) and node.tag not in _NO_TEXT_TAGS and node.text:
            yield node.text
        if node is not el and node.tail:
            yield node.tail


def _squash(text: str) -> str:
    return _ASCII_SPACE.sub(" ", text).strip(_LINE_EDGE)


def _squash_all(text: str) -> str:
    return re.sub(r"\s+", "", text)


_READERS: dict[str, Callable[[Path], str]] = {
    ".docx": _docx_text,
    ".pdf": _pdf_text,
    ".html": _html_text,
    ".htm": _html_text,
}
SUFFIXES = tuple(_READERS)
