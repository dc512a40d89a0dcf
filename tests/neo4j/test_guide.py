"""`kg neo4j guide`: a Browser guide of every Cypher twin, the headline questions, and a GraSS style."""

from __future__ import annotations

import re
import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import queries
from kg.cli import cli
from kg.neo4j_guide import HEADLINE, NODE_STYLE, QUESTIONS, cors_server, grass_style, guide_html


class _Slides(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.slides = 0
        self.runnable: list[str] = []
        self._in_pre = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("meta", "br", "img"):  # void elements have no end tag
            return
        self.stack.append(tag)
        if tag == "slide":
            assert self.stack[-3:-1] == ["article", "carousel"], self.stack
            self.slides += 1
        if tag == "pre" and "runnable" in (dict(attrs).get("class") or ""):
            self._in_pre = True
            self.runnable.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()
        self._in_pre = self._in_pre and tag != "pre"

    def handle_data(self, data: str) -> None:
        if self._in_pre:
            self.runnable[-1] += data


def test_the_guide_has_a_slide_for_every_query_twin() -> None:
    assert sorted(q.name for q in QUESTIONS) == sorted(queries.QUERY_NAMES)
    parser = _Slides()
    parser.feed(guide_html())
    assert parser.slides == len(QUESTIONS) + 1 and not parser.stack
    code = "\n".join(parser.runnable)  # unescaped by the parser: what a click puts in the editor
    for q in QUESTIONS:
        twin = "\n".join(ln for ln in queries.cypher(q.name).splitlines() if not ln.startswith("//")).strip()
        assert twin in code
    assert ":params {agency: '市公安局', role: null}" in code


def test_headline_questions_come_first_and_the_file_has_them(runner: Any, tmp_path: Path) -> None:
    assert [q.name for q in QUESTIONS[: len(HEADLINE)]] == ["measures_by_agency", "overlap", "overlap_top",
                                                             "measures_without_lead", "targets", "topic_measures",
                                                             "topic_agencies"]
    result = runner.invoke(cli, ["neo4j", "guide", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    headline = (tmp_path / "pingan-kg-headline.cypher").read_text(encoding="utf-8")
    assert ":param agency => '市公安局';" in headline and headline.count("MATCH (a:Agency)") >= 3
    assert ":guide http://localhost:8001/pingan-kg-guide.html" in result.output


def test_the_style_colours_and_captions_every_label() -> None:
    style = grass_style()
    blocks = dict(re.findall(r"^node\.(\w+) \{\n(.*?)\n\}$", style, flags=re.S | re.M))
    assert set(blocks) == set(NODE_STYLE) and style.count("{") == style.count("}")
    assert 'caption: "{prefLabel}"' in blocks["Agency"] and 'caption: "{title}"' in blocks["Document"]
    for body in blocks.values():
        assert re.search(r"color: #[0-9A-F]{6};", body)


def test_the_server_sends_the_cors_header_browser_needs(tmp_path: Path) -> None:
    (tmp_path / "g.html").write_text("<article class='guide'></article>", encoding="utf-8")
    server = cors_server(tmp_path, 0, host="127.0.0.1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/g.html", timeout=5) as response:
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert b"guide" in response.read()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
