"""A plan saved as .docx, .html or GB18030 text loads to the same measures and agencies as the .txt."""

from __future__ import annotations

import html
from pathlib import Path

from seedpaths import SEEDS

import loaders

SEED = SEEDS / "001_7701b9b31e01afc5.txt"  # one paragraph a line: what a web page or Word file holds


def _duties(doc: loaders.Document) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(m.key, [(a.agency, a.role) for a in m.assignments if a.basis != "inline"]) for m in doc.measures]


def test_docx_html_and_gb18030_copies_load_to_the_same_measures(tmp_path: Path) -> None:
    import docx

    text = SEED.read_text(encoding="utf-8").replace("\ufffd", "")
    lines = [line for line in text.splitlines() if line.strip()]
    reference = loaders.read(SEED)

    word = docx.Document()
    for line in lines:
        word.add_paragraph(line)
    word.save(tmp_path / "plan.docx")
    page = ("<html><head><meta charset='utf-8'><title>" + html.escape(lines[0]) + "</title></head><body>"
            "<nav>首页 | 政务公开</nav><article>" + "".join(f"<p>{html.escape(x)}</p>" for x in lines)
            + "</article><footer>版权所有</footer></body></html>")
    (tmp_path / "plan.html").write_text(page, encoding="utf-8")
    (tmp_path / "plan.txt").write_bytes(text.encode("gb18030"))

    for name in ("plan.docx", "plan.html", "plan.txt"):
        doc = loaders.read(tmp_path / name)
        assert doc.jurisdiction == "聊城市", name
        assert _duties(doc) == _duties(reference), name
