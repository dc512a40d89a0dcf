"""Every text parser, fed arbitrary Unicode, plan-shaped token soup and mutated seed documents.

What must hold for every example (each call under a time bound, see reliability_kit.bounded):

- no exception escapes a parser (decode_bytes and html_to_text may raise LoadError/FormatError with a
  one-line message: that is their contract for input that is not text or not a page);
- every piece of evidence points into the text: an assignment's, target's or outcome's quote is a
  substring of the (normalised) text and its line number is a line of it;
- the Document converts to N-Triples that parse, whose every subject is a pingan-kg id (or role term) and
  every predicate a known vocabulary's, so no document text can add a triple about anything else
  (untrusted text stays a literal).

The base tests in tests/loaders (test_loader_robustness.py, test_formats.py) feed parse_document and
html_to_text short random text; this file adds the other parsers, plan-shaped input that reaches
the rules, mutations of the real seeds and the one-megabyte lines for each parser.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability_kit import BIG_CALL_LIMIT, CALL_LIMIT, DEEP, FUZZ, SEED_TEXTS, bounded, one_line, record

from loaders import LoadError, parse_document
from loaders.agencies import agency_category, clean_name, resolve_agency, split_agencies
from loaders.duties import find_duties
from loaders.formats import FormatError, html_to_text
from loaders.inline import find_inline_duties
from loaders.lexicon import table
from loaders.model import BASES, KINDS, ROLES, Document
from loaders.outline import find_work_items, parse_outline
from loaders.reports import find_outcomes
from loaders.targets import find_targets
from loaders.text import Source, decode_bytes, join_lines, normalise_text
from loaders.topics import find_topics
from ontology.ns import ID, PA, PREFIXES

# ------------------------------------------------------------------ input families

# Words the rules look for, taken from the shipped lexicons so the fuzzer follows them as they grow.
_LABELS = [row[0] for row in table("labels.tsv")][:12]
_VERBS = [row[0] for row in table("role_verbs.tsv")][:12]
_TOKENS = sorted(
    set(_LABELS + _VERBS)
    | {
        "一、", "二、", "十一、", "（一）", "（二）", "(三)", "1、", "2.", "3．", "（1）", "(2)", "第一条",
        "：", ":", "、", "，", ",", "；", ";", "。", "\n", "\n\n", " ", "\u3000", "（", "）", "(", ")", "〔", "〕",
        "市公安局", "各旗县区", "市委政法委", "县（市、区）", "各县(市区)党委", "呼和浩特市", "聊城市", "公安机关要",
        "由市综治委组织", "会同", "到2020年", "年底前", "达到100%", "不少于", "85％", "下降5.1%", "同比",
        "万元", "起", "人", "发布时间：", "讯", "禁毒", "反恐", "巡逻", "\ufffd", "〔2014〕5号", "2003年6月15日",
        # the layouts of issue 24: tables in three shapes, duty lists, articles, news duties, page noise
        "序号", "项目名称", "责任单位", "目标任务", "完成情况", "分管领导", " | ", "|", "\t", "第十四条 ", "## 第四章 ",
        "卫生部门职责、任务", "(二)公安部门。", "省民政厅为牵头单位", "主要由教育局牵头", "公安、民政等部门配合",
        "(qū)", "首页 > ", "[接上页]", "由会员分享", "共计", "已完成", "截至", "徐  平", "1300人", "54%", "由", "组成",
    }
)
plan_soup = st.lists(st.sampled_from(_TOKENS), max_size=150).map("".join)
any_unicode = st.text(max_size=1500)
# Lone surrogates too: a str can hold them even if no decoded file does.
any_codepoints = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=400)

_FULL, _HALF = "（）：，；！？", "():,;!?"
_MARKER = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]|[（(]\d+[）)])", re.M)


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """A window of a seed document with a handful of the damage real copies suffer."""
    name = draw(st.sampled_from(sorted(SEED_TEXTS)))
    text = SEED_TEXTS[name]
    limit = 8000 if DEEP else 3000
    start = draw(st.integers(0, max(0, len(text) - 200)))
    lines = text[start : start + draw(st.integers(200, limit))].split("\n")
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "bracket", "widths", "renumber", "dun", "noise"]))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":  # numbering out of order
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "bracket":  # unbalanced brackets
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.sampled_from(["（", "）", "(", ")", "（（", "〔", "【"])) + lines[i][at:]
        elif op == "widths":  # full-width and half-width punctuation swapped, both ways
            table_ = str.maketrans(_FULL + _HALF, _HALF + _FULL)
            lines[i] = lines[i].translate(table_)
        elif op == "renumber":
            number = draw(st.sampled_from(["一", "九", "十三", "0", "7", "99", "零", "百"]))
            lines[i] = _MARKER.sub(lambda m, n=number: re.sub(r"[一二三四五六七八九十]+|\d+", n, m.group(0)), lines[i])
        elif op == "dun":
            lines.insert(i, "、" * draw(st.integers(1, 5000)))
        else:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(st.text(max_size=20)) + lines[i][at:]
    return "\n".join(lines)


# ------------------------------------------------------------------ the checks


def check_document(doc: Document, text: str) -> None:
    """Facts a user relies on: valid kinds and roles, and evidence that can be found in the file."""
    norm = normalise_text(text)
    lines = norm.count("\n") + 1
    assert doc.kind in KINDS
    ids = [m.id for m in doc.measures]
    assert len(ids) == len(set(ids)), "two measures share an id"
    for measure in doc.measures:
        assert 1 <= measure.line <= lines
        for a in measure.assignments:
            assert a.role in ROLES and a.basis in BASES
            assert a.agency and a.as_written
            assert a.quote and a.quote in norm, f"assignment quote not in the text: {a.quote!r}"
            assert 1 <= a.line <= lines
        for t in measure.targets:
            assert t.quote in norm, f"target quote not in the text: {t.quote!r}"
            assert 1 <= t.line <= lines
    for o in doc.reports:
        assert o.quote in norm, f"outcome quote not in the text: {o.quote!r}"
        assert 1 <= o.line <= lines
    json.dumps(doc.to_dict(), ensure_ascii=False)


def check_ntriples(doc: Document) -> None:
    from pyoxigraph import RdfFormat, parse

    from kg.triples import document_ntriples

    data = document_ntriples(doc)
    namespaces = tuple(PREFIXES.values())
    for triple in parse(data.encode("utf-8"), format=RdfFormat.N_TRIPLES):
        # Subjects are our ids (or our vocabulary's role terms); predicates are known vocabularies.
        assert triple.subject.value.startswith((ID, PA)), f"a triple about something else: {triple}"
        assert triple.predicate.value.startswith(namespaces), f"an unknown predicate: {triple}"


def run_text_parsers(text: str, family: str) -> None:
    """Every parser that takes text, each under the time bound; records each call in the ledger."""

    def call(name: str, fn, *args):  # noqa: ANN001, ANN202 - a tiny local helper
        with bounded(CALL_LIMIT, f"{name} on a {len(text)}-character {family} example"):
            out = fn(*args)
        record("fuzz", f"{family} → {name}", "no exception, in time")
        return out

    doc = call("parse_document", parse_document, text)
    check_document(doc, text)
    encodable = not any("\ud800" <= c <= "\udfff" for c in text)
    if encodable:  # a lone surrogate cannot be written as UTF-8: no file or N-Triples holds one
        call("document_ntriples", check_ntriples, doc)
    src = Source(normalise_text(text))
    items = call("parse_outline", parse_outline, src)
    call("find_work_items", find_work_items, items, src)
    joined = join_lines(src, 0, len(src.text))
    duties = call("find_duties", find_duties, joined)
    call("find_inline_duties", find_inline_duties, joined, duties)
    for found in call("find_targets", find_targets, src.text):
        assert found.quote in src.text
    for found in call("find_outcomes", find_outcomes, src.text):
        assert found.quote in src.text
    call("find_topics", find_topics, text)
    for start, end in call("split_agencies", split_agencies, text):
        assert 0 <= start < end <= len(text)
    first_line = text.split("\n", 1)[0][:200]
    call("resolve_agency", resolve_agency, first_line, None)
    call("resolve_agency", resolve_agency, first_line, "呼和浩特市")
    call("clean_name", clean_name, first_line)
    call("agency_category", agency_category, first_line)
    if encodable:
        try:
            call("decode_bytes", decode_bytes, text.encode("utf-8"))
        except LoadError as err:
            assert one_line(str(err))
    try:
        call("html_to_text", html_to_text, text)
    except FormatError as err:
        assert one_line(str(err))


@FUZZ
@given(any_unicode)
def test_arbitrary_unicode_through_every_parser(text: str) -> None:
    run_text_parsers(text, "arbitrary Unicode")


@FUZZ
@given(any_codepoints)
def test_any_code_point_including_lone_surrogates_through_every_parser(text: str) -> None:
    run_text_parsers(text, "any code point (surrogates too)")


@FUZZ
@given(plan_soup)
def test_plan_shaped_token_soup_through_every_parser(text: str) -> None:
    run_text_parsers(text, "plan-shaped token soup")


@FUZZ
@given(mutated_seed())
def test_mutated_seed_documents_through_every_parser(text: str) -> None:
    run_text_parsers(text, "mutated seed")


# ------------------------------------------------------------------ one-megabyte lines

_SEED = SEED_TEXTS[sorted(SEED_TEXTS)[0]]
_MID = _SEED.index("\n", len(_SEED) // 2)
_DUN = "、" * 1_000_000
BIG_LINES = {
    "dun line in the middle of a plan": _SEED[:_MID] + "\n" + _DUN + _SEED[_MID:],
    "dun inside a 责任单位 label": "一、任务\n（一）巡逻。（责任单位：市公安局" + _DUN + "）\n",
    "dun inside a target sentence": "一、任务\n（一）到2020年，" + _DUN + "达到100%。\n",
    "dun inside a reported outcome": "发布时间：2020-01-01\n市公安局破获案件" + _DUN + "下降5.1%。\n",
    "1 MB of commas": "一、任务\n（一）加强" + "，" * 1_000_000,
    "1 MB of open brackets": "一、任务\n（一）" + "（" * 1_000_000,
}
BIG_PARSERS = {
    "parse_document": parse_document,
    "find_targets": find_targets,
    "find_outcomes": find_outcomes,
    "find_topics": find_topics,
    "split_agencies": split_agencies,
    "find_duties+inline": lambda t: find_inline_duties(j := join_lines(Source(t), 0, len(t)), find_duties(j)),
    "html_to_text": html_to_text,
}


# Each parser meets a megabyte in the middle of a plan and in the place its own rules look; the deep
# profile runs every parser on every case.
_OWN_CASE = {
    "parse_document": "dun inside a 责任单位 label",
    "find_targets": "dun inside a target sentence",
    "find_outcomes": "dun inside a reported outcome",
    "find_topics": "1 MB of open brackets",
    "split_agencies": "dun inside a 责任单位 label",
    "find_duties+inline": "dun inside a 责任单位 label",
    "html_to_text": "1 MB of commas",
}
BIG_PAIRS = sorted(
    (parser, case)
    for parser in BIG_PARSERS
    for case in BIG_LINES
    if DEEP or case in ("dun line in the middle of a plan", _OWN_CASE[parser])
)


@pytest.mark.parametrize(("parser", "case"), BIG_PAIRS)
def test_one_megabyte_lines_parse_in_bounded_time(parser: str, case: str) -> None:
    with bounded(BIG_CALL_LIMIT, f"{parser} on {case}"):
        try:
            BIG_PARSERS[parser](BIG_LINES[case])
        except FormatError as err:  # html_to_text may find no article: a clear refusal is fine
            assert one_line(str(err))
    record("fuzz", f"1 MB line: {case} → {parser}", "no exception, in time")


def test_many_labels_in_one_measure_parse_in_linear_time() -> None:
    # 40 000 "责任单位：" labels in one measure. find_inline_duties once scanned every label span for every
    # clause (quadratic: ~10 s here, ~40 s for 1 MB); linear, the whole pass takes well under a second.
    text = "一、任务\n（一）" + "责任单位：" * 40_000
    joined = join_lines(Source(text), 0, len(text))
    explicit = find_duties(joined)
    with bounded(5.0, "find_inline_duties on 40 000 labels"):
        find_inline_duties(joined, explicit)
    record("fuzz", "40 000 责任单位 labels in one measure → find_inline_duties", "no exception, in time")
