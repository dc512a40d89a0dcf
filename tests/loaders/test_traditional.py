"""Traditional Chinese copies read like their Simplified originals, and quote the Traditional text."""

from __future__ import annotations

import opencc
import pytest
from loader_seeds import seed_path

import loaders.document
from loaders import parse_document
from loaders.model import Document
from loaders.text import is_traditional, to_simplified


def traditional(stem: str) -> str:
    return opencc.OpenCC("s2t").convert(seed_path(stem).read_text(encoding="utf-8"))


def facts(doc: Document) -> list[tuple]:
    """What a Traditional copy must share with its original: keys, headings (read in Simplified), lines, and
    the agencies (canonical names), roles and bases; the text and the names as written are the copy's own."""
    return [
        (m.key, m.heading, to_simplified(m.text), m.line,
         [(to_simplified(a.as_written), a.agency, a.role, a.basis, a.line) for a in m.assignments])
        for m in doc.measures
    ]


def duties(doc: Document) -> list[tuple]:
    return [(m.key, [(a.agency, a.role, a.basis, a.line) for a in m.assignments]) for m in doc.measures]


def test_a_traditional_copy_gives_the_same_measures_agencies_and_roles(seeds: dict[str, Document]) -> None:
    text = traditional("000")
    assert "責任單位" in text
    doc = parse_document(text)
    assert facts(doc) == facts(seeds["000"])
    # the text and the names are as the copy writes them: Traditional
    flat = "".join(text.split())
    assert all("".join(m.text.split()) in flat for m in doc.measures)
    assert all(a.as_written in flat for m in doc.measures for a in m.assignments)
    written = {(a.as_written, a.agency) for m in doc.measures for a in m.assignments}
    assert ("市委維穩辦", "呼和浩特市委维稳办") in written
    assert (doc.title, doc.jurisdiction, doc.doc_number) == (
        seeds["000"].title,
        seeds["000"].jurisdiction,
        seeds["000"].doc_number,
    )


def test_inline_actors_are_found_in_traditional_text_too(seeds: dict[str, Document]) -> None:
    # 002 itself has one stray Traditional character (系統), which its Traditional copy reads as 系统: compare
    # the duties, not the texts.
    assert duties(parse_document(traditional("002"))) == duties(seeds["002"])


def test_quotes_are_the_traditional_text_as_written(seeds: dict[str, Document]) -> None:
    text = traditional("000")
    doc = parse_document(text)
    quotes = [a.quote for m in doc.measures for a in m.assignments] + [t.quote for m in doc.measures for t in m.targets]
    assert quotes and all(q in text for q in quotes)
    assert any("責任單位" in q for q in quotes)
    lines = text.split("\n")
    for measure in doc.measures:
        for a in measure.assignments:
            assert a.quote.split("\n")[0] in lines[a.line - 1]
    # and they are the Simplified quotes, converted: same places, same length
    simple = [a.quote for m in seeds["000"].measures for a in m.assignments]
    assert [len(q) for q in simple] == [len(a.quote) for m in doc.measures for a in m.assignments]


def test_simplified_documents_never_pay_for_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> str:
        raise AssertionError("a Simplified text was converted")

    monkeypatch.setattr(loaders.document, "to_simplified", refuse)
    for stem in ("000", "001", "002", "003", "004"):
        text = seed_path(stem).read_text(encoding="utf-8", errors="replace")
        assert not is_traditional(text)
        parse_document(text)


def test_detection_needs_more_than_a_stray_character() -> None:
    assert not is_traditional("加强公共区域视频监控系統建设。")  # one Traditional character in 002
    assert is_traditional("各級黨委政府要加強對社會治安防控體系建設的領導。")


_REAL_OPENCC = opencc.OpenCC


class _ChangesLength:
    """A converter that turns 臺灣 into three characters when it sees the phrase, like a phrase rule might."""

    def __init__(self, config: str) -> None:
        self.real = _REAL_OPENCC(config)

    def convert(self, text: str) -> str:
        return self.real.convert(text).replace("台湾", "台湾省")


def test_a_conversion_that_changes_length_falls_back_to_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opencc, "OpenCC", _ChangesLength)
    text = "臺灣警察機關要加強巡邏。\n各級政府要負責。"
    simplified = to_simplified(text)
    assert len(simplified) == len(text)
    assert simplified == "台湾警察机关要加强巡逻。\n各级政府要负责。"
