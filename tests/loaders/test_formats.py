"""File formats: the seed plans written as .docx, .pdf and .html come back as the same paragraphs.

Fixtures are made here, at test time, from the seed text: .docx with python-docx, .pdf with reportlab
(its built-in STSong-Light CID font needs no font file), HTML by hand. Each check is what a user
relies on: every numbered heading and every 责任单位 label survives, in order.
"""

from __future__ import annotations

import html
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import formats
from loaders.formats import SUFFIXES, FormatError, decode_html, extract_text, html_to_text

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
NUMBERED = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
TASKS = [
    ("序号", "工作任务", "牵头单位", "配合单位", "完成时限"),
    ("1", "加强校园周边治安整治", "市公安局", "市教育局、各旗县区", "2015年底前"),
    ("2", "推进视频监控系统建设", "市公安局", "市财政局", "长期坚持"),
]


def seed_lines(prefix: str) -> list[str]:
    """The seed's non-blank lines, stripped (001 ends in a truncated U+FFFD, dropped)."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8").replace("\ufffd", "")
    return [line.strip() for line in text.splitlines() if line.strip()]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_in_order(needles: list[str], text: str) -> None:
    haystack, position = flat(text), 0
    for needle in needles:
        found = haystack.find(flat(needle), position)
        assert found >= 0, f"missing or out of order: {needle}"
        position = found + len(flat(needle))


def landmarks(lines: list[str]) -> list[str]:
    """Numbered headings and 责任单位 labels: what the outline and duty parsers need."""
    return [line for line in lines if NUMBERED.match(line) or "责任单位" in line]


def assert_same_document(prefix: str, text: str) -> None:
    lines = seed_lines(prefix)
    marks = landmarks(lines)
    assert len(marks) >= 10
    assert_in_order(marks, text)
    assert_in_order(lines, text)  # and every other paragraph too
    assert flat(text).count("责任单位") == flat("".join(lines)).count("责任单位")


# ---------------------------------------------------------------- fixture writers


def write_docx(path: Path, lines: list[str], table: list[tuple[str, ...]] | None = None) -> Path:
    import docx

    document = docx.Document()
    half = len(lines) // 2
    for line in lines[:half]:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=0, cols=len(table[0]))
        for row in table:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    for line in lines[half:]:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(path: Path, lines: list[str], **canvas_options) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    SimpleDocTemplate(str(path), pagesize=A4, **canvas_options).build(
        [Paragraph(html.escape(line), style) for line in lines]
    )
    return path


def government_page(title: str, lines: list[str], charset: str = "utf-8") -> str:
    """An article inside the chrome of a typical government site: menus, breadcrumb, sidebar, footer, scripts."""
    body = "\n".join(f"<p>&nbsp;&nbsp;{html.escape(line)}</p>" for line in lines)
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TASKS)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(title)}_聊城市人民政府</title>
<style>body {{ font-family: SimSun; }} .nav li {{ float: left }}</style>
<script>var _hmt = _hmt || []; document.write("<p>统计代码 window.location</p>");</script>
</head><body>
<div class="header"><h1 class="logo"><a href="/">聊城市人民政府</a></h1><input type="text" value="请输入关键字"></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/bsfw">办事服务</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 通知公告</div>
<div class="container"><div class="left-menu"><h3>相关链接</h3><ul><li><a href="#">中国政府网</a></li>
<li><a href="#">山东省人民政府</a></li></ul></div>
<div class="article"><h2 class="title">{html.escape(title)}</h2>
<div class="TRS_Editor">
{body}
<table border="1">{rows}</table>
</div></div></div>
<div class="footer"><p>版权所有：聊城市人民政府办公室 <a href="#">联系我们</a> <a href="#">网站地图</a></p>
<p>鲁ICP备05001234号</p></div>
<script type="text/javascript">(function(){{var hm=document.createElement("script");hm.src="/hm.js";}})();</script>
</body></html>"""


CHROME = [
    "首页",
    "政务公开",
    "办事服务",
    "当前位置",
    "相关链接",
    "版权所有",
    "ICP备",
    "网站地图",
    "window",
    "_hmt",
    "font-family",
    "请输入关键字",
]


# ---------------------------------------------------------------- .docx


def test_docx_paragraphs_and_a_task_table_come_back_in_order(tmp_path: Path) -> None:
    lines = seed_lines("000")
    text = extract_text(write_docx(tmp_path / "plan.docx", lines, TASKS))
    assert_same_document("000", text)
    rows = text.splitlines()
    # A task table row is one line, its cells joined by a tab, between the paragraphs around it.
    assert "序号\t工作任务\t牵头单位\t配合单位\t完成时限" in rows
    assert "1\t加强校园周边治安整治\t市公安局\t市教育局、各旗县区\t2015年底前" in rows
    assert_in_order([lines[len(lines) // 2 - 1], "序号工作任务", "2推进视频监控", lines[len(lines) // 2]], text)


def test_docx_of_the_liaocheng_opinion(tmp_path: Path) -> None:
    assert_same_document("001", extract_text(write_docx(tmp_path / "聊城.DOCX", seed_lines("001"))))


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def write_raw_docx(path: Path, body: str, *, prolog: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml", f'<?xml version="1.0"?>{prolog}<w:document {W}><w:body>{body}</w:body></w:document>'
        )
    return path


def test_docx_markup_that_is_not_text_is_left_out(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>（一）加强</w:t></w:r><w:del><w:r><w:delText>删除的</w:delText></w:r></w:del>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>互联网管控</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>"
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>（责任单位：市公安局）</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:tbl></w:tc><w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    text = extract_text(write_raw_docx(tmp_path / "m.docx", body))
    assert text.splitlines() == ["（一）加强互联网管控", "第二行", "（责任单位：市公安局）", "外 内\t右"]


def test_a_docx_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("（一）加强互联网管控", encoding="utf-8")
    with pytest.raises(FormatError, match="not a zip archive"):
        extract_text(path)


def test_a_legacy_or_password_protected_word_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(FormatError, match="OLE compound file"):
        extract_text(path)


def test_a_zip_bomb_docx_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w") as member:
            for _ in range(32):
                member.write(bytes(2**20))  # 32 MB of zeros deflate to ~32 kB
    assert path.stat().st_size < 2**20
    with pytest.raises(FormatError, match="zip bomb"):
        extract_text(path)


def test_a_docx_over_the_uncompressed_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_docx(tmp_path / "big.docx", seed_lines("001"))
    monkeypatch.setattr(formats, "MAX_UNCOMPRESSED_BYTES", 10_000)
    with pytest.raises(FormatError, match=r"uncompressed \(limit"):
        extract_text(path)


def test_a_docx_whose_xml_declares_entities_is_refused(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = write_raw_docx(tmp_path / "laughs.docx", "<w:p><w:r><w:t>&b;</w:t></w:r></w:p>", prolog=laughs)
    with pytest.raises(FormatError, match="DTD"):
        extract_text(path)


def test_a_docx_without_a_document_part_is_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FormatError, match="no word/document.xml"):
        extract_text(path)


# ---------------------------------------------------------------- .pdf


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_pdf_text_comes_back_in_order(tmp_path: Path, prefix: str) -> None:
    text = extract_text(write_pdf(tmp_path / f"{prefix}.pdf", seed_lines(prefix)))
    assert_same_document(prefix, text)
    assert "\r" not in text


def test_an_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "secret.pdf", seed_lines("001")[:5], encrypt="secret")
    with pytest.raises(FormatError, match="encrypted PDF"):
        extract_text(path)


def test_a_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    # "Copying not allowed" needs no password to open, and every PDF viewer shows the text anyway.
    from reportlab.lib.pdfencrypt import StandardEncryption

    lines = seed_lines("001")[:5]
    path = write_pdf(tmp_path / "owner.pdf", lines, encrypt=StandardEncryption("", ownerPassword="o", canCopy=0))
    assert_in_order(lines, extract_text(path))


def test_a_pdf_with_no_text_layer_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path))
    page.rect(72, 72, 400, 600, fill=1)  # stands for a scanned page image
    page.showPage()
    page.save()
    with pytest.raises(FormatError, match=r"no text layer \(scanned image\?\)"):
        extract_text(path)


def test_a_damaged_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n% not really\n")
    with pytest.raises(FormatError, match="not a readable PDF"):
        extract_text(path)


# ---------------------------------------------------------------- .html


def test_a_government_page_gives_the_article_without_its_chrome(tmp_path: Path) -> None:
    lines = seed_lines("001")
    path = tmp_path / "page.html"
    path.write_text(government_page(lines[0], lines[1:]), encoding="utf-8")
    text = extract_text(path)
    assert_same_document("001", text)
    assert text.splitlines()[0] == lines[0]  # the title, not the site name in the logo
    assert "1\t加强校园周边治安整治\t市公安局\t市教育局、各旗县区\t2015年底前" in text.splitlines()
    assert [word for word in CHROME if word in text] == []
    # one paragraph a line: each <p> of the article is a line of its own
    assert set(lines[1:]) <= set(text.splitlines())


def test_a_gb2312_page_is_decoded_by_its_meta_charset(tmp_path: Path) -> None:
    lines = seed_lines("000") + ["（签发：王镕）"]  # 镕 is GBK, not GB2312: pages mislabel like this
    path = tmp_path / "page.htm"
    path.write_bytes(government_page("呼和浩特市“平安建设工程”实施方案", lines, charset="gb2312").encode("gb18030"))
    text = extract_text(path)
    assert_same_document("000", text)
    assert "王镕" in text


def test_a_mislabelled_utf8_page_is_still_read() -> None:
    page = '<html><head><meta charset="gb2312"></head><body><p>加强互联网管控</p></body></html>'
    assert decode_html(page.encode("utf-8")) == page


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_byte_order_mark_wins(encoding: str) -> None:
    page = "<html><body><p>加强流动人口服务管理</p></body></html>"
    assert decode_html(page.encode(encoding)) == page


def test_scripts_are_never_text(tmp_path: Path) -> None:
    script = "<script>document.write('打击犯罪窗口'); var x = '<p>伪造段落</p>';</script>"
    page = (
        f"<html><head>{script}</head><body>{script * 50}"
        "<div><p>加强互联网管控，及时封堵删除各种有害信息，严厉查处网上非法活动。</p>"
        f"{script}<p>（责任单位：市公安局、市网信办，各旗县区）</p></div>"
        "<noscript>请启用脚本</noscript></body></html>"
    )
    path = tmp_path / "scripts.html"
    path.write_text(page, encoding="utf-8")
    text = extract_text(path)
    assert text.splitlines()[-2:] == [
        "加强互联网管控，及时封堵删除各种有害信息，严厉查处网上非法活动。",
        "（责任单位：市公安局、市网信办，各旗县区）",
    ]
    assert "打击犯罪" not in text and "伪造" not in text and "启用脚本" not in text


def test_a_page_of_scripts_only_has_no_article(tmp_path: Path) -> None:
    path = tmp_path / "only-scripts.html"
    path.write_text(
        "<html><body>" + "<script>var a = '加强互联网管控';</script>" * 100 + "</body></html>", encoding="utf-8"
    )
    with pytest.raises(FormatError, match="no article text"):
        extract_text(path)


# ---------------------------------------------------------------- dispatch


def test_an_unknown_suffix_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "plan.odt"
    path.write_bytes(b"x")
    with pytest.raises(
        FormatError, match=r"unsupported file type '\.odt'; expected one of \.docx, \.pdf, \.html, \.htm"
    ):
        extract_text(path)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read the file") as caught:
        extract_text(tmp_path / "nowhere.pdf")
    assert "\n" not in str(caught.value)


def test_an_old_table_layout_page_keeps_its_line_breaks(tmp_path: Path) -> None:
    # Sites of the 2000s put the whole article in one <td>, its paragraphs separated by <br>.
    lines = seed_lines("001")
    body = "<br>\n".join(html.escape(line) for line in lines[1:])
    page = (
        f"<html><head><title>{lines[0]}</title></head><body><table>"
        '<tr><td><a href="/">首页</a> | <a href="/">政务公开</a></td></tr>'
        f'<tr><td><font size="3">{body}</font></td></tr>'
        "<tr><td>版权所有 聊城市社会治安综合治理委员会</td></tr></table></body></html>"
    )
    path = tmp_path / "old.htm"
    path.write_text(page, encoding="utf-8")
    text = extract_text(path)
    assert_same_document("001", text)
    assert set(lines) <= set(text.splitlines())


# ---------------------------------------------------------------- arbitrary input

HTML_BITS = [
    "<p>",
    "</p>",
    "<br>",
    "<table>",
    "<tr>",
    "<td>",
    "</td>",
    "加强",
    "管控",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<?xml version='1.0' encoding='gb2312'?>",
    "&nbsp;",
    "\x00",
    " ",
    "<div>",
    "<h1>",
    "</h1>",
    "<title>",
]


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(HTML_BITS), max_size=40).map("".join)))
def test_any_text_as_html_gives_lines_or_one_clear_error(page: str) -> None:
    try:
        text = html_to_text(page)
    except FormatError as err:
        assert "\n" not in str(err)
    else:
        assert text.strip() and "\r" not in text


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(SUFFIXES))
def test_any_bytes_in_any_format_give_text_or_one_clear_error(data: bytes, suffix: str) -> None:
    assert isinstance(decode_html(data), str)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"file{suffix}"
        path.write_bytes(data)
        try:
            extract_text(path)
        except FormatError as err:
            assert "\n" not in str(err)


def test_a_format_error_is_a_load_error() -> None:
    from loaders.errors import LoadError

    assert issubclass(FormatError, LoadError)
