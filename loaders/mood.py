"""The mood of a clause: does it assign work (要, 应当, 将, 不少于, 由X牵头) or report what was done (已, 了,
共计, 同比, 截至)? Decided per clause, then per sentence, so a news item that does both is read both ways
(``data/mood.tsv``).

>>> clause_mood("各村在村委会醒目位置悬挂横幅不少于3条"), clause_mood("制作平安建设宣传横幅共计75条")
('obligation', 'result')
>>> clause_mood("全面启动校园安全联合整治行动") is None
True
"""

from __future__ import annotations

import re
from functools import cache

from loaders import lexicon

__all__ = ["OBLIGATION", "RESULT", "clause_mood", "mood_of"]

OBLIGATION, RESULT = "obligation", "result"
_ENDS = "。!?！？\n"
_WINDOW = 300  # characters around a clause searched for the end of its sentence


@cache  # read once per process
def _cues(scope: str) -> dict[str, re.Pattern[str]]:
    """The cues of each mood that speak for a clause (``clause``: all of them) or for a whole sentence."""
    found: dict[str, list[str]] = {OBLIGATION: [], RESULT: []}
    for row in lexicon.table("mood.tsv"):
        if scope == "clause" or row[2] == "sentence":
            found[row[1]].append(f"(?:{row[0]})")
    return {mood: re.compile("|".join(patterns) or r"(?!)") for mood, patterns in found.items()}


def clause_mood(text: str, scope: str = "clause") -> str | None:
    """``obligation``, ``result`` or None (the clause does not say); with ``scope="sentence"`` only the cues
    that speak for a whole sentence count."""
    cues = _cues(scope)
    if cues[OBLIGATION].search(text):
        return OBLIGATION
    if cues[RESULT].search(text):
        return RESULT
    return None


def mood_of(text: str, start: int, end: int, default: str) -> str:
    """The mood of ``text[start:end]`` (a clause): its own, else that of its sentence up to it (a modal
    after it belongs to a later clause), else ``default``."""
    own = clause_mood(text[start:end])
    if own:
        return own
    floor = max(0, start - _WINDOW)  # a sentence is never longer
    left = max(floor - 1, *(text.rfind(ch, floor, start) for ch in _ENDS)) + 1
    return clause_mood(text[left:end], "sentence") or default
