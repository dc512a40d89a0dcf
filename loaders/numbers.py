"""Numbers in Chinese prose: numerals, and the whitespace-free view quantities are matched in.

Shared by :mod:`loaders.targets` and :mod:`loaders.reports`. Pure functions, no I/O.

Why not cn2an: it costs ≈ 226 ms to import (it builds tables at import time), it raises on
ordinary spans such as "二次", and its free-text mode over-converts words (统一 → 统1). The
extractors only ever convert a span they have already picked out with a pattern, and the numerals
in these documents are small (二次, 五年, 一个, 百分之九十五), so a 40-line converter is enough.

>>> chinese_number("二十五"), chinese_number("两"), chinese_number("一百零八"), chinese_number("二〇二〇")
(25, 2, 108, 2020)
>>> parse_number("８５"), parse_number("99.86"), parse_number("三点五")
(85, 99.86, 3.5)
>>> view = CompactText("达到 85％\\n以上")
>>> view.text
'达到85%以上'
>>> view.quote(2, 5)
'85％'
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from loaders.text import char_folder

__all__ = [
    "ARABIC",
    "CHINESE",
    "CJK",
    "CompactText",
    "Quantity",
    "QuantityGrammar",
    "alternation",
    "chinese_number",
    "finditer_from",
    "fold",
    "parse_number",
    "tidy",
    "scan_clause_end",
    "scan_clause_start",
]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

#: An Arabic number of at most 12 integer digits. The bounded repeats and the lookarounds keep a
#: megabyte of digits linear (no match at all) instead of one giant number Python cannot convert.
ARABIC = r"(?<![\d.])\d{1,12}(?:\.\d{1,6})?(?![\d])"
#: Chinese numerals without 万/亿: those are read as part of the unit (二十万元 → 20 万元), as with digits.
_CHINESE_DIGITS = "〇零一二两三四五六七八九十百千"
CHINESE = rf"[{_CHINESE_DIGITS}]{{1,8}}"
CJK = r"\u4e00-\u9fff"

# Full-width ASCII (U+FF01–U+FF5E) → ASCII, one character for one, so positions survive folding.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_fold = char_folder(_FOLD)
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_RUN = re.compile(r"\S+")
_NEWLINE = re.compile("\n")


def fold(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII (８５％ → 85%), length-preserving."""
    return _fold(text)


def chinese_number(numeral: str) -> int | float | None:
    """The value of a Chinese numeral ("二十五", "两", "三点五", "二〇二〇"), or None if it is not one."""
    if not numeral:
        return None
    if "点" in numeral:
        whole, _, frac = numeral.partition("点")
        head = chinese_number(whole) if whole else 0
        if head is None or not frac or any(ch not in _DIGITS for ch in frac):
            return None
        return head + float("0." + "".join(str(_DIGITS[ch]) for ch in frac))
    if len(numeral) > 1 and all(ch in _DIGITS for ch in numeral):
        # Digit-by-digit years and codes: 二〇二〇 → 2020.
        return int("".join(str(_DIGITS[ch]) for ch in numeral))
    total = section = digit = 0
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[ch]
            digit = 0
        elif ch in _BIG_UNITS:
            total = (total + section + digit) * _BIG_UNITS[ch]
            section = digit = 0
        else:
            return None
    return total + section + digit


def parse_number(token: str) -> int | float | None:
    """An Arabic (full- or half-width) or Chinese number as int when whole, else float; None if neither."""
    token = fold(token)
    if _DECIMAL.fullmatch(token):
        value = float(token)
        return int(value) if value.is_integer() and "." not in token else value
    return chinese_number(token)


@dataclass
class CompactText:
    """The text with all whitespace removed and full-width forms folded, mapped back to the original.

    PDF extraction breaks lines inside words and numbers ("低\\n于 2‰", "达到 100%"), so patterns
    run over this view; every span found in it maps back to an exact substring of the original.
    """

    original: str
    text: str = field(init=False)
    origin: list[int] = field(init=False, repr=False)
    _breaks: list[int] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        pieces: list[str] = []
        origin: list[int] = []
        # One regex pass over non-space runs: a Python loop per character would be slow on 1 MB.
        for run in _RUN.finditer(self.original):
            pieces.append(run.group())
            origin.extend(range(run.start(), run.end()))
        self.text = fold("".join(pieces))
        self.origin = origin

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the compact span [start, end) (end exclusive, both clamped)."""
        if not self.origin or end <= start:
            position = self.origin[start] if start < len(self.origin) else len(self.original)
            return position, position
        start = max(0, min(start, len(self.origin) - 1))
        end = max(start + 1, min(end, len(self.origin)))
        return self.origin[start], self.origin[end - 1] + 1

    def to_compact(self, position: int) -> int:
        """The compact index of the first non-space character at or after an original position."""
        return bisect.bisect_left(self.origin, position)

    def quote(self, start: int, end: int) -> str:
        """The exact original substring behind a compact span (line breaks and padding kept)."""
        first, last = self.to_original(start, end)
        return self.original[first:last]

    def line(self, start: int, first_line: int = 1) -> int:
        """1-based line of the original where the compact position ``start`` stands."""
        if self._breaks is None:
            # Found once: counting line breaks per quote would be quadratic on a long text.
            self._breaks = [match.start() for match in _NEWLINE.finditer(self.original)]
        first, _ = self.to_original(start, start + 1)
        return first_line + bisect.bisect_left(self._breaks, first)


_OPENERS = {"(": ")", "“": "”", "《": "》", "[": "]", "【": "】", "「": "」"}
_CLOSERS = {closer: opener for opener, closer in _OPENERS.items()}
_BRACKETS = re.compile("[" + re.escape("".join(_OPENERS) + "".join(_CLOSERS)) + "]")

#: How far a clause may reach from a quantity. Chinese clauses between commas are short; the cap
#: keeps the work per quantity constant, so a megabyte with no punctuation stays linear.
MAX_CLAUSE = 160


def scan_clause_start(text: str, position: int, delimiters: str, limit: int = 0) -> int:
    """Start of the clause holding ``position``: after the last delimiter or unmatched opening bracket.

    Bracketed groups before the position are skipped whole, so "设施（水、电、路等）排查率" is one clause
    even when 、 is a delimiter; an unmatched "(" or "“" starts a clause ("规划出“1、3、8分钟处置圈”").
    """
    floor = max(limit, position - MAX_CLAUSE)
    if not _BRACKETS.search(text, floor, position):
        # Fast path, no brackets to balance: the last delimiter, found by C-level rfind.
        return max([floor] + [text.rfind(ch, floor, position) + 1 for ch in delimiters])
    depth: list[str] = []
    index = position - 1
    while index >= floor:
        ch = text[index]
        if ch in _CLOSERS:
            depth.append(_CLOSERS[ch])
        elif ch in _OPENERS:
            if depth and depth[-1] == ch:
                depth.pop()
            elif not depth:
                return index + 1
        elif not depth and ch in delimiters:
            return index + 1
        index -= 1
    return floor


def scan_clause_end(text: str, position: int, delimiters: str, limit: int | None = None) -> int:
    """End (exclusive) of the clause holding ``position``: the mirror of :func:`scan_clause_start`."""
    ceiling = min(len(text) if limit is None else limit, position + MAX_CLAUSE)
    if not _BRACKETS.search(text, position, ceiling):
        found = [index for ch in delimiters if (index := text.find(ch, position, ceiling)) >= 0]
        return min(found, default=ceiling)
    depth: list[str] = []
    index = position
    while index < ceiling:
        ch = text[index]
        if ch in _OPENERS:
            depth.append(_OPENERS[ch])
        elif ch in _CLOSERS:
            if depth and depth[-1] == ch:
                depth.pop()
            elif not depth:
                return index
        elif not depth and ch in delimiters:
            return index
        index += 1
    return ceiling


def alternation(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """A regex alternation of literal words, longest first so 不少于 wins over 少于 and 万人次 over 万人."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True) if word)


@dataclass
class Quantity:
    """A number and its unit in the compact view: [start, end) covers the number, unit and postfix (以上)."""

    start: int
    end: int
    value: int | float
    unit: str
    postfix: str | None
    chinese: bool  # written in Chinese numerals: callers decide whether context makes it a quantity


#: Dates are never quantities: 6月15日, 2016/11/15 (years and months are not units anyway).
_DATES = re.compile(r"\d{1,2}月\d{1,2}[日号]|(?<!\d)\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)")
_DIGIT = re.compile(r"\d")  # every date starts with one


def finditer_from(pattern: re.Pattern[str], starts: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)``, for a pattern whose matches are never empty and always begin
    with a character the one-character regex ``starts`` finds: the pattern is tried only where one stands.

    A pattern that opens with a lookbehind or an optional group gets no first-character skip from the regex
    engine and is tried at every position; jumping between the possible first characters finds the same
    leftmost matches (a lookbehind still sees the text before the position) at a fraction of the cost.
    """
    pos = 0
    while True:
        found = starts.search(text, pos)
        if found is None:
            return
        at = found.start()
        match = pattern.match(text, at)
        if match is None:
            pos = at + 1
        else:
            yield match
            pos = match.end()


class QuantityGrammar:
    """Numbers followed by a unit, as a lexicon defines units, magnitudes and postfixes (以上/以下).

    ``30余万人次`` → 30 万人次; ``3.5万余人`` → 3.5 万人; ``百分之九十五`` → 95 %; ``1:2.5`` → 2.5 (ratio).
    A ``余/多/左右`` is dropped wherever it stands; 万/亿 stay in the unit.
    """

    def __init__(
        self,
        units: list[str],
        magnitudes: list[str],
        approximations: list[str],
        postfixes: list[str],
        ratio_unit: str | None = None,
        joiners: str = "、和及与到或",
    ) -> None:
        self.joiners = joiners  # one-character list separators: "1、3、8分钟" lends 分钟 backwards
        approx = f"(?:{alternation(approximations)})?" if approximations else ""
        post = f"(?P<post>{alternation(postfixes)})?" if postfixes else "(?P<post>(?!))?"
        self.unit_tail = re.compile(
            rf"{approx}(?P<mag>{alternation(magnitudes)})?{approx}(?P<unit>{alternation(units)}){approx}{post}"
        )
        self.postfix = re.compile(post)
        self.ratio_unit = ratio_unit
        ratio = r"|(?P<ratio>(?<![\d.])\d{1,6}(?:\.\d{1,6})?:\d{1,6}(?:\.\d{1,6})?(?![\d]))" if ratio_unit else ""
        self.token = re.compile(
            rf"(?P<per>百分之|千分之)(?P<pernum>\d{{1,6}}(?:\.\d{{1,6}})?|[〇零一二两三四五六七八九十百点]{{1,8}})"
            rf"{ratio}|(?P<ar>{ARABIC})|(?P<cn>{CHINESE})"
        )
        self.token_starts = re.compile(rf"[百千\d{_CHINESE_DIGITS}]")  # what each branch of ``token`` starts with

    def find(self, compact: str) -> list[Quantity]:
        """Every number with a unit in the compact text, in order (Chinese numerals flagged, not judged)."""
        masked = bytearray(len(compact))
        for match in finditer_from(_DATES, _DIGIT, compact):
            masked[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
        found: list[Quantity] = []
        for match in finditer_from(self.token, self.token_starts, compact):
            start, end = match.span()
            if masked[start] or (start and compact[start - 1] == "第"):
                continue  # a date or an ordinal (第1名)
            if match.group("per"):
                value = parse_number(match.group("pernum"))
                post = self.postfix.match(compact, end)
                if value is not None:
                    unit = "%" if match.group("per") == "百分之" else "‰"
                    found.append(Quantity(start, post.end(), value, unit, post.group("post"), False))
            elif self.ratio_unit and match.group("ratio"):
                left, _, right = match.group("ratio").partition(":")
                if float(left):
                    tail = re.compile("的?比例").match(compact, end)
                    value = tidy(float(right) / float(left))
                    found.append(Quantity(start, tail.end() if tail else end, value, self.ratio_unit, None, False))
            elif not _is_range(compact, start, end):  # 8-12人: a range is not one figure
                tail = self.unit_tail.match(compact, end)
                if tail is None and compact[end : end + 1] not in self.joiners:
                    continue  # no unit and not in a list that may lend one: not a quantity
                value = parse_number(match.group())
                if value is None:
                    continue
                unit = (tail.group("mag") or "") + tail.group("unit") if tail else ""
                post = tail.group("post") if tail else None
                found.append(Quantity(start, tail.end() if tail else end, value, unit, post, bool(match.group("cn"))))
        return found


def _is_range(compact: str, start: int, end: int) -> bool:
    after = compact[end : end + 2]
    before = compact[max(0, start - 2) : start]
    return (len(after) == 2 and after[0] in "-~—" and after[1].isdigit()) or (
        len(before) == 2 and before[1] in "-~—" and before[0].isdigit()
    )


def tidy(value: float) -> int | float:
    """An int when whole (100.0 → 100), else the float rounded to 6 places."""
    return int(value) if float(value).is_integer() else round(value, 6)


_NOUN_CHAR = re.compile(f"(?![〇零一二两三四五六七八九十百千万亿点])[{CJK}]")


def is_noun(phrase: str) -> bool:
    """At least two CJK characters that are not numerals: "五个" alone measures nothing."""
    first = _NOUN_CHAR.search(phrase)
    return first is not None and _NOUN_CHAR.search(phrase, first.end()) is not None


def trim_phrase(phrase: str, leading: re.Pattern[str], trailing: re.Pattern[str], leading_only: bool = False) -> str:
    """A metric noun phrase with leading verbs (and, unless ``leading_only``, trailing words) trimmed."""
    # A clause cut inside quotation marks leaves a dangling mark at one end.
    phrase = phrase.lstrip("”").rstrip("“")
    previous = None
    while previous != phrase:
        previous = phrase
        phrase = leading.sub("", phrase)
        if not leading_only:
            phrase = trailing.sub("", phrase)
    return phrase.lstrip("的") if leading_only else phrase
