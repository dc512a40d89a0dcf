"""Page noise: what web pages, mirror sites and PDF extraction put into a text that the author never wrote.

Breadcrumbs (``您当前所在位置: 首页 > …``), page-tool bars (关怀版 无障碍), counters (访问量:), comment boxes,
"由会员分享" banners, page numbers (- 3 -), continuation marks ([接上页], (上接第一版)), the bars a flattened
table leaves after a cell (``农林水务局 |``) and the pinyin glosses some mirrors inject inside words
(``區(qū)公安分局``). The patterns are data (``data/page_noise.tsv``); the bar residue is a rule here.

:func:`strip_noise` returns the text the parsers read and, when it removed characters, the map from its
offsets back to the text as written, so quotes stay verbatim. Chrome lines and marks are *blanked* (spaces
of the same length: line numbers and offsets do not move); glosses are *removed*, because a gloss inside a
name (農(nóng)林水務(wù)局) would break it. Line breaks are never removed, so a line number in the
cleaned text is the line number in the file.

>>> cleaned = strip_noise("区(qū)公安分局 |\\n")
>>> cleaned.text, cleaned.origin
('区公安分局  \\n', [0, 5, 6, 7, 8, 9, 10, 11, 12])
>>> [(n.line, n.kind) for n in cleaned.noise]
[(1, 'pinyin gloss'), (1, 'cell residue')]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache

from loaders import lexicon

__all__ = ["Cleaned", "Noise", "strip_noise"]

_BARS = " \t|｜"
_NEWLINE = re.compile("\n")


@dataclass
class Noise:
    line: int  # 1-based
    kind: str  # what it is: breadcrumb, page number, pinyin gloss …
    text: str  # as written


@dataclass
class Cleaned:
    text: str  # what the parsers read
    origin: list[int] | None  # offset in the input of each character of ``text``, plus one for its end; None = same
    noise: list[Noise] = field(default_factory=list)


_Rule = tuple[re.Pattern[str], str, tuple[str, ...]]  # pattern, what it is, triggers


@dataclass(frozen=True)
class _Rules:
    blanks: tuple[_Rule, ...]  # line and span rules: blanked
    gloss: tuple[_Rule, ...]


@cache  # read once per process
def _rules() -> _Rules:
    kinds: dict[str, list[_Rule]] = {"line": [], "span": [], "gloss": []}
    for row in lexicon.table("page_noise.tsv"):
        triggers = tuple(t for t in row[3].split(",") if t) if len(row) > 3 else ()
        kinds[row[1]].append((re.compile(row[0], re.M), row[2] if len(row) > 2 else row[1], triggers))
    return _Rules(tuple(kinds["line"] + kinds["span"]), tuple(kinds["gloss"]))


def _tried(rules: tuple[_Rule, ...], present: set[str]) -> list[tuple[re.Pattern[str], str]]:
    """The rules worth running: those whose trigger words the text holds (``present``: finding which it holds costs
    far less than running every pattern over the whole text), and those with none."""
    return [(pattern, kind) for pattern, kind, triggers in rules
            if not triggers or any(map(present.__contains__, triggers))]


def _present_triggers(text: str) -> set[str]:
    """The trigger words ``text`` holds, found in one scan (an alternation of words: the regex engine skips to
    their first characters) rather than one substring search per word."""
    words, scan = _triggers()
    found = set(scan.findall(text))
    # a word inside or across a longer one's match (页 in 接上页) is missed by the scan: those are tested as such
    chars = set("".join(found))
    return found | {w for w in words if w not in found and not chars.isdisjoint(w) and w in text}


@cache
def _triggers() -> tuple[tuple[str, ...], re.Pattern[str]]:
    rules = _rules()
    words = tuple(sorted({t for _, _, triggers in rules.blanks + rules.gloss for t in triggers}, key=len,
                         reverse=True))
    return words, re.compile("|".join(map(re.escape, words)) or r"(?!)")


def strip_noise(text: str) -> Cleaned:
    """The text without page noise (see the module docstring); ``origin`` is None when nothing was removed."""
    rules = _rules()
    blanks: list[tuple[int, int, str]] = []  # spans to blank, with what they are
    present = _present_triggers(text)
    for pattern, kind in _tried(rules.blanks, present):
        blanks.extend((m.start(), m.end(), kind) for m in pattern.finditer(text) if m.end() > m.start())
    if "|" in text or "｜" in text:
        blanks.extend(_bar_residue(text))
    glosses = [(m.start(), m.end(), kind) for pattern, kind in _tried(rules.gloss, present)
               for m in pattern.finditer(text) if m.start() and "\u4e00" <= text[m.start() - 1] <= "\u9fff"]
    if not blanks and not glosses:
        return Cleaned(text, None)
    chars = list(text)
    for start, end, _ in blanks:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    breaks = [m.start() for m in _NEWLINE.finditer(text)]
    noise = [Noise(bisect.bisect_right(breaks, start) + 1, kind, text[start:end])
             for start, end, kind in sorted(set(blanks + glosses))]
    if not glosses:
        return Cleaned("".join(chars), None, noise)
    removed = bytearray(len(text))
    for start, end, _ in glosses:
        removed[start:end] = b"\x01" * (end - start)
    kept = [i for i in range(len(text)) if not removed[i]]
    return Cleaned("".join(chars[i] for i in kept), [*kept, len(text)], noise)


def _bar_residue(text: str) -> list[tuple[int, int, str]]:
    """The bars after a line's last cell (``农林水务局 |``, ``…完成情况 | |||``) and lines of bars only.

    Done line by line with str.rstrip (a regex anchored at the line end would rescan a long run of bars from
    every blank in it)."""
    found = []
    start = 0
    for line in text.split("\n"):
        if "|" in line or "｜" in line:
            kept = len(line.rstrip(_BARS))
            tail = line[kept:]
            if "|" in tail or "｜" in tail:
                found.append((start + kept, start + len(line), "cell residue"))
        start += len(line) + 1
    return found
