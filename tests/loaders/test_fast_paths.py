"""The loaders' fast paths give exactly what the plain formulation they replace gives.

Each test states the plain version (a per-character loop, a regex tried at every position, a scan over a word
list) and checks the fast one against it on generated text, so an edit to a lexicon or a pattern that breaks an
assumption of a fast path (a new kind of first character, a verb in a new shape) fails here.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from loaders import checks, inline, numbers, outline, targets, topics
from loaders.agencies import _LIST_MARKS, split_agencies
from loaders.duties import _clauses, _closing_notes, _mask_brackets
from loaders.metadata import _report_score, _report_score_exceeds
from loaders.text import (
    _FOLD,
    _MIN_TRADITIONAL,
    _TEXT_CONTROLS,
    _TRADITIONAL_ONLY,
    Source,
    fold_punctuation,
    is_traditional,
    join_lines,
    looks_binary,
)

_EXAMPLES = settings(max_examples=300, deadline=None)


def _texts(*pieces: str, max_size: int = 30) -> st.SearchStrategy[str]:
    """Text made of the given pieces (words, marks, digits): what the fast paths look for, densely."""
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


_FULL_WIDTH = [chr(c) for c in range(0xFF00, 0xFF70)] + ["\u3000", "﹙", "﹚", "﹕", "，", "。", "a", "中", "\ud800"]


@_EXAMPLES
@given(_texts(*_FULL_WIDTH))
def test_folding_is_translate(text: str) -> None:
    assert fold_punctuation(text) == text.translate(_FOLD)
    assert numbers.fold(text) == text.translate(numbers._FOLD)


_NUMBERS = (
    "0 1 2 9 19 20 2004 2015 12 . : / - ~ — 年 月 日 号 份 底 前 以前 到 至 于 在 “ ” 十三五 十二五 末期 上半年".split()
    + "百分之 千分之 一 二 两 十 百 千 万 点 % ‰ 次 人 个 以上 以下 余 第 的 率 比例 实现 ， 。 ٣".split()
)


def _matches(found: object) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in found]  # type: ignore[attr-defined]


_DEADLINES = (
    "到 至 于 在 “ ” 十三五 十五 末期 期间 2015 1999 年 底 前 以前 6 6~7 月 份 上半年 第一季度 实现 ， 。".split()
    + [" ", "20", "19", "1", "2"]
)


@_EXAMPLES
@given(_texts(*_NUMBERS, max_size=40), _texts(*_DEADLINES, max_size=12))
@example("百分之九十5%、6月15日2016/11/15 1:2.5 ٣人", "到“十三五”末期，1999年底前 2004年6月份实现")
def test_jumping_between_first_characters_finds_every_match(text: str, dated: str) -> None:
    grammar = targets._lexicon().quantities
    assert _matches(numbers.finditer_from(grammar.token, grammar.token_starts, text)) == _matches(
        grammar.token.finditer(text)
    )
    assert _matches(numbers.finditer_from(numbers._DATES, numbers._DIGIT, text)) == _matches(
        numbers._DATES.finditer(text)
    )
    lex = targets._lexicon()
    for candidate in (text, dated):
        assert _matches(numbers.finditer_from(lex.deadline, lex.deadline_starts, candidate)) == _matches(
            lex.deadline.finditer(candidate)
        )


_CITATIONS = (
    "聊 发 市委 〔 〕 [ ] ［ ］ ( ) （ ） 2004 1999 5 1234 12345 号 a 。 聊发〔2004〕5号 一二三四五六七八九十一".split()
    + [" ", "\n", "呼综治委（2014）12 号"]
)


_CITATION = st.tuples(
    st.one_of(st.sampled_from(["聊发", "聊城市委政法委员会办", "中共聊城市委员会办公室", "a", ""]),
              st.text("聊发市委a 。")),
    st.sampled_from("〔[［(（"),
    st.sampled_from(["2004", "1999", "2020", "20"]),
    st.sampled_from("〕]］)）"),
    st.sampled_from([" ", "\n", ""]),
    st.sampled_from(["1234", "12345", "5", "12"]),  # the longest tails first: they are where a window could cut
    st.sampled_from([" ", "\t", ""]),
    st.sampled_from(["号", "", "文"]),
).map("".join)


@_EXAMPLES
@given(st.one_of(_texts(*_CITATIONS), st.lists(st.one_of(_CITATION, _texts(*_CITATIONS, max_size=3))).map("".join)))
@example("中共聊城市委员会办公室〔2004〕 1234 号，聊城市委政法委员会办(1999)5号")
def test_citations_are_found_from_their_bracketed_years(text: str) -> None:
    assert [(m.span(), m.groups()) for m in checks._citations(text)] == [
        (m.span(), m.groups()) for m in checks._CITED_NUMBER.finditer(text)
    ]


def _score_by_one_alternation(text: str, table: dict[str, list[tuple[str, float]]]) -> dict[str, float]:
    """Every keyword start by one longest-first lookahead alternation, crediting shorter keywords it starts with."""
    weights: dict[str, list[tuple[str, float]]] = {}
    for slug, pairs in table.items():
        for keyword, weight in pairs:
            if keyword:
                weights.setdefault(keyword, []).append((slug, weight))
    keywords = sorted(weights, key=lambda k: (-len(k), k))
    if not keywords:
        return {}
    pattern = re.compile("(?=(" + "|".join(re.escape(k) for k in keywords) + "))")
    scores: dict[str, float] = {}
    for match in pattern.finditer(re.sub(r"\s+", "", text)):
        for other in keywords:
            if match.group(1).startswith(other):
                for slug, weight in weights[other]:
                    scores[slug] = scores.get(slug, 0.0) + weight
    return scores


_KEYWORDS = [keyword for pairs in topics._shipped_keywords().values() for keyword, _ in pairs]
_CUSTOM = {"a": [("网格", 1.0), ("网格化", 2.5), ("网", 0.1)], "b": [("网格化管理", 3.0), ("安", 1.0), ("x.y", 1.0)],
           "c": [("治安", 0.7)], "d": [("", 1.0)]}


@_EXAMPLES
@given(_texts(*_KEYWORDS, "的", "要", "\n", " ", "网", "化", "安全", "x.y", max_size=20))
def test_topic_scores_are_those_of_one_alternation(text: str) -> None:
    for table in (topics._shipped_keywords(), _CUSTOM):
        fast = topics.score_topics(text, table)
        plain = _score_by_one_alternation(text, table)
        assert fast == plain
        assert list(fast) == list(plain)  # same order of first mention, so the same sums in the same order


_LEX = inline._lexicon()
_INLINE = (*_LEX.suffixes, *_LEX.generics, *_LEX.qualifiers, *_LEX.bares, *_LEX.places, *_LEX.verbs, *_LEX.functions,
           "市公安局", "各旗县区", "县(市区)", "(", ")", "、", "，", "。", " ", "1", "A", "各", "市", "局")


@_EXAMPLES
@given(_texts(*_INLINE, max_size=12), st.integers(min_value=0, max_value=30))
def test_no_name_starts_past_the_name_limit(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    stop = min(len(text), pos + inline._MAX_NAME)
    limit = inline._name_limit(text, pos, stop, _LEX)
    assert all(inline._name_kind(text[pos:end]) is None for end in range(max(limit, pos) + 1, stop + 1))
    verbs = inline._alternation(_LEX.verbs)
    assert (inline._verb_end(text, pos, _LEX) >= 0) == bool(verbs.match(text, pos))


@_EXAMPLES
@given(_texts(*_LEX.qualifiers, *_LEX.generics, *_LEX.bares, "局", "的", max_size=6))
def test_generic_words_are_read_as_a_scan_would(base: str) -> None:
    vocab = sorted(_LEX.qualifiers + _LEX.generics + _LEX.bares, key=lambda w: -len(w))
    pos, seen, whole = 0, set(), True
    while pos < len(base):
        word = next((w for w in vocab if base.startswith(w, pos)), None)
        if word is None:
            whole = False
            break
        seen.add(word)
        pos += len(word)
    plain = whole and (any(w in _LEX.generics for w in seen) or not any(w in _LEX.qualifiers for w in seen))
    assert inline._only_generic_words(base) == plain


def _clause_spans(folded: str) -> list[tuple[int, int]]:
    spans, start, quoted = [], 0, False
    for i, ch in enumerate(folded):
        if ch == "“":
            quoted = True
        elif ch == "”":
            quoted = False
        elif ch in inline._CLAUSE_ENDS or (quoted and ch == "、"):
            spans.append((start, i))
            start = i + 1
            if ch in "。\n":
                quoted = False
    spans.append((start, len(folded)))
    return spans


_MARKS = "市公安局 、 , ; : 。 ! ? “ ” ( ) （ ） ， ； [ ] 《 》 ‘ ’ 〔 〕 【 】 各县 政府".split() + [" ", "\n"]


@_EXAMPLES
@given(_texts(*_MARKS))
@example("“政府出资招聘、公安机关管理使用”，各县(市区)党委、政府;市公安局(牵头，配合)")
@example("“、")
def test_character_loops_that_only_look_at_marks(text: str) -> None:
    assert inline._clauses(text) == _clause_spans(text)
    # duties: bracketed notes, label clauses and the bracket mask
    notes, stack = [], []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            opening = stack.pop()
            if i - opening <= 300 and not stack:
                notes.append((opening, i + 1))
    assert _closing_notes(text) == notes
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch in ",，;；" and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    assert _clauses(text) == [c for c in out if c.strip()]
    masked, depth = [], 0
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
            masked.append(ch)
            continue
        masked.append(" " if depth else ch)
    assert _mask_brackets(text) == "".join(masked)
    # agencies: a list split outside brackets
    folded, spans, depth, start = fold_punctuation(text), [], 0, 0
    for i, ch in enumerate(folded):
        if ch in "([《“‘〔【":
            depth += 1
        elif ch in ")]》”’〕】":
            depth = max(0, depth - 1)
        elif ch in "、,;" and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(folded)))
    trimmed = [(a + len(text[a:b]) - len(text[a:b].lstrip()), b - len(text[a:b]) + len(text[a:b].rstrip()))
               for a, b in spans]
    assert split_agencies(text) == [(a, b) for a, b in trimmed if a < b]
    assert _LIST_MARKS.pattern  # the marks are the brackets and separators above


_OUTLINE = (
    "一、 二、 三. (一) （二） 1、 2. 2.5 (1) （2） 十一、 加强巡逻。 以下活动: ٣、 〇、 一二、".split()
    + ["# ", "## 一、", " ", "\t", "\n", "\n"]
)


@_EXAMPLES
@given(_texts(*_OUTLINE, max_size=40))
def test_markers_found_in_one_pass_are_the_line_by_line_ones(text: str) -> None:
    source = Source(text)
    per_line = []
    for line in range(1, source.line_count + 1):
        start, end = source.line_span(line)
        m = outline._MARKER.match(source.folded, start, end)
        if m:
            per_line.append((line, m.span(), m.groupdict()))
    found = [(line, m.span(), m.groupdict()) for line, m, at_start in outline._markers(source, len(text)) if at_start]
    assert found == per_line


@_EXAMPLES
@given(_texts(*sorted(_TRADITIONAL_ONLY), "们", "个", "这", "中", "文", "a", " ", "\n", max_size=60))
def test_traditional_check_counts_as_before(text: str) -> None:
    hits = sum(1 for ch in text if ch in _TRADITIONAL_ONLY)
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    assert is_traditional(text) == (hits >= _MIN_TRADITIONAL and hits * 50 >= cjk)


@_EXAMPLES
@given(_texts(*_FULL_WIDTH[:-1], "。", "\n", " ", "a1", "市公安局", "：", max_size=40))
def test_joined_text_folds_like_its_characters(text: str) -> None:
    source = Source(text)
    joined = join_lines(source, 0, len(text))
    assert joined.folded == fold_punctuation(joined.text)


_CUES = (
    "更新时间： 来源: 责任编辑 记者 通讯员 **聊城讯** （新华社） 近年来 2019年以来 一、 方案".split()
    + ["\n聊城讯 ", "\n", "回首 2023 年"]
)


@_EXAMPLES
@given(_texts(*_CUES), st.integers(min_value=0, max_value=10))
def test_report_vote_stops_only_when_it_is_settled(text: str, plan: int) -> None:
    source = Source(text)
    assert _report_score_exceeds(source, plan) == (_report_score(source) > plan)


@_EXAMPLES
@given(st.binary(max_size=400) | st.lists(st.sampled_from(b"\x00\x01\t\n\r\x0c\x1b\x1fA\xe4"), max_size=400).map(bytes))
def test_binary_check_counts_as_before(raw: bytes) -> None:
    head = raw[:8192]
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    assert looks_binary(raw) == (b"\x00" in head or controls > len(head) // 20)


def test_records_become_dicts_as_asdict_makes_them() -> None:
    """Document.to_dict builds the dicts itself (asdict's generic deep copy was a third of `kg extract`)."""
    from dataclasses import asdict
    from pathlib import Path

    from loaders import read

    data = Path(__file__).resolve().parent.parent / "data" / "corpus_dev" / "docs"
    seeds = Path(__file__).resolve().parents[2] / "samples" / "seeds"
    for path in sorted(data.glob("*.txt")) + sorted(seeds.glob("*.txt")):
        doc = read(path)
        assert doc.to_dict() == asdict(doc), path.name
        assert list(doc.to_dict()) == list(asdict(doc))  # the same key order: the same JSON


def _noise_words() -> list[str]:
    from loaders import noise

    return list(noise._triggers()[0])


@_EXAMPLES
@given(st.lists(st.sampled_from(["接上页", "上页", "页", "首页", "首", "-", "—", "/", "(", "续上", "English", "Eng",
                                 "中", " ", "\n", "由会员", "会员"]), max_size=30).map("".join))
def test_noise_triggers_found_in_one_scan_are_those_the_text_holds(text: str) -> None:
    from loaders import noise

    assert noise._present_triggers(text) == {w for w in _noise_words() if w in text}


@_EXAMPLES
@given(st.lists(st.sampled_from(["序号", "责任单位", "任务", "工作任务", "：", ":", "市公安局", "加强", "|", "\t", "  ",
                                 " ", "\u3000", "\n", "。", "完成时限"]), max_size=60).map("".join))
def test_table_header_candidates_are_the_lines_a_plain_reading_picks(text: str) -> None:
    from loaders import tables

    def worth_a_look(line: str) -> bool:
        body = line.strip()
        has_word = any(word in line for word in tables._header_words())
        short = len(body) <= tables._MAX_TITLE and not tables._LABEL.search(body)
        return has_word and (short or tables._CELL_MARKS.search(body) is not None)

    plain = [n for n, line in enumerate(text.split("\n")) if worth_a_look(line)]
    assert tables._header_lines(text) == plain
