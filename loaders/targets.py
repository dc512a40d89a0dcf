"""Quantitative obligations in one plan measure: rates, counts, ratios, frequencies and deadlines.

``find_targets(text)`` reads one measure's body and returns a :class:`~loaders.model.Target` for every
numeric goal ("排查率达到100%", "破案率同比上升3%", "每年至少组织二次"), every dated coverage goal
("到2020年…全覆盖") and every dated action without a number ("2004年6月份召开…会议").
Cue words, units and deadline words live in ``loaders/data/targets.json``.

>>> [(t.metric, t.comparator, t.value, t.unit) for t in find_targets("吸毒人员查处率达到 40%，执行率低于 7‰。")]
[('吸毒人员查处率', '>=', 40, '%'), ('执行率', '<=', 7, '‰')]
>>> [(t.value, t.unit, t.deadline) for t in find_targets("到“十二五”末期，网络节点线路带宽覆盖率达到85％以上。")]
[(85, '%', '2015')]
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from loaders.model import Target
from loaders.numbers import (
    CJK,
    CompactText,
    Quantity,
    QuantityGrammar,
    alternation,
    finditer_from,
    is_noun,
    scan_clause_end,
    scan_clause_start,
    trim_phrase,
)

__all__ = ["find_targets"]

# Clause delimiters in the folded view (， → ,). 、 is not one: metrics are often lists ("高速、国道和省道覆盖率").
_CLAUSE = ",;:!?。"
_SENTENCE = "。!?"
_MAX_METRIC = 60  # characters
_SENTENCE_STOP = re.compile(f"[{re.escape(_SENTENCE)}]")
_CJK_RUN = re.compile(f"[{CJK}]+")
_CJK_CHAR = re.compile(f"[{CJK}]")
_DIGIT = re.compile(r"\d")
_EXAMPLES = re.compile(r"\([^()]*(?:、|等)\)")


@dataclass(frozen=True)
class _Lexicon:
    comparators: dict[str, str]  # cue word → comparator
    cue_lengths: tuple[int, ...]
    postfix: dict[str, str]
    quantities: QuantityGrammar
    default_comparator: dict[str, str]
    default_otherwise: str
    rate_suffixes: tuple[str, ...]
    rate_unit: str
    list_split: re.Pattern[str]
    separators: frozenset[str]
    respectively: tuple[str, ...]
    frequency: re.Pattern[str]
    frequency_periods: dict[str, str]
    frequency_unit_prefix: str
    frequency_metric_suffix: str
    every: tuple[str, ...]  # 每年, 每月 …: a Chinese numeral after one of these is a frequency or a quota
    full_coverage: re.Pattern[str]
    coverage_suffix: str
    deadline: re.Pattern[str]
    deadline_starts: re.Pattern[str]  # the first character of any deadline phrase
    plan_periods: dict[str, str]
    definite_prefixes: frozenset[str]
    action_verbs: re.Pattern[str]
    directions: dict[str, str]  # increase/decrease verbs → comparator
    direction_tail: re.Pattern[str]
    leading: re.Pattern[str]
    trailing: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    raw = json.loads(resources.files("loaders").joinpath("data/targets.json").read_text(encoding="utf-8"))
    comparators = {word: comparator for comparator, words in raw["comparators"].items() for word in words}
    postfix = {word: comparator for comparator, words in raw["postfix_comparators"].items() for word in words}
    periods = raw["frequency_periods"]
    directions = {word: kind for kind in ("increase", "decrease") for word in raw["comparators"][kind]}
    plan = raw["plan_periods"]
    prefixes = alternation(raw["deadline_prefixes"])
    deadline = re.compile(
        rf"(?P<pre>{prefixes})?(?:"
        rf"(?<!\d)(?P<year>(?:19|20)\d{{2}})年(?:(?P<half>{alternation(raw['half_year_words'])})"
        rf"|(?P<mon>\d{{1,2}}(?:[~\-—至到]\d{{1,2}})?)月(?:{alternation(raw['month_suffixes'])})?"
        rf"|(?P<end>{alternation(raw['year_end_words'])}))?"
        rf"|“?(?P<plan>{alternation(list(plan))})”?(?P<psuf>{alternation(raw['plan_period_suffixes'])})?"
        rf")(?P<post>{alternation(raw['deadline_suffixes'])})?"
    )
    return _Lexicon(
        comparators=comparators,
        cue_lengths=tuple(sorted({len(word) for word in comparators}, reverse=True)),
        postfix=postfix,
        quantities=QuantityGrammar(
            raw["units"], raw["magnitudes"], raw["approximations"], list(postfix), raw["ratio_unit"]
        ),
        default_comparator=raw["default_comparator"],
        default_otherwise=raw["default_comparator_otherwise"],
        rate_suffixes=tuple(raw["rate_suffixes"]),
        rate_unit=raw["rate_unit"],
        list_split=re.compile(alternation(raw["list_separators"])),
        separators=frozenset(raw["list_separators"]),
        respectively=tuple(raw["respectively"]),
        frequency=re.compile(rf"(?P<period>{alternation(list(periods))})一(?P<verb>[{CJK}]{{1,4}})"),
        frequency_periods=periods,
        frequency_unit_prefix=raw["frequency_unit_prefix"],
        frequency_metric_suffix=raw["frequency_metric_suffix"],
        every=tuple(word for word in periods if word.startswith("每")),
        full_coverage=re.compile(alternation(raw["full_coverage"])),
        coverage_suffix=raw["full_coverage_metric_suffix"],
        deadline=deadline,
        # A prefix word, the 19/20 of a year, or an opening quote or the first character of a plan period.
        deadline_starts=re.compile(
            "[" + "".join(sorted({re.escape(w[0]) for w in [*raw["deadline_prefixes"], *plan, "19", "20", "“"] if w}))
            + "]"
        ),
        plan_periods=plan,
        definite_prefixes=frozenset(raw["definite_deadline_prefixes"]),
        action_verbs=re.compile(alternation(raw["action_verbs"])),
        directions=directions,
        direction_tail=re.compile(
            rf"(?:{alternation(raw['direction_adverbs'])})?(?:{alternation(list(directions))})$"
        ),
        leading=re.compile(rf"^(?:{alternation(raw['leading_fillers'])})+"),
        trailing=re.compile(rf"(?:{alternation(raw['trailing_fillers'])})+$"),
    )


@dataclass
class _Deadline:
    start: int
    end: int
    value: str


@dataclass
class _Found:
    start: int  # compact span of the quote
    end: int
    position: int  # where the goal's number stands (sort key, and the deadline looks back from it)
    metric: str
    comparator: str | None
    value: int | float | None
    unit: str | None
    deadline: str | None
    cued: bool = True  # a comparator word governs the number
    modifier: bool = False  # a bare number right before a noun ("案值10万元以上重特大案件"): maybe not a goal


class _Sentences:
    """Sentence bounds of the compact text, found once so each lookup is a bisect."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stops = [match.start() for match in _SENTENCE_STOP.finditer(text)]

    def bounds(self, position: int) -> tuple[int, int]:
        index = bisect.bisect_left(self.stops, position)
        start = self.stops[index - 1] + 1 if index else 0
        end = self.stops[index] if index < len(self.stops) else len(self.text)
        return start, end


def find_targets(text: str, first_line: int = 1) -> list[Target]:
    """Every quantitative obligation in one measure's body, in text order.

    ``line`` is ``first_line`` plus the number of line breaks before the quote; ``quote`` is an exact
    substring of ``text`` (PDF line breaks kept).
    """
    if not text or not text.strip():
        return []
    lex = _lexicon()
    view = CompactText(text)
    compact = view.text
    sentences = _Sentences(compact)
    deadlines = _Deadlines(_find_deadlines(compact, lex))
    found = _numeric_goals(compact, lex, sentences, deadlines)
    found += _frequencies(compact, lex, sentences)
    found += _coverage_goals(compact, lex, sentences, deadlines)
    found = _drop_modifiers(found)
    found += _dated_actions(compact, lex, sentences, deadlines, found)
    found.sort(key=lambda item: (item.position, item.start))
    return [
        Target(
            metric=item.metric,
            comparator=item.comparator,
            value=item.value,
            unit=item.unit,
            deadline=item.deadline,
            quote=view.quote(item.start, item.end),
            line=view.line(item.start, first_line),
        )
        for item in found
    ]


# ── deadlines ────────────────────────────────────────────────────────────────────────────────────


def _find_deadlines(compact: str, lex: _Lexicon) -> list[_Deadline]:
    """Dated phrases that set a deadline: 到2020年, 2015年底前, 2004年6月份, 到“十二五”末期, 2017年实现."""
    found: list[_Deadline] = []
    for match in finditer_from(lex.deadline, lex.deadline_starts, compact):
        if match.group("plan"):
            if not (match.group("pre") in lex.definite_prefixes or match.group("psuf")):
                continue  # a bare “十三五” names a plan, not a deadline
            found.append(_Deadline(match.start(), match.end(), lex.plan_periods[match.group("plan")]))
            continue
        year = match.group("year")
        if not year:
            continue
        if match.group("mon"):
            value = f"{year}年{match.group('mon')}月"
        elif match.group("half"):
            value = f"{year}年{match.group('half')}"
        else:
            value = year
        definite = (
            match.group("pre") in lex.definite_prefixes
            or match.group("post")
            or match.group("mon")
            or match.group("half")
            or match.group("end")
        )
        # A bare year is a deadline only when an action follows ("2017年实现…"); "2004年是…" is a date.
        if not definite and not _action_follows(compact, match.end(), lex):
            continue
        found.append(_Deadline(match.start(), match.end(), value))
    return found


def _action_follows(compact: str, position: int, lex: _Lexicon) -> bool:
    while position < len(compact) and compact[position] in ",:":
        position += 1
    return lex.action_verbs.match(compact, position) is not None


class _Deadlines:
    """Deadline phrases in text order, with their starts kept for bisecting."""

    def __init__(self, items: list[_Deadline]) -> None:
        self.items = items
        self.starts = [item.start for item in items]

    def before(self, start: int, position: int) -> _Deadline | None:
        """The last deadline phrase in [start, position): a deadline governs the rest of its sentence."""
        index = bisect.bisect_left(self.starts, position) - 1
        return self.items[index] if index >= 0 and self.items[index].start >= start else None


# ── numeric goals ────────────────────────────────────────────────────────────────────────────────


def _groups(quantities: list[Quantity], compact: str, lex: _Lexicon) -> list[list[Quantity]]:
    """Numbers joined by 、/和/到 into one list ("95%、90%和100%", "1、3、8分钟"); a unit carries backwards."""
    groups: list[list[Quantity]] = []
    for quantity in quantities:
        if groups and compact[groups[-1][-1].end : quantity.start] in lex.separators:
            groups[-1].append(quantity)
        else:
            groups.append([quantity])
    result = []
    for group in groups:
        unit = ""
        for quantity in reversed(group):
            if quantity.unit:
                unit = quantity.unit
            elif unit:
                quantity.unit = unit
        kept = [quantity for quantity in group if quantity.unit]
        if kept:
            result.append(kept)
    return result


def _cue_before(compact: str, position: int, floor: int, lex: _Lexicon, gap: int) -> tuple[int, int, str] | None:
    """The comparator cue ending right before ``position`` (or up to ``gap`` CJK characters before it)."""
    for skip in range(gap + 1):
        end = position - skip
        if end <= floor or (skip and not _CJK_RUN.fullmatch(compact[end:position])):
            return None
        for length in lex.cue_lengths:
            if end - length >= floor and compact[end - length : end] in lex.comparators:
                return end - length, end, lex.comparators[compact[end - length : end]]
    return None


def _numeric_goals(
    compact: str, lex: _Lexicon, sentences: _Sentences, deadlines: _Deadlines
) -> list[_Found]:
    found: list[_Found] = []
    last_end = -1  # end of the last accepted goal: a 每年 governs only the first quantity after it
    previous: tuple[int, str] | None = None  # sentence start and metric of the last goal
    for group in _groups(lex.quantities.find(compact), compact, lex):
        first, last = group[0], group[-1]
        sentence_start, sentence_end = sentences.bounds(first.start)
        clause_start = scan_clause_start(compact, first.start, _CLAUSE, sentence_start)
        clause_end = scan_clause_end(compact, last.end, _CLAUSE, sentence_end)
        # The cue stands right before the number, or before a short verb ("至少组织二次", "至少开展1次").
        cue = _cue_before(compact, first.start, clause_start, lex, gap=0) or _cue_before(
            compact, first.start, clause_start, lex, gap=3
        )
        if first.chinese:
            # A Chinese numeral is a quantity only when a cue or a 每年-style period governs it;
            # otherwise 三级, 五个方面, 一个月 are ordinary words.
            if not cue and not _after_every(compact, lex, max(clause_start, last_end), first.start):
                continue
        deadline = deadlines.before(sentence_start, first.start)
        metric_start = clause_start
        if deadline and deadline.end > clause_start and deadline.end <= first.start:
            metric_start = deadline.end
        metric_end = cue[0] if cue else first.start
        respectively = False
        for word in lex.respectively:
            if compact[metric_start:metric_end].endswith(word):
                metric_end -= len(word)
                respectively = True
        # A metric is a noun phrase, never a whole run-on clause: keep its last characters only.
        before = _clean(compact[max(metric_start, metric_end - _MAX_METRIC) : metric_end], lex)
        after = _clean(compact[last.end : min(clause_end, last.end + _MAX_METRIC)], lex, leading_only=True)
        if before in lex.frequency_periods and cue:
            # "每年至少组织二次对…排查整治": what is counted follows the number.
            metric = before + _clean(compact[cue[1] : first.start], lex) + after
        elif not cue and after:
            metric = before + after
        else:
            metric = before if is_noun(before) else before + after
        if not is_noun(metric) and cue and previous and previous[0] == sentence_start:
            metric = previous[1]  # "地区生产总值达到678亿元,增长9.5%": the growth is of the same figure
        if not is_noun(metric):
            continue  # "五个 100%": a number with nothing measured
        previous = (sentence_start, metric)
        comparator = _comparator(cue[2] if cue else None, last.postfix, last.unit, lex)
        pairs = _pair_metrics(before, group, respectively, lex) if cue and metric == before else None
        follower = compact[last.end : last.end + 1]
        modifier = not cue and bool(_CJK_CHAR.match(follower)) and follower != "的"
        for quantity, name in pairs or [(quantity, metric) for quantity in group]:
            found.append(
                _Found(clause_start, clause_end, quantity.start, name, comparator, quantity.value, quantity.unit,
                       deadline.value if deadline else None, bool(cue), modifier)
            )
        last_end = last.end
    return found


def _after_every(compact: str, lex: _Lexicon, start: int, position: int) -> bool:
    """Whether a 每年/每月 stands in [start, position) and the numeral is not a list total (等五个方面)."""
    if position and compact[position - 1] == "等":
        return False
    index = compact.rfind("每", start, position)
    return index >= 0 and any(compact.startswith(word, index) for word in lex.every)


def _comparator(cue: str | None, postfix: str | None, unit: str, lex: _Lexicon) -> str:
    """A direction word wins ("提高20%以上" is an increase); then 以上/以下; then the cue; then the unit's
    default: a bare rate is a floor ("排查率 100%" → >=), a response time a ceiling ("3分钟处置圈" → <=)."""
    if cue in ("increase", "decrease"):
        return cue
    if postfix:
        return lex.postfix[postfix]
    return cue or lex.default_comparator.get(unit, lex.default_otherwise)


def _pair_metrics(
    before: str, group: list[Quantity], respectively: bool, lex: _Lexicon
) -> list[tuple[Quantity, str]]:
    """One metric per value: "A率、B率及C率分别达到x、y和z" pairs in order; "A率和B率达到x" gives both.

    A shared owner before 的 is kept on every part ("流动人口的列管率、持证率" → 流动人口持证率).
    """
    default = [(quantity, before) for quantity in group]
    spans, position = [], 0
    for separator in lex.list_split.finditer(before):
        if separator.start() > position:
            spans.append((position, separator.start()))
        position = separator.end()
    if position < len(before):
        spans.append((position, len(before)))
    if len(spans) < 2 or (not respectively and len(group) > 1):
        return default
    if respectively:
        if len(spans) < len(group):
            return default
        spans = spans[-len(group) :]
    owner = before[: spans[0][0]]
    parts = [before[start:end] for start, end in spans]
    if "的" in parts[0]:
        cut = parts[0].rindex("的")
        owner, parts[0] = owner + parts[0][:cut], parts[0][cut + 1 :]
    owner = re.sub(f"(?:{lex.list_split.pattern}|的)+$", "", owner)
    if not all(part.endswith(lex.rate_suffixes) for part in parts):
        return default
    names = [owner + part for part in parts]
    if respectively:
        return list(zip(group, names, strict=True))
    return [(group[0], name) for name in names]


def _frequencies(compact: str, lex: _Lexicon, sentences: _Sentences) -> list[_Found]:
    """半月一协调, 每月一调度: once per period."""
    found = []
    for match in lex.frequency.finditer(compact):
        sentence_start, sentence_end = sentences.bounds(match.start())
        clause_start = scan_clause_start(compact, match.start(), _CLAUSE, sentence_start)
        clause_end = scan_clause_end(compact, match.end(), _CLAUSE, sentence_end)
        period = lex.frequency_periods[match.group("period")]
        verb = match.group("verb")
        found.append(
            _Found(clause_start, clause_end, match.start(), verb + lex.frequency_metric_suffix, "=", 1,
                   lex.frequency_unit_prefix + period, None)
        )
    return found


def _coverage_goals(
    compact: str, lex: _Lexicon, sentences: _Sentences, deadlines: _Deadlines
) -> list[_Found]:
    """…全覆盖 with a deadline in the same sentence is a 100% coverage goal; without one it is a slogan."""
    found = []
    for match in lex.full_coverage.finditer(compact):
        sentence_start, sentence_end = sentences.bounds(match.start())
        deadline = deadlines.before(sentence_start, match.start())
        if deadline is None:
            continue
        clause_start = scan_clause_start(compact, match.start(), _CLAUSE, sentence_start)
        clause_end = scan_clause_end(compact, match.end(), _CLAUSE, sentence_end)
        metric_start = deadline.end if clause_start <= deadline.end <= match.start() else clause_start
        metric = _clean(compact[metric_start : match.start()], lex)
        if not is_noun(metric):
            continue
        found.append(
            _Found(clause_start, clause_end, match.start(), metric + lex.coverage_suffix, "=", 100, lex.rate_unit,
                   deadline.value)
        )
    return found


def _drop_modifiers(found: list[_Found]) -> list[_Found]:
    """A bare number that only qualifies a noun ("案值10万元以上重特大案件…提高20%") is not a goal itself."""
    last_cued: dict[int, int] = {}  # clause start → position of its last cue-governed goal
    for item in found:
        if item.cued:
            last_cued[item.start] = max(last_cued.get(item.start, -1), item.position)
    return [item for item in found if not (item.modifier and last_cued.get(item.start, -1) > item.position)]


def _dated_actions(
    compact: str, lex: _Lexicon, sentences: _Sentences, deadlines: _Deadlines, found: list[_Found]
) -> list[_Found]:
    """A deadline whose clause holds no number: "2004年6月份召开…会议", "到2020年…比例大幅增加"."""
    result = []
    positions = sorted(item.position for item in found)
    for deadline in deadlines.items:
        _, sentence_end = sentences.bounds(deadline.start)
        start = deadline.end
        clause = None
        for _ in range(2):  # "2004年下半年或适当时机,召开…": skip one clause with no action in it
            while start < sentence_end and compact[start] in _CLAUSE:
                start += 1
            end = scan_clause_end(compact, start, _CLAUSE, sentence_end)
            if end <= start:
                break
            text = compact[start:end]
            if lex.action_verbs.search(text) or lex.direction_tail.search(text):
                clause = (start, end)
                break
            start = end
        if clause is None:
            continue
        start, end = clause
        index = bisect.bisect_left(positions, deadline.start)
        if index < len(positions) and positions[index] < end:
            continue  # the deadline already dates a numeric goal in this clause
        text = compact[start:end]
        direction = lex.direction_tail.search(text)
        comparator = unit = None
        metric = _clean(text, lex)
        if direction and not _DIGIT.search(text):
            comparator = lex.directions[
                next(word for word in sorted(lex.directions, key=len, reverse=True) if direction.group().endswith(word))
            ]
            metric = _clean(text[: direction.start()], lex)
            unit = lex.rate_unit if metric.endswith(lex.rate_suffixes) else None
        if not is_noun(metric):
            continue
        result.append(_Found(deadline.start, end, deadline.start, metric, comparator, None, unit, deadline.value))
    return result


# ── metric phrases ───────────────────────────────────────────────────────────────────────────────


def _clean(phrase: str, lex: _Lexicon, leading_only: bool = False) -> str:
    """A metric noun phrase: example lists in brackets dropped, leading verbs and trailing 要/同比 trimmed."""
    # "重点地区（城中村、城乡结合部等）排查率" → 重点地区排查率: a bracket of examples is not the metric.
    phrase = _EXAMPLES.sub("", phrase)
    return trim_phrase(phrase, lex.leading, lex.trailing, leading_only)

