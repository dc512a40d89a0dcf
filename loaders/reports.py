"""Reported statistics in a news report: who achieved what figure, and when.

``find_outcomes(text)`` returns an :class:`~loaders.model.Outcome` for every figure that reports a
result ("电信网络诈骗案件下降5.1%", "破获刑事案件3000余起", "挽回经济损失1.2亿元", "位列全省第一",
"连续五年…"). Dates, anniversaries (75周年), document numbers, ordinals (第二批), phone numbers and
numbers inside names (“昆仑2023”, 二十大) are not figures: a figure needs a unit, and Chinese
numerals count only in the ranking and 连续N年 patterns. Units, cue words and agency suffixes live in
``loaders/data/reports.json``.

>>> [(o.agency, o.metric, o.value, o.unit, o.period) for o in find_outcomes("2023年,市公安局破获刑事案件3000余起。")]
[('市公安局', '破获刑事案件', 3000, '起', '2023')]
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from loaders import lexicon
from loaders.model import Outcome
from loaders.mood import RESULT, clause_mood
from loaders.numbers import (
    CJK,
    CompactText,
    QuantityGrammar,
    alternation,
    is_noun,
    parse_number,
    scan_clause_end,
    scan_clause_start,
    tidy,
    trim_phrase,
)

__all__ = ["find_outcomes"]

# Clause delimiters in the folded view. Unlike plan targets, 、 separates figures here
# ("推动88名派出所所长、876名社区民警…"), so each figure gets its own clause.
_CLAUSE = ",;:!?。、"
_SHORT_OWNER = 3  # characters an unplaced owner may have before an unambiguous suffix (内蒙古警院)
_BARE_VERB = 4  # characters: a metric this short before its figure is a verb (推动, 提醒约谈), not what is counted


@dataclass(frozen=True)
class _Lexicon:
    quantities: QuantityGrammar
    consecutive: re.Pattern[str]
    consecutive_unit: str
    ranking: re.Pattern[str]
    ranking_unit: str
    ranking_suffix: str
    leading: re.Pattern[str]
    trailing: re.Pattern[str]
    trend_only: re.Pattern[str]
    actor: re.Pattern[str]
    actor_anywhere: re.Pattern[str]  # the same, at any clause start
    strong_suffix: re.Pattern[str]  # the name ends in an unambiguous suffix (公安局, 综治办)
    weak_suffix: re.Pattern[str]  # the name ends in an ambiguous suffix (局, 部, 中心)
    name_breakers: frozenset[str]
    placed: re.Pattern[str]  # the name starts with a place or a level word (晋中市…, 市…, 中央…)
    opener: re.Pattern[str]  # connectives and time phrases that may stand before an actor or a figure
    not_agencies: tuple[str, ...]
    period: re.Pattern[str]
    heading_max: int
    sentence_ends: str


@cache
def _lexicon() -> _Lexicon:
    raw = json.loads(resources.files("loaders").joinpath("data/reports.json").read_text(encoding="utf-8"))
    numeral = r"\d{1,3}|[一二两三四五六七八九十]{1,3}"
    agency = raw["agency"]
    lowest, highest = agency["organisation_name_length"]
    place_low, place_high = agency["place_name_length"]
    breakers = "".join(agency["suffix_breakers"])
    suffixes = agency["organisation_suffixes"] + agency["weak_organisation_suffixes"]
    period = raw["period"]
    year = r"(?<!\d)(?:19|20)\d{2}年"
    period_pattern = (
        rf"{year}(?:(?:{alternation(period['joiners'])}){year})*"
        rf"(?:{alternation(period['qualifiers'])}|[1-9]\d?月份?)?"
    )
    opener = rf"(?:(?:{alternation(agency['connectives'])}|{period_pattern}),?)*"
    # An actor is a name at the start of a clause, after any connective or time phrase: an organisation
    # (…公安局, …综治办) or a bare place (呼和浩特市) acting as subject. A suffix followed by a breaker
    # is part of a longer word (部门, 所长, 处理), not a name.
    # or a level and a department's field (县财政拨付…, 市公安破获…: the body of that field at that level)
    stems = alternation(lexicon.words("department_stems.txt"))
    actor = (
        rf"{opener}(?:(?P<org>[{CJK}]{{{lowest},{highest}}}?(?:{alternation(suffixes)}))"
        rf"|(?P<stem>(?:省|市|县|区|旗|州)(?:{stems}))(?=[{CJK}])"
        rf"|(?P<place>[{CJK}]{{{place_low},{place_high}}}?(?:{alternation(agency['place_suffixes'])})))"
        rf"(?![{breakers}的])"
    )
    ranking = raw["ranking"]
    places = alternation(agency["place_suffixes"])
    return _Lexicon(
        quantities=QuantityGrammar(raw["units"], raw["magnitudes"], raw["approximations"], raw["postfixes"]),
        consecutive=re.compile(
            rf"(?:{alternation(raw['consecutive_years']['cues'])})(?P<n>{numeral})"
            rf"{re.escape(raw['consecutive_years']['unit'])}"
        ),
        consecutive_unit=raw["consecutive_years"]["unit"],
        ranking=re.compile(
            rf"(?:{alternation(ranking['cues'])})(?P<scope>{alternation(ranking['scopes'])})?第(?P<n>{numeral})[名位]?"
        ),
        ranking_unit=ranking["unit"],
        ranking_suffix=ranking["metric_suffix"],
        leading=re.compile(rf"^(?:{alternation(raw['metric_leading_fillers'])}|在)+"),
        trailing=re.compile(rf"(?:{alternation(raw['metric_trailing_fillers'])})+$"),
        trend_only=re.compile(rf"(?:{alternation(raw['trend_words'])})+"),
        actor=re.compile(actor),
        actor_anywhere=re.compile(rf"(?<=[{re.escape(_CLAUSE)}(“])(?=[{CJK}\d]){actor}"),
        strong_suffix=re.compile(f"(?:{alternation(agency['organisation_suffixes'])})$"),
        name_breakers=frozenset(agency["name_breakers"]),
        weak_suffix=re.compile(f"(?:{alternation(agency['weak_organisation_suffixes'])})$"),
        placed=re.compile(
            rf"(?P<place>[{CJK}]{{1,{place_high}}}?(?:{places}))|(?:{alternation(agency['weak_suffix_prefixes'])})"
        ),
        opener=re.compile(opener),
        not_agencies=tuple(agency["not_agencies"]),
        period=re.compile(period_pattern),
        heading_max=raw["heading_max_length"],
        sentence_ends=raw["sentence_ends"],
    )


@dataclass
class _Actor:
    start: int
    name: str
    organisation: bool
    bracketed: bool  # named in an aside "(内蒙古警院支援警力2000名)": never inherited by later sentences


@dataclass
class _Figure:
    start: int
    end: int
    value: int | float
    unit: str
    kind: str  # quantity | ranking | consecutive
    scope: str = ""


@dataclass
class _Layout:
    """Paragraph and sentence bounds of the compact text, and the period each sentence inherits."""

    paragraph_starts: list[int]
    sentence_starts: list[int]
    sentence_ends: list[int]
    inherited: list[str | None]  # per sentence: the period in force when it starts

    def sentence(self, position: int) -> tuple[int, int, str | None]:
        index = max(0, bisect.bisect_right(self.sentence_starts, position) - 1)
        return self.sentence_starts[index], self.sentence_ends[index], self.inherited[index]

    def paragraph_start(self, position: int) -> int:
        index = bisect.bisect_right(self.paragraph_starts, position) - 1
        return self.paragraph_starts[index] if index >= 0 else 0


_DATE_UNITS = frozenset({"日", "天", "月"})
_DATE_CUES = frozenset({"截至", "截止", "至", "到"})
_JOINERS = "和及与、或"
_AFTER_STOP = re.compile(r"[和及与或]|\([^()]{0,40}\d")  # a joiner, or an aside with a figure of its own


def _mood(compact: str, start: int, end: int, sentence_start: int, default: str) -> str:
    """The clause's mood, else its sentence's up to the clause (as the layout cuts sentences: the compact text
    has no line breaks), else the document's."""
    return (clause_mood(compact[start:end]) or clause_mood(compact[sentence_start:end], "sentence") or default)


def find_outcomes(text: str, first_line: int = 1, mood: str | None = None) -> list[Outcome]:
    """Every reported figure in a news report, in text order, with its actor and period where stated.

    With ``mood`` (the mood of a clause that states none: ``result`` in a news report, ``obligation`` in a plan)
    only figures of clauses that report a result are kept (:mod:`loaders.mood`): a news item's 完成率要达到80%
    is a target, a plan's 共计制作横幅75条 a statistic."""
    if not text or not text.strip():
        return []
    lex = _lexicon()
    view = CompactText(text)
    compact = view.text
    if not compact:
        return []
    periods = [(match.start(), match.end(), _period_value(match.group())) for match in lex.period.finditer(compact)]
    layout = _layout(text, view, lex, periods)
    actors = _actors(compact, lex, layout)
    actor_starts = [actor.start for actor in actors]
    period_starts = [start for start, _, _ in periods]
    figures = _drop_modifiers(_figures(compact, lex), compact, layout)
    outcomes: list[Outcome] = []
    previous: tuple[int, str, int] | None = None  # sentence start, metric and end of the last figure
    for figure in figures:
        sentence_start, sentence_end, inherited = layout.sentence(figure.start)
        clause_start = scan_clause_start(compact, figure.start, _CLAUSE, sentence_start)
        clause_end = scan_clause_end(compact, figure.end, _CLAUSE, sentence_end)
        if mood and _mood(compact, clause_start, clause_end, sentence_start, mood) != RESULT:
            continue
        if figure.unit in _DATE_UNITS and compact[max(0, figure.start - 2) : figure.start] in _DATE_CUES:
            continue  # 截至1031日: a date the page lost its 月 from, not a figure
        listed_after = previous is not None and previous[0] == sentence_start and previous[2] > clause_start \
            and compact[figure.start - 1 : figure.start] in tuple(_JOINERS)
        if listed_after and previous is not None:
            # "下降10.9%和35.01%": the second figure of a list; quoted bare, measured as the first, unless a noun
            # of its own follows it (约谈3个乡镇和2个县直部门负责人)
            clause_start = figure.start
            own = _clean(compact[figure.end : clause_end], lex, leading_only=True)
            metric = own if is_noun(own) and figure.unit not in ("%", "‰") else previous[1]
        else:
            metric = _metric(compact, lex, figure, clause_start, clause_end)
        if previous and previous[0] == sentence_start and lex.trend_only.fullmatch(metric):
            metric = previous[1] + metric  # "破获刑事案件1234起,同比上升12.5%": the rise is in those cases
        if not is_noun(metric) and previous and previous[0] == sentence_start:
            metric = previous[1]  # nothing measured of its own: the figure before it in the sentence
        previous = (sentence_start, metric, figure.end)
        agency = _agency(actors, actor_starts, layout, sentence_start, figure.start)
        period = inherited
        index = bisect.bisect_left(period_starts, figure.start) - 1
        if index >= 0 and periods[index][0] >= sentence_start and periods[index][1] <= figure.start:
            period = periods[index][2]
        outcomes.append(
            Outcome(
                agency=agency,
                metric=metric,
                value=figure.value,
                unit=figure.unit,
                period=period,
                quote=view.quote(clause_start, clause_end),
                line=view.line(clause_start, first_line),
            )
        )
    return outcomes


# ── layout: paragraphs, headings, sentences, inherited periods ──────────────────────────────────


def _layout(text: str, view: CompactText, lex: _Lexicon, periods: list[tuple[int, int, str]]) -> _Layout:
    compact = view.text
    blocks: list[tuple[int, int, bool]] = []  # compact start, end, is heading
    for first, last in _paragraphs(text, lex):
        start, end = view.to_compact(first), view.to_compact(last)
        if start >= end:
            continue
        block = compact[start:end]
        ended = bool(blocks) and _ends_sentence(compact[blocks[-1][0] : blocks[-1][1]], lex)
        heading = block.startswith("#") or (
            len(block) <= lex.heading_max and not _ends_sentence(block, lex) and (not blocks or ended)
        )
        opens = lex.opener.match(block)
        if blocks and not heading and not blocks[-1][2] and not ended and not (opens and opens.end()):
            # (a paragraph that opens with 下一步, 同时, 此外 … starts anew even after a lost full stop)
            # A page break inside a paragraph ("…深入践行\n\n习近平生态文明思想…"): join it back.
            blocks[-1] = (blocks[-1][0], end, False)
        else:
            blocks.append((start, end, heading))
    sentence_starts: list[int] = []
    sentence_ends: list[int] = []
    inherited: list[str | None] = []
    current: str | None = None
    period_starts = [start for start, _, _ in periods]
    for start, end, heading in blocks:
        if heading:
            current = None  # a new section or article: its figures do not inherit the last one's year
            sentence_starts.append(start)
            sentence_ends.append(end)
            inherited.append(None)
            continue
        first = True
        position = start
        for stop in [m.end() for m in re.finditer(f"[{re.escape(lex.sentence_ends)}]", compact[start:end])] + [
            end - start
        ]:
            sentence_end = start + stop
            if sentence_end <= position:
                continue
            sentence_starts.append(position)
            sentence_ends.append(sentence_end)
            inherited.append(current)
            # The period a sentence opens with ("2023年,…") holds for the rest of the paragraph and the
            # section; so does any period named in a paragraph's first sentence ("…2023年至2024年跨年活动…").
            index = bisect.bisect_left(period_starts, position)
            if index < len(periods) and periods[index][0] < sentence_end:
                opener = lex.opener.match(compact, position)
                leads = opener is not None and opener.end() > position and periods[index][0] < opener.end()
                if leads or first:
                    current = periods[index][2]
            first = False
            position = sentence_end
    if not sentence_starts:
        sentence_starts, sentence_ends, inherited = [0], [len(compact)], [None]
    return _Layout([start for start, _, _ in blocks] or [0], sentence_starts, sentence_ends, inherited)


def _paragraphs(text: str, lex: _Lexicon) -> list[tuple[int, int]]:
    """Runs of non-blank lines, cut after a line that ends a sentence as well: a web page writes one paragraph
    a line with no blank line between (an actor named in one does not act in the next)."""
    spans = []
    for match in re.finditer(r"[^\n]+(?:\n[ \t\u3000\r]*(?=\S)[^\n]*)*", text):
        if not match.group().strip():
            continue
        start = match.start()
        for line in re.finditer(r"[^\n]*\n?", match.group()):
            if line.group().rstrip()[-1:] in lex.sentence_ends or line.end() == len(match.group()):
                end = match.start() + len(line.group().rstrip("\n")) + line.start()
                if text[start:end].strip():
                    spans.append((start, end))
                start = match.start() + line.end()
                if line.end() == len(match.group()):
                    break
    return spans


def _ends_sentence(block: str, lex: _Lexicon) -> bool:
    return bool(block) and block.rstrip("”’\"')")[-1:] in lex.sentence_ends


def _period_value(phrase: str) -> str:
    """"2023年" → "2023"; anything with more in it ("2023年上半年", "2014年以来") as written."""
    return phrase[:-1] if re.fullmatch(r"\d{4}年", phrase) else phrase


# ── actors ───────────────────────────────────────────────────────────────────────────────────────


def _actors(compact: str, lex: _Lexicon, layout: _Layout) -> list[_Actor]:
    """Names standing as the subject of a clause, in text order."""
    found = []
    # One regex pass finds clause starts (after a delimiter or an opening bracket) that hold a name;
    # paragraph starts are tried one by one. A Python loop over every delimiter would be slow on
    # a megabyte of 、.
    candidates = [match for start in layout.paragraph_starts if (match := lex.actor.match(compact, start))]
    candidates += lex.actor_anywhere.finditer(compact)
    seen: set[int] = set()
    for match in sorted(candidates, key=lambda match: match.start()):
        group = "org" if match.group("org") else "stem" if match.group("stem") else "place"
        organisation = group != "place"
        name, name_start = match.group(group), match.start(group)
        if name_start in seen or not _plausible(name, organisation, lex):
            continue
        seen.add(name_start)
        bracketed = match.start() > 0 and compact[match.start() - 1] == "("
        found.append(_Actor(name_start, name, organisation, bracketed))
    return found


def _plausible(name: str, organisation: bool, lex: _Lexicon) -> bool:
    """Reject generic words (全市, 城区), phrases (提升了自治区) and names with no owner in front.

    An organisation must start with a place or level word (晋中市委, 市综治办, 中央综治委); with an
    unambiguous suffix a short unplaced prefix is allowed too (内蒙古警院). 外部, 关键部 and
    试点推动派出所 are not names.
    """
    if name.endswith(lex.not_agencies) or lex.name_breakers.intersection(name):
        return False
    if not organisation:
        return True
    placed = lex.placed.match(name)
    if placed and placed.end() < len(name):
        place = placed.group("place")
        return not (place and place.endswith(lex.not_agencies))
    strong = lex.strong_suffix.search(name)
    return strong is not None and strong.start() <= _SHORT_OWNER


def _agency(actors: list[_Actor], starts: list[int], layout: _Layout, sentence_start: int, position: int) -> str | None:
    """The actor of the figure's sentence; else the last organisation acting earlier in the paragraph."""
    index = bisect.bisect_left(starts, position) - 1
    paragraph_start = layout.paragraph_start(sentence_start)
    while index >= 0 and actors[index].start >= paragraph_start:
        actor = actors[index]
        if actor.start >= sentence_start:
            return actor.name
        if actor.organisation and not actor.bracketed:
            return actor.name
        index -= 1
    return None


# ── figures ──────────────────────────────────────────────────────────────────────────────────────


def _figures(compact: str, lex: _Lexicon) -> list[_Figure]:
    found = [
        _Figure(quantity.start, quantity.end, quantity.value, quantity.unit, "quantity")
        for quantity in lex.quantities.find(compact)
        if quantity.unit and not quantity.chinese
    ]
    for pattern, kind, unit in (
        (lex.ranking, "ranking", lex.ranking_unit),
        (lex.consecutive, "consecutive", lex.consecutive_unit),
    ):
        for match in pattern.finditer(compact):
            value = parse_number(match.group("n"))
            if value is not None:
                scope = match.groupdict().get("scope") or ""
                found.append(_Figure(match.start(), match.end(), tidy(value), unit, kind, scope))
    found.sort(key=lambda figure: figure.start)
    return found


def _drop_modifiers(figures: list[_Figure], compact: str, layout: _Layout) -> list[_Figure]:
    """A figure that only qualifies a noun before another figure ("案值10万元以上案件15起") is not one."""
    kept = []
    for index, figure in enumerate(figures):
        follower = compact[figure.end : figure.end + 1]
        if figure.kind == "quantity" and re.match(f"[{CJK}]", follower) and follower != "的":
            _, sentence_end, _ = layout.sentence(figure.start)
            clause_end = scan_clause_end(compact, figure.end, _CLAUSE, sentence_end)
            following = figures[index + 1] if index + 1 < len(figures) else None
            # 下降10.9%和35.01%, 约谈3个乡镇和2个部门: a list of figures, not a figure qualifying a noun
            listed = following is not None and compact[following.start - 1 : following.start] in _JOINERS
            if following is not None and following.start < clause_end and not listed:
                continue
        kept.append(figure)
    return kept


def _metric(compact: str, lex: _Lexicon, figure: _Figure, clause_start: int, clause_end: int) -> str:
    """What the figure counts: the clause before it, without actor, time and filler words."""
    whole = compact[clause_start : figure.start]
    actor = lex.actor.match(whole)
    if actor:
        before = whole[actor.end() :]
        if not is_noun(_clean(before, lex)):
            before = whole  # 建设并实体化运行义警工作站63个: the "actor" is what is counted
    else:
        opener = lex.opener.match(whole)
        before = whole[opener.end() :] if opener else whole
    before = _clean(before, lex)
    # what the figure counts ends at a joiner (3个乡镇|和2个…) or an aside in brackets
    stop = _AFTER_STOP.search(compact, figure.end, clause_end)
    after = _clean(compact[figure.end : stop.start() if stop else clause_end], lex, leading_only=True)
    if figure.kind == "consecutive":
        return before + after
    if figure.kind == "ranking" and not is_noun(before):
        return figure.scope + lex.ranking_suffix
    if is_noun(after) and len(before) <= _BARE_VERB and figure.unit not in ("%", "‰"):
        return before + after  # 推动88名派出所所长: what is counted follows the figure, the verb alone says nothing
    return before if is_noun(before) else after or before


def _clean(phrase: str, lex: _Lexicon, leading_only: bool = False) -> str:
    return trim_phrase(phrase, lex.leading, lex.trailing, leading_only)

