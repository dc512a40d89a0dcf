"""The mood of a clause: does it assign work (要, 应当, 将, 不少于, 由X牵头) or report what was done (已, 了,
共计, 同比, 截至)? Decided per clause, then per sentence, so a news item that does both is read both ways
(``data/mood.tsv``).

>>> clause_mood("各村在村委会醒目位置悬挂横幅不少于3条"), clause_mood("制作平安建设宣传横幅共计75条")
('obligation', 'result')
>>> clause_mood("全面启动校园安全联合整治行动") is None
True
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from loaders import lexicon

__all__ = ["OBLIGATION", "RESULT", "clause_mood", "has_result_cue", "mood_of", "reporting_sentences"]

OBLIGATION, RESULT = "obligation", "result"
_ENDS = "。!?！？\n"
_WINDOW = 300  # characters around a clause searched for the end of its sentence


@dataclass(frozen=True)
class _Cue:
    """One mood's cues as a pattern, and the characters any of its matches starts with: searching for one of
    those first (a character class, in C) and trying the pattern only there is many times faster than the
    pattern's own search, an alternation tried at every position."""

    pattern: re.Pattern[str]
    starts: re.Pattern[str]

    def search(self, text: str, start: int = 0, end: int | None = None) -> bool:
        end = len(text) if end is None else end
        found = self.starts.search(text, start, end)
        while found is not None:
            if self.pattern.match(text, found.start(), end):
                return True
            found = self.starts.search(text, found.start() + 1, end)
        return False


@cache  # read once per process
def _cues(scope: str) -> dict[str, _Cue]:
    """The cues of each mood that speak for a clause (``clause``: all of them) or for a whole sentence."""
    found: dict[str, list[str]] = {OBLIGATION: [], RESULT: []}
    for row in lexicon.table("mood.tsv"):
        if scope == "clause" or row[2] == "sentence":
            found[row[1]].append(row[0])
    return {mood: _Cue(re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)"),
                       re.compile("[" + "".join(sorted({c for p in patterns for c in _first_chars(p)})) + "]"
                                  if patterns else r"(?!)"))
            for mood, patterns in found.items()}


def _first_chars(pattern: str) -> set[str]:
    """The characters a match of one row can start with (mood.tsv's rule: every alternative starts with a
    character, a class of characters or \\d, never a lookaround or a group)."""
    chars: set[str] = set()
    depth, start = 0, 0
    alternatives = []
    for i, ch in enumerate(pattern):
        if ch in "([" and (i == 0 or pattern[i - 1] != "\\"):
            depth += 1
        elif ch in ")]" and pattern[i - 1] != "\\":
            depth -= 1
        elif ch == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
    alternatives.append(pattern[start:])
    for alternative in alternatives:
        if alternative.startswith("\\d"):
            chars.update("0123456789")
        elif alternative.startswith("["):
            chars.update(alternative[1 : alternative.index("]")])
        elif alternative.startswith("(?:"):  # a group of literals: 将(?=…) rows are written without one
            chars.update(_first_chars(alternative[3 : alternative.rindex(")")]))
        else:
            chars.add(alternative[0])
    return {re.escape(c) if c in "\\]^-" else c for c in chars}


def clause_mood(text: str, scope: str = "clause") -> str | None:
    """``obligation``, ``result`` or None (the clause does not say); with ``scope="sentence"`` only the cues
    that speak for a whole sentence count."""
    cues = _cues(scope)
    if cues[OBLIGATION].search(text):
        return OBLIGATION
    if cues[RESULT].search(text):
        return RESULT
    return None


def has_result_cue(text: str) -> bool:
    """Whether any clause of ``text`` can report a result (a text with no cue at all is read as a whole)."""
    return _cues("clause")[RESULT].search(text)


def reporting_sentences(text: str) -> str:
    """``text`` with every sentence that holds no result cue (or no figure) left out but for its line breaks: in a
    plan only those can hold a statistic (a clause with no cue of its own takes its sentence's, else the plan's:
    an obligation)."""
    cue = _cues("clause")[RESULT]
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    kept: list[tuple[int, int]] = []
    # a statistic has a figure (a digit, or 第/连续 before a numeral): only the sentences that hold one are searched
    figure = _FIGURE.search(text)
    while figure is not None:  # each sentence holding a figure, searched once however many it holds
        index = bisect.bisect_right(ends, figure.start())
        start = ends[index - 1] if index else 0
        end = ends[index] if index < len(ends) else len(text)
        if cue.search(text, start, end):
            kept.append((start, end))
        figure = _FIGURE.search(text, end)
    # what is left out keeps only its line breaks: the statistics reader reads a whitespace-free view and
    # counts lines, so its quotes and lines are those of the text
    pieces, done = [], 0
    for start, end in kept:
        pieces += ["\n" * text.count("\n", done, start), text[start:end]]
        done = end
    pieces.append("\n" * text.count("\n", done))
    return "".join(pieces)
_SENTENCE_END = re.compile("[。!?！？]")
_FIGURE = re.compile("[0-9０-９第连]")


def mood_of(text: str, start: int, end: int, default: str) -> str:
    """The mood of ``text[start:end]`` (a clause): its own, else that of its sentence up to it (a modal
    after it belongs to a later clause), else ``default``."""
    own = clause_mood(text[start:end])
    if own:
        return own
    floor = max(0, start - _WINDOW)  # a sentence is never longer
    left = max(floor - 1, *(text.rfind(ch, floor, start) for ch in _ENDS)) + 1
    return clause_mood(text[left:end], "sentence") or default
