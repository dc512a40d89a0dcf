"""Agency names: splitting a written list, recognising collectives, places, canonical names, categories.

All functions take folded text (ASCII brackets) for matching. The list functions return the characters
they were given, so callers keep the author's bracket style in ``as_written``; the canonical name
(:func:`resolve_agency`) is folded.

The tables are data files in ``loaders/data`` (see its README), read on first use and cached:
``places.tsv`` + ``place_aliases.tsv`` (places and their written forms), ``place_bodies.tsv`` (which
bodies take their place's full name), ``aliases.tsv`` plus any registered user files (one body written
two ways), ``categories.tsv`` (what kind of body a name is).

>>> resolve_agency("呼市公安局", "呼和浩特市")
'呼和浩特市公安局'
>>> resolve_agency("市检察院", "聊城市")
'聊城市人民检察院'
>>> agency_category("聊城市人民检察院")
'检察'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from loaders import lexicon
from loaders.errors import LoadError
from loaders.text import fold_punctuation

__all__ = [
    "Place",
    "agency_category",
    "agency_problem",
    "clean_name",
    "clear_alias_files",
    "complete_field",
    "expand_bare_body",
    "expand_distributed_each",
    "is_collective",
    "jurisdiction_level",
    "load_aliases",
    "looks_like_agency",
    "parent_place",
    "place_forms",
    "register_alias_file",
    "resolve_agency",
    "resolve_place",
    "share_body",
    "share_place",
    "split_agencies",
]

_OPEN = "([《“‘〔【"
_CLOSE = ")]》”’〕】"
_SEPARATORS = "、,;"
_LIST_MARKS = re.compile("[" + re.escape(_OPEN + _CLOSE + _SEPARATORS) + "]")
# Words that close a list without naming anyone: 市公安局等 / 等单位 / 等部门.
_TRAILING_ETC = re.compile(r"(?:等有关|等相关|等)(?:单位|部门)?$")
# Party bodies are also written with the party's name first: 中共聊城市委 = 聊城市委.
_PARTY_PREFIXES = ("中国共产党", "中共")
_PLACE = "{place}"
_LEVEL = "{level}"
# Bound on rewriting a name to its fixed point; real names settle in two steps.
_MAX_STEPS = 12
_BLANKS = re.compile(r"\s+")
# Names recur in every measure and document, so the pure functions of a name remember their answers
# (bounded: a build over unseen documents must not grow without limit).
_NAME_CACHE = 65536


def split_agencies(text: str) -> list[tuple[int, int]]:
    """Spans of the items of a written list, split on 、 , ; outside brackets.

    Splitting is bracket-aware because names carry brackets of their own: 各县(市区)党委.
    Spans index ``text``; empty items are dropped.
    """
    folded = fold_punctuation(text)
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for mark in _LIST_MARKS.finditer(folded):  # no other character changes the state
        i, ch = mark.start(), mark.group()
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
    name = _BLANKS.sub("", name)
    stripped = _TRAILING_ETC.sub("", name)
    return stripped or name


@lru_cache(maxsize=_NAME_CACHE)
def is_collective(name: str) -> bool:
    """A collective lower level (各旗县区, 各县(市区)党委) rather than one body."""
    folded = fold_punctuation(_BLANKS.sub("", name))
    return any(p.search(folded) for p in _collective_patterns())


@cache
def _levels() -> str:
    """One administrative level (collective_levels.txt: 县, 乡, 街道, 自治县 …) or what joins levels in a run
    (the brackets and 、 of 县(市、区)), as a regex group."""
    return "(?:" + "|".join(map(re.escape, lexicon.words("collective_levels.txt"))) + "|[()、])"


@cache
def _collective_patterns() -> tuple[re.Pattern[str], ...]:
    """collectives.tsv, its ``{levels}`` standing for _levels(): a level added to the one file is a level for
    both the patterns and expand_distributed_each."""
    return tuple(re.compile(row[0].replace("{levels}", _levels())) for row in lexicon.table("collectives.tsv"))


@cache
def _levels_only() -> re.Pattern[str]:
    """Nothing but levels: 县(市), 县, 乡镇, 县(市、区) (what collectives.tsv's {levels} allows after 各)."""
    return re.compile(_levels() + "+")


@lru_cache(maxsize=_NAME_CACHE)
def looks_like_agency(name: str) -> bool:
    """Ends like an organisation (局, 委, 办, 中心 …) or is a collective."""
    name = _BLANKS.sub("", name)
    if len(name) < 2:
        return False
    return is_collective(name) or any(name.endswith(s) for s in lexicon.words("agency_suffixes.txt"))


# Characters that never stand inside a body's name: a name holding one is a piece of a sentence (…的…, 要…).
_FUNCTION_CHARS = frozenset("的要对将把在是由了被给")
# A date or time before a name is a sentence's adverbial glued to it (2019年某某市教育局).
_TIME_PREFIX = re.compile(r"^(?:\d{0,4}年|\d{0,2}月|\d{0,2}日|[上下]半年|全年|期间|以来)")
_LEVEL_CHARS = frozenset("省市县区乡镇村旗州盟")


@lru_cache(maxsize=_NAME_CACHE)
def agency_problem(name: str) -> str | None:
    """Why a canonical name is no agency, or None when it has an agency's shape: a body noun (局 委 办 厅 院 部门
    中心 政府 机关 …) at its end, optionally after a place or level — never a piece of a sentence (民办, 整治主要由县
    公安局), a person glued to a body (陈曦区发改局), a date glued to a place (年某某市教育局) or a bare word.

    >>> [agency_problem(n) for n in ("呼和浩特市公安局", "各县(市、区)", "民办", "2019年聊城市教育局")]
    [None, None, 'a piece of a sentence', 'a date before the name']
    """
    folded = _fold(name)
    if len(folded) < 2:
        return "a bare word"
    if _TIME_PREFIX.match(folded):
        return "a date before the name"
    if not _FUNCTION_CHARS.isdisjoint(folded):
        return "a piece of a sentence"
    body = _body(folded)
    base = _TRAILING_BRACKET.sub("", body) or body  # 各级综治委(办), 乡镇(办事处)
    if is_collective(folded) or is_collective(body) or resolve_place(folded) or base in _LEVEL_WORDS:
        return None
    if _LEVEL_AS_PLACE.match(folded):
        return "a level word, not a place"
    if not looks_like_agency(base) and not looks_like_agency(folded) and not base.endswith(_body_endings()):
        return "no body noun at its end"
    if len(folded) == 2 and folded not in lexicon.words("short_bodies.txt") and folded[0] not in _LEVEL_CHARS:
        return "a piece of a sentence"
    if _person_before_body(folded):
        return "a person's name before a body"
    return None


_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")
_OWN_LEVEL = re.compile("[省市县区州旗]委")
# A bureau (局, 分局) or an office (办) of the document's place when written without one.
_UNPLACED_UNIT = re.compile("(?:局|办)$")
_NOT_LOCAL = ("中央", "国家", "国务院", "全国", "最高", "上级", "省级", "市级", "县级", "各", "有关", "相关", "该",
              "本", "其他", "团", "共青团")
# 县级市公安局: the kind of a city, not a city (县级以上人民政府 is a collective and fine)
_LEVEL_AS_PLACE = re.compile(r"^(?:县级市|地级市|副省级市|县级区)")


@lru_cache(maxsize=_NAME_CACHE)
def complete_field(name: str) -> str:
    """A department written by its field alone after a place or level (县财政, 市公安) is that field's
    department: 县财政部门; any other name is returned as it is."""
    folded = _fold(name)
    body = _body(folded)
    if body != folded and body in lexicon.words("department_stems.txt") and not looks_like_agency(body):
        return folded + "部门"  # (法院, 妇联 are bodies by themselves)
    return name


# A place level standing for the governments at that level (县(市区), 乡镇(办事处)): a body of its own kind.
_LEVEL_WORDS = frozenset({"省", "市", "县", "区", "旗", "盟", "州", "乡镇", "乡", "镇", "街道", "县(市区)",
                          "县(市、区)"})


@cache
def _body_endings() -> tuple[str, ...]:
    """Body nouns of two characters or more the inline recogniser knows (部门, 机关, 警种, 电台 …)."""
    return tuple(row[0] for row in lexicon.table("inline.tsv") if len(row) > 1 and row[1] == "suffix"
                 and len(row[0]) >= 2) + ("协会", "组织")


def _person_before_body(name: str) -> bool:
    """陈曦区发改局, 徐铭喜市人社局: a surname and one or two characters, then a level word and a body — and no
    place of the table at the start (张家口市公安局 is a place's)."""
    if _leading_place(name, None):
        return False
    surnames = lexicon.words("surnames.txt")
    for size in (2, 3):
        head, rest = name[:size], name[size:]
        if (head[0] in surnames or head[:2] in surnames) and rest[:1] in _LEVEL_CHARS and looks_like_agency(rest[1:]):
            return len(rest) >= 3
    return False


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


@lru_cache(maxsize=_NAME_CACHE)
def share_body(previous: str, expanded: str) -> str | None:
    """各市、县人民政府: the bare level before a collective with a body takes that body (各市 → 各市人民政府), as
    the 各 of the first carries over to the second (expand_distributed_each). None when nothing is shared."""
    if not previous.startswith("各") or not is_collective(previous) or not is_collective(expanded):
        return None
    bodies = lexicon.words("bare_bodies.txt")
    if any(previous.endswith(body) for body in bodies):
        return None
    body = next((b for b in bodies if expanded.endswith(b) and len(expanded) > len(b) + 1), None)
    shared = previous + body if body else None
    return shared if shared and is_collective(shared) else None


@lru_cache(maxsize=_NAME_CACHE)
def share_place(previous: str, item: str) -> str | None:
    """省公安厅、司法厅: a body named after its unit that has no place of its own takes the place or level word
    of the name before it (司法厅 → 省司法厅). None when nothing is shared."""
    folded_item, folded_previous = _fold(item), _fold(previous)
    if not folded_item or folded_item[0] in _LEVEL_CHARS or not _is_place_body(folded_item):
        return None
    if _OWN_LEVEL.search(folded_item):
        return None  # 团市委 names its own level
    if _leading_place(folded_item, None) or is_collective(folded_item):
        return None
    lead = _leading_place(folded_previous, None)
    if lead is not None and lead[2]:
        return folded_previous[: len(folded_previous) - len(lead[1])] + folded_item
    if folded_previous[:1] in _LEVEL_CHARS and _is_place_body(folded_previous[1:]):
        return folded_previous[0] + folded_item
    return None


def expand_distributed_each(previous: str, item: str) -> str | None:
    """各区、县(市): the 各 of a collective before it carries over to a run of levels, 县(市) → 各县(市)
    (each district and each county), as 各县(市区)党委、政府 lends 各县(市区) to 政府; so does it to levels
    with their body (各市、县人民政府 → 各县人民政府, and 各市 takes the body: :func:`share_body`).

    Returns the expanded name, or None when ``item`` is not levels (and a government or party body), the
    expansion is no collective, or ``previous`` is not a 各… collective.
    """
    if not previous.startswith("各") or item.startswith("各") or not is_collective(previous):
        return None
    levels = _levels_only().match(fold_punctuation(item))
    # levels only, or levels and the government or party body they share (县人民政府; not 市公安局: one body)
    if not levels or (levels.end() < len(item) and item[levels.end():] not in lexicon.words("bare_bodies.txt")):
        return None
    expanded = "各" + item
    return expanded if is_collective(expanded) else None


def jurisdiction_level(jurisdiction: str) -> str | None:
    """The level suffix of a place name: 聊城市 → 市, 内蒙古自治区 → 自治区."""
    for suffix in lexicon.words("place_suffixes.txt"):
        if jurisdiction.endswith(suffix) and len(jurisdiction) > len(suffix):
            return suffix
    return None


def _fold(text: str) -> str:
    return fold_punctuation(_BLANKS.sub("", text))


# --- places -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A province-level, prefecture-level or county-level division of China (``places.tsv``)."""

    name: str  # 呼和浩特市
    rank: str  # province | prefecture | county
    level: str  # the level word the name ends with: 市, 自治区, 自治州, 地区, 盟, 区, 县, 旗 …
    parent: str | None  # a prefecture's province (内蒙古自治区), a county's prefecture (or province)
    forms: tuple[str, ...]  # other written forms: 呼和浩特, 呼市


@cache
def _places() -> dict[str, Place]:
    extra: dict[str, list[str]] = {}
    for written, name, *_ in lexicon.table("place_aliases.tsv"):
        extra.setdefault(name, []).append(written)
    places: dict[str, Place] = {}
    for name, rank, level, parent, _adcode, forms in lexicon.table("places.tsv"):
        regular = [] if forms == "-" else forms.split()
        places[name] = Place(name, rank, level, None if parent == "-" else parent,
                             tuple(regular + extra.pop(name, [])))
    if extra:
        raise LoadError(f"place_aliases.tsv names places that places.tsv lacks: {'、'.join(extra)}")
    return places


@cache
def _place_index() -> dict[str, str]:
    """Every written form of a place → its name."""
    index = {name: name for name in _places()}
    for place in _places().values():
        for form in place.forms:
            index.setdefault(form, place.name)
    return index


@cache
def _prefix_index() -> tuple[dict[str, str], int]:
    """The forms that may start an agency name (two characters or more: 晋中市 does not start with 晋)."""
    index = {form: name for form, name in _place_index().items() if len(form) >= 2}
    return index, max(map(len, index))


def resolve_place(text: str) -> str | None:
    """The place a written form names, or None: 呼市 → 呼和浩特市, 鲁 → 山东省, 延边 → 延边朝鲜族自治州.

    >>> resolve_place("呼市"), resolve_place("内蒙古"), resolve_place("市公安局")
    ('呼和浩特市', '内蒙古自治区', None)
    """
    return _place_index().get(_fold(text))


def place_forms(name: str) -> list[str]:
    """A place's name and every form it is written in (empty for an unknown place).

    >>> place_forms("呼和浩特市")
    ['呼和浩特市', '呼和浩特', '呼市']
    """
    canonical = resolve_place(name)
    if canonical is None:
        return []
    place = _places()[canonical]
    return [place.name, *place.forms]


def parent_place(name: str) -> str | None:
    """The place one level up: 呼和浩特市 → 内蒙古自治区, 岳阳楼区 → 岳阳市 (None for a province or unknown)."""
    canonical = resolve_place(name)
    return _places()[canonical].parent if canonical else None


def _ancestors(place: str) -> list[str]:
    """The places above one, nearest first: 岳阳楼区 → 岳阳市, 湖南省."""
    found: list[str] = []
    parent = _places()[place].parent if place in _places() else None
    while parent and parent not in found and len(found) < 3:
        found.append(parent)
        parent = _places()[parent].parent if parent in _places() else None
    return found


def _own_forms(place: str) -> tuple[str, ...]:
    """The forms of a document's own place that may start its agencies' names: its name, and for a county its
    stem too (岳阳楼公安分局 in a 岳阳楼区 plan), which other documents never get (平安县's 平安 is a word)."""
    known = _places().get(place)
    if known is None or known.rank != "county":
        return (place,)
    stem = place[: -len(known.level)]
    return (place, stem) if len(stem) >= 2 else (place,)


def _level_words(place: str) -> tuple[str, ...]:
    """The words that stand for ``place`` in its own documents: 市 for 呼和浩特市, 州 for 延边朝鲜族自治州."""
    known = _places().get(place)
    if known is None:
        level = jurisdiction_level(place)
        return (level,) if level else ()
    return (known.level, "州") if known.level == "自治州" else (known.level,)


def _leading_place(name: str, jurisdiction: str | None) -> tuple[str, str, bool] | None:
    """(place, rest, written in full) for the longest place form ``name`` starts with."""
    index, longest = _prefix_index()
    own = _own_forms(jurisdiction) if jurisdiction else ()
    top = max(longest, len(jurisdiction or ""))
    for size in range(min(top, len(name)), 1, -1):
        head = name[:size]
        if head in own:
            assert jurisdiction is not None
            return jurisdiction, name[size:], head == jurisdiction
        canonical = index.get(head)
        if canonical is not None:
            return canonical, name[size:], head == canonical
    return None


@cache
def _place_body_rules() -> tuple[tuple[re.Pattern[str], bool], ...]:
    return tuple(
        (re.compile(row[0][1:]), False) if row[0].startswith("!") else (re.compile(row[0]), True)
        for row in lexicon.table("place_bodies.tsv")
    )


def _is_place_body(body: str) -> bool:
    """A body named after its administrative unit (公安局, 公安厅, 委宣传部), not a proper name (军分区)."""
    if not body:
        return False
    rules = _place_body_rules()
    if any(p.search(body) for p, positive in rules if not positive):
        return False
    return any(p.search(body) for p, positive in rules if positive)


def _canonical_jurisdiction(jurisdiction: str | None) -> str | None:
    if not jurisdiction:
        return None
    folded = _fold(jurisdiction)
    return resolve_place(folded) or folded or None


# --- aliases ------------------------------------------------------------------------------------

_alias_files: list[str] = []


@dataclass(frozen=True)
class _Aliases:
    bodies: dict[str, str]  # 检察院 → 人民检察院 (rows {place}X → {place}Y, chains followed)
    levels: tuple[tuple[str, str], ...]  # (团{level}委, 共青团{place}委)
    literal: dict[str, str]  # one whole name for another


def _parse_alias_rows(rows: list[tuple[int, list[str]]], source: str) -> list[tuple[str, str]]:
    parsed = []
    for number, cells in rows:
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise LoadError(f"{source}:{number}: an alias needs two columns (written form TAB canonical form)")
        written, canonical = _fold(cells[0]), _fold(cells[1])
        if written.startswith(_PLACE) != canonical.startswith(_PLACE) or _PLACE in written[len(_PLACE):]:
            raise LoadError(f"{source}:{number}: write {_PLACE} at the start of both forms or of neither")
        if _LEVEL in canonical or (_PLACE in canonical and not written.startswith(_PLACE) and _LEVEL not in written):
            raise LoadError(f"{source}:{number}: the canonical form may use {_PLACE} only where the written one "
                            f"has {_PLACE} or {_LEVEL}")
        parsed.append((written, canonical))
    return parsed


def load_aliases(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The rows of an alias file (format of ``aliases.tsv``): (written form, canonical form) pairs.

    Raises :class:`LoadError` with a one-line reason for a missing or malformed file.
    """
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read alias file {name}: {getattr(exc, 'strerror', None) or exc}") from exc
    rows = [
        (n, [cell.strip() for cell in line.split("\t")])
        for n, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return _parse_alias_rows(rows, name)


def register_alias_file(path: str | os.PathLike[str]) -> None:
    """Use a user's alias file from now on (after the shipped ``aliases.tsv``; later files win).

    The file is read at once so that a bad file fails here, with a one-line :class:`LoadError`.
    """
    load_aliases(path)
    _alias_files.append(os.fspath(path))
    _forget_aliases()
    try:
        _aliases()  # a circle across files fails here too, not in the middle of a build
    except LoadError:
        _alias_files.pop()
        _forget_aliases()
        raise


def clear_alias_files() -> None:
    """Forget every registered user alias file (the shipped table stays)."""
    _alias_files.clear()
    _forget_aliases()


def _forget_aliases() -> None:
    """Drop the alias table and every answer computed from it (the alias files changed)."""
    _aliases.cache_clear()
    resolve_agency.cache_clear()


def _follow(table: dict[str, str], source: str) -> dict[str, str]:
    """Each key → the end of its chain (检察院 → 人民检察院 → …), so one lookup gives the canonical form."""
    out = {}
    for key in table:
        seen = [key]
        value = table[key]
        while value in table and value != seen[-1]:
            if value in seen:
                raise LoadError(f"{source}: aliases go round in a circle: {' → '.join([*seen, value])}")
            seen.append(value)
            value = table[value]
        out[key] = value
    return {k: v for k, v in out.items() if k != v}


@cache
def _aliases() -> _Aliases:
    shipped = _parse_alias_rows(
        [(n, list(row)) for n, row in enumerate(lexicon.table("aliases.tsv"), start=1)], "aliases.tsv"
    )
    rows = shipped + [row for path in _alias_files for row in load_aliases(path)]
    bodies: dict[str, str] = {}
    levels: dict[str, str] = {}
    literal: dict[str, str] = {}
    for written, canonical in rows:
        if written.startswith(_PLACE):
            bodies[written[len(_PLACE):]] = canonical[len(_PLACE):]
        elif _LEVEL in written:
            levels[written] = canonical
        else:
            literal[written] = canonical
    source = "、".join(["aliases.tsv", *_alias_files])
    return _Aliases(_follow(bodies, source), tuple(levels.items()), _follow(literal, source))


# --- resolution ---------------------------------------------------------------------------------


def _split(name: str, jurisdiction: str | None) -> tuple[str, str] | None:
    """(place, body) of a name, or None when it names no place we can tell.

    A full place name always splits (聊城市公安局). A short form splits only before a body named after
    its unit (呼市公安局, 呼和浩特公安局), so proper names stay (聊城军分区). A leading level word is the
    document's own place (市公安局 → 呼和浩特市 + 公安局), or its province's before a body named after
    its unit (自治区公安厅 in a Hohhot plan → 内蒙古自治区 + 公安厅; not 省国家安全厅聊城工作站).
    """
    lead = _leading_place(name, jurisdiction)
    if lead is not None:
        place, rest, full = lead
        if full or _is_place_body(rest):
            return place, rest
        return None
    if not jurisdiction:
        return None
    for level in _level_words(jurisdiction):
        if name.startswith(level):
            return jurisdiction, name[len(level):]
    # 市公安局 in a 岳阳楼区 plan is 岳阳市公安局, 省公安厅 湖南省公安厅: the levels above, nearest first
    for ancestor in _ancestors(jurisdiction):
        for level in _level_words(ancestor):
            if name.startswith(level) and _is_place_body(name[len(level):]):
                return ancestor, name[len(level):]
    # a bureau or office written with no place at all (教育局, 农林水务局 in a district's progress table) is the
    # document's own; a generic kind (公安机关, 公安部门) or a national body (中央综治委) stays as written
    if (_UNPLACED_UNIT.search(name) and not name.startswith(_NOT_LOCAL) and len(name) >= 3
            and name[0] not in _LEVEL_CHARS and jurisdiction in _places()):
        return jurisdiction, name  # (县公安局 in a city plan names another level: it stays as written)
    return None


def _qualify(name: str, jurisdiction: str | None) -> str:
    aliases = _aliases()
    if jurisdiction:
        for level in _level_words(jurisdiction):
            for written, canonical in aliases.levels:
                if written.replace(_LEVEL, level) == name:
                    return canonical.replace(_PLACE, jurisdiction)
        if is_collective(name):
            return jurisdiction + name
    split = _split(name, jurisdiction)
    if split is None:
        return name
    place, body = split
    if place + body in aliases.literal:  # a literal row names this exact body (a user's merge wins)
        return aliases.literal[place + body]
    return place + aliases.bodies.get(body, body)


def _step(name: str, jurisdiction: str | None) -> str:
    literal = _aliases().literal
    qualified = _qualify(literal.get(name, name), jurisdiction)
    return literal.get(qualified, qualified)


@lru_cache(maxsize=_NAME_CACHE)  # depends on the registered alias files: _forget_aliases clears it
def resolve_agency(name: str, jurisdiction: str | None) -> str:
    """The canonical, jurisdiction-qualified name of an agency as written in a document.

    市公安局 in a Hohhot plan → 呼和浩特市公安局 (a leading level word stands for the document's own
    jurisdiction); 自治区公安厅 there → 内蒙古自治区公安厅 (its province); 呼市公安局 and 呼和浩特公安局 →
    呼和浩特市公安局 (short place forms); 各旗县区 → 呼和浩特市各旗县区; 团市委 → 共青团呼和浩特市委 and
    市检察院 → 呼和浩特市人民检察院 (``aliases.tsv`` and registered user files). Names whose bare place is
    part of a proper name stay as written (聊城军分区, 省国家安全厅聊城工作站, 内蒙古警院), and so do names
    with no place (中央综治委) and places themselves (呼和浩特市). Whitespace is removed and full-width
    brackets and digits are folded (各县（市区） → 各县(市区)).

    Deterministic and idempotent: the result is rewritten until it no longer changes, so resolving a
    canonical name again gives it back.
    """
    current = _fold(name)
    if not current:
        return current
    place = _canonical_jurisdiction(jurisdiction)
    seen = [current]
    for _ in range(_MAX_STEPS):
        following = _step(current, place)
        if following == current:
            return current
        if following in seen:  # user aliases that go round through qualification: pick one, always the same
            return min(seen[seen.index(following):])
        seen.append(following)
        current = following
    return current


# --- categories ---------------------------------------------------------------------------------

_SPECIAL = {"{collective}", "{place}", "{other}"}


@cache
def _category_rules() -> tuple[dict[str, str], tuple[tuple[str, str, str], ...]]:
    special: dict[str, str] = {}
    rules = []
    for row in lexicon.table("categories.tsv"):
        keyword, category = row[0], row[1]
        match = row[2] if len(row) > 2 and row[2] else "contains"
        if keyword in _SPECIAL:
            special[keyword] = category
        else:
            rules.append((fold_punctuation(keyword), category, match))
    # Longest keyword first; among keywords of one length, file order (sorted is stable).
    return special, tuple(sorted(rules, key=lambda rule: -len(rule[0])))


def _body(name: str) -> str:
    """The part of a name after its place (公安局 of 呼和浩特市公安局, 委政法委 of 市委政法委), else the name."""
    for prefix in _PARTY_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
            break
    lead = _leading_place(name, None)
    if lead is not None:
        return lead[1]
    level = next((w for w in lexicon.words("place_suffixes.txt") if name.startswith(w)), None)
    # 县(市区) is a list of levels, not 县 + a body
    if level and len(name) > len(level) and name[len(level)] not in "(":
        return name[len(level):]
    return name


def _matches(body: str, keyword: str, match: str) -> bool:
    if match == "exact":
        return body == keyword
    if match == "prefix":
        return body.startswith(keyword)
    if match == "suffix":
        return body.endswith(keyword)
    return keyword in body


@lru_cache(maxsize=_NAME_CACHE)
def agency_category(name: str) -> str:
    """The kind of body a (canonical) agency name is, from ``categories.tsv``.

    >>> [agency_category(n) for n in ("呼和浩特市公安局", "呼和浩特市委政法委", "共青团聊城市委", "聊城军分区")]
    ['公安', '党委部门', '群团', '军队']
    """
    special, rules = _category_rules()
    folded = _fold(name)
    body = _body(folded)
    if is_collective(body) or is_collective(folded):
        return special.get("{collective}", "下级地方")
    if not body or resolve_place(folded):
        return special.get("{place}", "地方党政")
    for keyword, category, match in rules:
        if _matches(body, keyword, match):
            return category
    return special.get("{other}", "其他")
