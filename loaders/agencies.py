"""Agency names: splitting a written list, recognising collectives, jurisdiction-aware names.

All functions take folded text (ASCII brackets) for matching but return the characters they were
given, so callers keep the author's bracket style in ``as_written``.
"""

from __future__ import annotations

import re

from loaders import lexicon
from loaders.text import fold_punctuation

_OPEN = "([《“‘〔【"
_CLOSE = ")]》”’〕】"
_SEPARATORS = "、,;"
# Words that close a list without naming anyone: 市公安局等 / 等单位 / 等部门.
_TRAILING_ETC = re.compile(r"(?:等有关|等相关|等)(?:单位|部门)?$")


def split_agencies(text: str) -> list[tuple[int, int]]:
    """Spans of the items of a written list, split on 、 , ; outside brackets.

    Splitting is bracket-aware because names carry brackets of their own: 各县(市区)党委.
    Spans index ``text``; empty items are dropped.
    """
    folded = fold_punctuation(text)
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for i, ch in enumerate(folded):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _SEPARATORS and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(folded)))
    return [(a, b) for a, b in (_trim(text, a, b) for a, b in spans) if a < b]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def clean_name(name: str) -> str:
    """The name as written without whitespace (PDF wraps split names) and without a trailing 等."""
    name = re.sub(r"\s+", "", name)
    stripped = _TRAILING_ETC.sub("", name)
    return stripped or name


def is_collective(name: str) -> bool:
    """A collective lower level (各旗县区, 各县(市区)党委) rather than one body."""
    folded = fold_punctuation(re.sub(r"\s+", "", name))
    return any(p.search(folded) for p in lexicon.patterns("collectives.tsv"))


def looks_like_agency(name: str) -> bool:
    """Ends like an organisation (局, 委, 办, 中心 …) or is a collective."""
    name = re.sub(r"\s+", "", name)
    if len(name) < 2:
        return False
    return is_collective(name) or any(name.endswith(s) for s in lexicon.words("agency_suffixes.txt"))


def expand_bare_body(previous: str, item: str) -> str | None:
    """各县(市区)党委、政府: the bare 政府 takes 各县(市区) from the name before it.

    Returns the expanded name, or None when ``item`` is not a bare body or ``previous`` has no
    prefix to lend.
    """
    bodies = lexicon.words("bare_bodies.txt")
    if item not in bodies:
        return None
    for body in bodies:
        if previous.endswith(body) and len(previous) > len(body):
            return previous[: -len(body)] + item
    return None


def jurisdiction_level(jurisdiction: str) -> str | None:
    """The level suffix of a place name: 聊城市 → 市, 内蒙古自治区 → 自治区."""
    for suffix in lexicon.words("place_suffixes.txt"):
        if jurisdiction.endswith(suffix) and len(jurisdiction) > len(suffix):
            return suffix
    return None


def resolve_agency(name: str, jurisdiction: str | None) -> str:
    """The canonical, jurisdiction-qualified name of an agency as written in a document.

    市公安局 in a Hohhot plan → 呼和浩特市公安局 (a leading level word stands for the document's own
    jurisdiction); 各旗县区 → 呼和浩特市各旗县区; abbreviations with the place inside the word come
    from ``aliases.tsv`` (团市委 → 共青团聊城市委). Names that already carry a place (聊城军分区,
    省国家安全厅聊城工作站) stay as written. Full-width brackets and digits are folded (各县（市区） →
    各县(市区)) so one agency written two ways in two documents gets one canonical name.
    """
    name = fold_punctuation(re.sub(r"\s+", "", name))
    if not jurisdiction or not name or name.startswith(jurisdiction):
        return name
    level = jurisdiction_level(jurisdiction)
    for abbreviation, alias_level, template in lexicon.table("aliases.tsv"):
        if name == abbreviation and level == alias_level:
            return template.format(jurisdiction=jurisdiction)
    if is_collective(name):
        return jurisdiction + name
    if level and name.startswith(level):
        return jurisdiction + name[len(level) :]
    return name
