"""Inline actors: bodies named in running text as the ones who act (公安机关要…, 由市综治委组织…).

Plans without responsibility labels still say who does what, in the sentence itself:

* the subject of a clause: ``省反恐办要会同相关部门…``, ``公安机关、检察院、法院建立…``,
  ``各级综治部门牵头开展…`` → ``lead``;
* after 由 / 报: ``考核由市综治委组织``, ``报市委、市政府命名`` → ``lead``;
* 各… + a modal mid-clause: ``重要节点和敏感时期各级党委政府要…`` → ``lead``;
* after 会同 / 配合 / 协助: ``会同省反恐办参考…`` → ``co``; so is a subject whose verb is 配合 itself
  (``市司法局配合…``; but ``政法部门要配合家庭…`` leads).

Whether a phrase is a body is decided by a recogniser driven by ``data/inline.tsv`` (suffixes such as
局/委/部门/机关, vetoes such as 场所/格局, qualifiers and generic words that make 各有关部门 nobody in
particular), :func:`loaders.agencies.is_collective` and place levels (县(市区), 各市). No seed's name is
listed anywhere. Without a word segmenter the end of a name is found by trying the shortest candidate
first and growing it while what follows continues a name (各级党委|政府要 → 各级党委政府).

Only the clause is parsed, never the whole text at once, and every name is at most ``_MAX_NAME``
characters, so the work is linear in the length of the measure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from loaders import lexicon
from loaders.agencies import (
    clean_name,
    expand_bare_body,
    expand_distributed_each,
    is_collective,
    share_body,
    share_place,
    split_agencies,
)
from loaders.duties import Duty
from loaders.text import Joined

__all__ = ["find_inline_duties", "is_generic_body", "is_inline_agency", "subject_names"]

_MAX_NAME = 20
_MAX_ITEMS = 24  # a joint meeting lists its twenty member units in one sentence
_MODAL_WINDOW = 80
_MAX_CUES = 64
# Clauses end at these (folded text): the subject of a clause is at its start.
_CLAUSE_ENDS = frozenset(",;。!?:\n")
_CLAUSE_MARKS = re.compile("[“”、" + "".join(re.escape(c) for c in sorted(_CLAUSE_ENDS)) + "]")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z()、]+")  # 、 only inside brackets: 各县(市、区)人民政府
_TRAILING_BRACKET = re.compile(r"\([^()]*\)$")
_SEPARATORS = ("以及", "、", "和", "及", "与")
_ADVERB_BEFORE_MODAL = "也都还均亦"
# A list of names closed by 等 and a category (通信管理部门、移动、联通、电信等互联网接入服务单位).
_ETC_LIST = re.compile(r"(?:[^,、等()]{1,8}、)*[^,、等()]{1,8}等")
_ETC_WINDOW = 120
# "X制定的标准": a short verb phrase and 的 after a name make it a modifier, not the subject of a task.
_RELATIVE = re.compile(r"[^,;。()的]{1,4}的")
# "司法所核查反馈率 100%": a short noun phrase ending in 率 states a metric about the body, not its task.
_METRIC = re.compile(r"[\u4e00-\u9fff]{1,6}率")


@dataclass
class _Lexicon:
    suffixes: tuple[str, ...]
    nots: tuple[str, ...]
    qualifiers: tuple[str, ...]
    generics: tuple[str, ...]
    bares: tuple[str, ...]
    places: tuple[str, ...]
    openers: tuple[str, ...]
    causatives: tuple[str, ...]
    bys: tuple[str, ...]
    not_bys: tuple[str, ...]
    modals: tuple[str, ...]
    not_modals: tuple[str, ...]
    partners: tuple[str, ...]
    guided: tuple[str, ...]
    blockers: tuple[str, ...]
    reporting: tuple[str, ...]
    verbs: tuple[str, ...]
    functions: frozenset[str]
    continuations: tuple[str, ...]  # words that, right after a name, make the name longer
    straddles: dict[str, tuple[tuple[str, int], ...]]  # two characters → (word, split) of the words they join
    regex: dict[str, re.Pattern[str]] = field(default_factory=dict)  # field name → regex of its words
    by_chars: frozenset[str] = frozenset()  # first characters of cue words: a clause without any skips the search
    partner_chars: frozenset[str] = frozenset()
    body_chars: frozenset[str] = frozenset()  # last characters of suffixes and places: no name without one
    # The same three sets as regexes (a character class finds one in C, without a set of the clause's characters).
    by_search: re.Pattern[str] = re.compile(r"(?!)")
    partner_search: re.Pattern[str] = re.compile(r"(?!)")
    body_search: re.Pattern[str] = re.compile(r"(?!)")
    # A character no name contains (outside _NAME_CHARS, or a function word), and the verbs shortest first:
    # past either, no longer candidate at that position can be a name (see _name_limit).
    not_name: re.Pattern[str] = re.compile(r"(?!)")
    verb_set: frozenset[str] = frozenset()
    verb_starts: frozenset[str] = frozenset()  # first characters of the verbs ("" for an empty one)
    verb_sizes: tuple[int, ...] = ()  # the lengths of the verbs, shortest first
    longest_bare: int = 0
    vocab: tuple[str, ...] = ()  # qualifiers, generics and bares, longest first (_only_generic_words)
    inner_blockers: tuple[str, ...] = ()  # officials and staff: never inside a body's name (办公室主任)
    not_modal_starts: frozenset[str] = frozenset()


@cache  # read once per process
def _lexicon() -> _Lexicon:
    kinds: dict[str, list[str]] = {}
    for row in lexicon.table("inline.tsv"):
        if len(row) >= 2:
            kinds.setdefault(row[1], []).append(row[0])

    def of(kind: str) -> tuple[str, ...]:
        return tuple(sorted(set(kinds.get(kind, [])), key=lambda w: (-len(w), w)))

    suffixes, generics, bares = of("suffix"), of("generic"), of("bare")
    continuations = tuple(sorted({w for w in suffixes + bares if len(w) >= 2}, key=lambda w: -len(w)))
    everything = {w for ws in kinds.values() for w in ws if len(w) >= 2}
    lex = _Lexicon(
        suffixes=suffixes,
        nots=of("not"),
        qualifiers=of("qualifier"),
        generics=generics,
        bares=bares,
        places=of("place"),
        openers=of("opener"),
        causatives=of("causative"),
        bys=of("by"),
        not_bys=of("not-by"),
        modals=of("modal"),
        not_modals=of("not-modal"),
        partners=of("partner"),
        guided=of("guided"),
        blockers=of("blocker"),
        reporting=of("reporting"),
        verbs=of("verb") + of("by") + of("partner") + of("causative") + of("modal"),
        functions=frozenset(kinds.get("function", [])),
        continuations=continuations,
        straddles=_straddles(everything),
    )
    for name in ("verbs", "continuations", "blockers", "modals", "not_modals", "partners", "openers"):
        lex.regex[name] = _alternation(getattr(lex, name))
    lex.regex["clause_openers"] = _alternation(lex.openers + lex.causatives)
    lex.by_chars = frozenset(w[0] for w in lex.bys)
    lex.partner_chars = frozenset(w[0] for w in lex.partners)
    lex.body_chars = frozenset(w[-1] for w in lex.suffixes + lex.places + lex.bares)
    lex.by_search = _char_class(lex.by_chars)
    lex.partner_search = _char_class(lex.partner_chars)
    lex.body_search = _char_class(lex.body_chars)
    lex.not_name = _not_name_class(frozenset(w for w in lex.functions if len(w) == 1))
    lex.verb_set = frozenset(lex.verbs)
    lex.verb_starts = frozenset(w[:1] for w in lex.verbs)
    lex.verb_sizes = tuple(sorted({len(w) for w in lex.verbs}))
    lex.longest_bare = max(map(len, lex.bares), default=0)
    # Officials and staff named inside a candidate (办公室主任由…) unmake it, unless a body's own word holds them
    # (委员 in 委员会) or they are leadership words that follow a body (统一领导).
    body_words = suffixes + generics + bares
    lex.not_modal_starts = frozenset(w[:1] for w in lex.not_modals)
    lex.inner_blockers = tuple(w for w in lex.blockers if len(w) >= 2 and "领导" not in w and w not in ("主导", "代表")
                               and not any(w in b for b in body_words))
    lex.vocab = tuple(sorted(lex.qualifiers + lex.generics + lex.bares, key=lambda w: -len(w)))
    # Alternatives are tried in order, so the match is the first word of ``vocab`` that fits, as a scan would find.
    lex.regex["vocab"] = _alternation(lex.vocab)
    return lex


def _not_name_class(functions: frozenset[str]) -> re.Pattern[str]:
    """One negated character class: outside _NAME_CHARS, or a function character (的, 要 …). A single class
    lets the regex engine scan for it in C; an alternation of two classes would be tried at every position."""
    ranges, start = [], None  # the ideographs that are not function characters, as runs of code points
    for code in range(0x4E00, 0xA001):
        kept = code < 0xA000 and chr(code) not in functions
        if kept and start is None:
            start = code
        elif not kept and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    others = "".join(re.escape(c) for c in sorted(functions) if not "\u4e00" <= c <= "\u9fff")
    outside = f"[^{''.join(ranges)}0-9A-Za-z()]"
    return re.compile(f"{outside}|[{others}]" if others else outside)


def _char_class(chars: frozenset[str]) -> re.Pattern[str]:
    """A regex finding any one of ``chars``; never matches if there are none."""
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]" if chars else r"(?!)")


@cache  # one per word list
def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    """A regex matching any of ``words`` (given longest first, so the longest wins); never matches if empty."""
    return re.compile("|".join(re.escape(w) for w in words) or r"(?!)")


def _straddles(words: set[str]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Index of every inner split of every word by the two characters around it, so that checking
    whether a name ends inside a word costs one dictionary look-up."""
    index: dict[str, list[tuple[str, int]]] = {}
    for word in words:
        for k in range(1, len(word)):
            index.setdefault(word[k - 1 : k + 1], []).append((word, k))
    return {pair: tuple(entries) for pair, entries in index.items()}


@lru_cache(maxsize=65536)  # the same candidate strings recur in every clause and document
def _name_kind(name: str) -> str | None:
    """``agency``, ``generic`` (a body named only by kind: 有关部门, 政府) or None (not a body)."""
    lex = _lexicon()
    if not 2 <= len(name) <= _MAX_NAME or not _NAME_CHARS.fullmatch(name) or name[0] in "()":
        return None
    if not lex.functions.isdisjoint(name) or _verb_end(name, 0, lex) >= 0:
        return None
    depth = 0
    for ch in name:
        depth += 1 if ch == "(" else -1 if ch == ")" else 0
        if depth < 0 or depth > 1 or (ch == "、" and not depth):
            return None
    if depth:
        return None
    if any(word in name for word in lex.inner_blockers):
        return None  # 办公室主任由…: an official or staff, not a body
    base = _TRAILING_BRACKET.sub("", name)
    if not base or base.endswith(lex.nots):
        return None
    if _only_generic_words(base):
        return "generic"
    if is_collective(name):
        return "agency"
    if _is_place(name):
        return "agency"
    # A suffix of two or more characters can be the whole name (电台, 党组织); one character cannot (局).
    # (Either way the name has at least two characters: min(len(suffix) + 1, 2) is 2 for any real suffix.)
    if (len(base) >= 2 and base.endswith(lex.suffixes)) or "" in lex.suffixes:
        return "agency"
    return None


def _only_generic_words(base: str) -> bool:
    """各有关部门, 基层组织, 党委政府: nothing but qualifiers and kind words (a qualifier plus a bare body,
    各级政府, is specific enough: every government at every level)."""
    lex = _lexicon()
    first_word = lex.regex["vocab"].match  # the first word of the vocabulary (longest first) found at a position
    pos, seen = 0, set()
    while pos < len(base):
        found = first_word(base, pos)
        if found is None:
            return False
        word = found.group()
        seen.add(word)
        pos += len(word)
    has_generic = any(w in lex.generics for w in seen)
    has_qualifier = any(w in lex.qualifiers for w in seen)
    return has_generic or not has_qualifier


def _is_place(name: str) -> bool:
    """县(市区), 乡镇(办事处), 各市: a place level standing for the governments at that level."""
    base = _TRAILING_BRACKET.sub("", name)
    base = base[1:] if base.startswith("各") else base
    return base in _lexicon().places and len(name) >= 2


def is_inline_agency(name: str) -> bool:
    """Whether a phrase names a body that can act: 省反恐办, 各级公安机关, 县(市区) — not 有关部门, 场所."""
    return _name_kind(re.sub(r"\s+", "", name)) == "agency"


def is_generic_body(name: str) -> bool:
    """Whether a phrase names bodies only by kind (有关部门, 相关各单位, 各部门): nobody in particular."""
    return _name_kind(re.sub(r"\s+", "", name)) == "generic"


def _splits_word(text: str, end: int) -> bool:
    """Whether a known word straddles ``end`` (各级各部|门): a name never ends inside a word."""
    if end < 1 or end >= len(text):
        return False
    for word, k in _lexicon().straddles.get(text[end - 1 : end + 1], ()):
        if end - k >= 0 and text.startswith(word, end - k):
            return True
    return False


def _continues(rest: str) -> bool:
    """A bracket or a body word right after a name continues it (各县|(市区), 各级党委|政府) — not a verb (组织)."""
    lex = _lexicon()
    if rest.startswith("("):
        return True
    return bool(lex.regex["continuations"].match(rest)) and not lex.regex["verbs"].match(rest)


def _predicate_ok(rest: str) -> bool:
    """What follows a subject must start a predicate: not a possessive, an official or a reported decision."""
    lex = _lexicon()
    rest = rest.lstrip(" ")
    if not rest or not ("\u4e00" <= rest[0] <= "\u9fff"):
        return False
    if lex.regex["blockers"].match(rest):
        return False
    for verb in lex.reporting:
        if rest.startswith(verb) and rest[len(verb) : len(verb) + 1] in (",", ":", ""):
            return False
    return not _RELATIVE.match(rest) and not _METRIC.match(rest)


def _starts_with_modal(rest: str) -> bool:
    rest = rest.lstrip(" ")
    if rest[:1] and rest[0] in _ADVERB_BEFORE_MODAL:
        rest = rest[1:]
    lex = _lexicon()
    return bool(lex.regex["modals"].match(rest)) and not lex.regex["not_modals"].match(rest)


def _strip_openers(text: str, pos: int, pattern: re.Pattern[str]) -> int:
    """Skip blanks and opening words (一是, 同时, 全市 …) at ``pos``; at most a few, as in real text."""
    for _ in range(_MAX_OPENERS):
        while pos < len(text) and text[pos] == " ":
            pos += 1
        m = pattern.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    return pos


@dataclass
class _Name:
    start: int  # clause offsets
    end: int
    written: str  # folded text, or the expansion of a bare body (各县(市区)党委、政府 → 各县(市区)政府)
    agency: bool
    canonical: str | None = None  # the body a field names (公安 of 公安、民政部门 → 公安部门), when not ``written``


def _one_name(text: str, pos: int, previous: str, need_predicate: bool) -> tuple[_Name, str] | None:
    """The shortest name at ``pos`` that ends where a separator, a predicate or (without a predicate) anything
    else begins, grown while a longer name follows closely (各级党委|政府要, 市委|组织部). Returns the name
    and what ended it: ``sep`` or ``end``."""
    lex = _lexicon()
    stop = min(len(text), pos + _MAX_NAME)
    limit = _name_limit(text, pos, stop, lex)
    # Past ``limit`` only a bare body expanded from the name before it (各县(市区)党委、政府) can still match.
    last = max(limit, min(stop, pos + lex.longest_bare) if previous else pos)
    for end in range(pos + 1, last + 1):
        candidate = text[pos:end]
        kind = _name_kind(candidate) if end <= limit else None
        written = candidate
        if kind is None or kind == "generic":
            expanded = expand_bare_body(previous, candidate) if previous and candidate in lex.bares else None
            if expanded:
                kind, written = "agency", expanded
        if kind is None or _splits_word(text, end):
            continue
        rest = text[end : end + _LOOKAHEAD]  # a window, not a copy of the rest of a long clause
        if rest.startswith(_SEPARATORS):
            return _Name(pos, end, written, kind == "agency"), "sep"
        if _continues(rest) or _grows(text, pos, end):
            continue
        if need_predicate and not _predicate_ok(rest):
            continue
        return _Name(pos, end, written, kind == "agency"), "end"
    return None


def _name_limit(text: str, pos: int, stop: int, lex: _Lexicon) -> int:
    """The last end (≤ ``stop``) at which ``text[pos:end]`` may be a name by :func:`_name_kind`'s first tests:
    a longer candidate holds a character no name holds, starts with a verb, or starts with a bracket."""
    if text[pos : pos + 1] in ("(", ")"):
        return pos
    bad = lex.not_name.search(text, pos, stop)
    # 各县(市、区): a 、 inside brackets is part of the name
    while bad is not None and text[bad.start()] == "、" and "(" in text[pos : bad.start()] \
            and _open_brackets(text, pos, bad.start()):
        bad = lex.not_name.search(text, bad.end(), stop)
    limit = bad.start() if bad else stop
    verb = _verb_end(text, pos, lex)
    if verb >= 0:
        limit = min(limit, verb - 1)
    return limit


def _open_brackets(text: str, start: int, end: int) -> bool:
    return text.count("(", start, end) > text.count(")", start, end)


def _verb_end(text: str, pos: int, lex: _Lexicon) -> int:
    """Where the shortest verb at ``pos`` ends, or -1: ``text[pos:]`` starts with no verb."""
    if text[pos : pos + 1] not in lex.verb_starts and "" not in lex.verb_set:
        return -1
    if text[pos : pos + 1] in lex.not_modal_starts and lex.regex["not_modals"].match(text, pos):
        return -1  # 应急管理部门: 应急 is no modal, so no verb either
    for size in lex.verb_sizes:
        if text[pos : pos + size] in lex.verb_set:
            return pos + size
    return -1


_MAX_GROWTH = 8
_LOOKAHEAD = 24
_MAX_OPENERS = 4
_SHORT_GROWTH = 3


def _grows(text: str, pos: int, end: int) -> bool:
    """Whether a longer name starts at ``pos`` and ends soon after ``end`` (市委|组织部, 乡镇(街道)|综治委).

    A growth that starts with a verb (各级安帮办|组织基层帮教机构) is a predicate, unless it is short."""
    lex = _lexicon()
    verb_start = bool(lex.regex["verbs"].match(text, end))
    limit = min(len(text), end + (_SHORT_GROWTH if verb_start else _MAX_GROWTH), pos + _MAX_NAME)
    for stop in range(end + 1, limit + 1):
        if text[stop - 1] in lex.functions or not _NAME_CHARS.fullmatch(text[stop - 1]):
            return False
        if _name_kind(text[pos:stop]) == "agency" and not _splits_word(text, stop):
            return True
    return False


def _names(text: str, pos: int, need_predicate: bool, modal: bool = False) -> list[_Name]:
    """A list of names from ``pos`` (市委、市政府 / 基层组织和政法部门 / 各县(市区)及所辖乡镇(办事处)).

    With ``need_predicate`` the list must be followed by a predicate (it is a subject); with ``modal`` by a
    modal verb. Generic items (有关部门) are parsed and dropped.
    """
    lex = _lexicon()
    names: list[_Name] = []
    previous = ""
    for _ in range(_MAX_ITEMS):
        pos = _strip_openers(text, pos, lex.regex["openers"])
        found = _one_name(text, pos, previous, need_predicate)
        if found is None:
            if names and text[pos - 1 : pos] == "、" and _ETC_LIST.match(text[pos : pos + _ETC_WINDOW]):
                break  # a list of actors closed by 等 and a category: the others are not bodies
            skipped = _vetoed_item(text, pos) if names else None
            if skipped is None:
                return []
            pos, how = skipped  # 卫生健康部门、医疗机构应当…: an institution it regulates, listed with it
            if how == "end":
                break
            continue
        name, how = found
        if names and name.agency and text[pos - 1 : pos] == "、":
            # 各区、县(市)要…: the 各 carries over to the levels after it, as in a label's list (not across 及:
            # 各县(市区)及所辖乡镇 are the townships of those counties)
            expanded = expand_distributed_each(previous, name.written)
            if expanded:
                name = replace(name, written=expanded)
                body = share_body(previous, expanded)  # 各市、县人民政府: 各市 stands for 各市人民政府
                if body:
                    names[-1] = replace(names[-1], canonical=body)
            elif previous:
                shared = share_place(previous, name.written)  # 省公安厅、司法厅: 司法厅 is 省司法厅
                if shared:
                    name = replace(name, canonical=shared)
        names.append(name)
        previous = name.written
        if how == "end":
            if modal and not _starts_with_modal(text[name.end : name.end + _LOOKAHEAD]):
                return []
            break
        pos = name.end + next(len(s) for s in _SEPARATORS if text.startswith(s, name.end))
    else:
        return []
    return [n for n in names if n.agency]


def _vetoed_item(text: str, pos: int) -> tuple[int, str] | None:
    """An item of a list that is explicitly no body (医疗机构, 金融机构: a ``not`` ending): where the next item
    starts and ``sep``, or where the list ends and ``end``; None for anything else."""
    lex = _lexicon()
    stop = min(len(text), pos + _MAX_NAME)
    if _not_words(lex.nots).search(text, pos, stop) is None:
        return None  # (most lists name no such item: one search says so)
    for end in range(pos + 2, stop + 1):
        if not _NAME_CHARS.fullmatch(text[end - 1]) or text[end - 1] == "、":
            return None
        if not text.endswith(lex.nots, pos, end):
            continue
        rest = text[end : end + _LOOKAHEAD]
        for separator in _SEPARATORS:
            if rest.startswith(separator):
                return end + len(separator), "sep"
        return (end, "end") if _predicate_ok(rest) else None
    return None


@cache
def _not_words(nots: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, nots)) or r"(?!)")


@cache  # one per cue word of the lexicon
def _veto_checks(word: str, vetoes: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """(veto, offset of ``word`` inside it) for every veto word that contains ``word``."""
    return tuple((v, k) for v in vetoes for k in range(len(v)) if v.startswith(word, k))


def _occurrences(text: str, words: tuple[str, ...], vetoes: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Start and end of each occurrence of a word, unless it is part of a veto word (由于, 情报).

    At most ``_MAX_CUES`` per clause: a real clause has a handful, and a pathological one (a megabyte of 由)
    must not cost a parse per character."""
    found: list[tuple[int, int]] = []
    for word in words:
        checks = _veto_checks(word, vetoes) if vetoes else ()
        pos = text.find(word)
        while pos != -1 and len(found) < _MAX_CUES:
            if not any(pos - k >= 0 and text.startswith(v, pos - k) for v, k in checks):
                found.append((pos, pos + len(word)))
            pos = text.find(word, pos + 1)
    return found


# A clause opening with one of these and naming no body of its own acts for the body the clause before names.
_ELIDED_SUBJECT_VERBS = ("负责", "牵头")


# A list of departments named by their field, closed by a kind word: 公安、民政、城管部门 · 教育、卫生等部门配合 ·
# 司法行政、民政等有关主管部门 · 自然资源、住建、司法等协同配合. The separator between items is never part of
# an item, so the repeat cannot backtrack.
_STEM_LIST = re.compile(
    r"((?:[\u4e00-\u9fff]{2,10}、){0,23}[\u4e00-\u9fff]{2,10}?)"
    r"(?:等(?:有关|相关)?(?:主管|职能)?(?P<etc>部门|单位|机关)|(?P<kind>部门|机关)|等(?=协同|配合|参与|协助))"
)
# A list of bodies an actor organises, closed by how many they are: 组织教育局等十二个部门…
_JOINERS = re.compile("以及|和|及|与")
_COUNTED_TAIL = re.compile(r"等[\d一二三四五六七八九十两]{1,3}[个家]?(?:部门|单位|部门和单位|家单位)")


@cache
def _stems() -> frozenset[str]:
    return frozenset(lexicon.words("department_stems.txt"))


def _stem_list(text: str, pos: int) -> tuple[list[_Name], int] | None:
    """The departments of a list named by their field (see ``_STEM_LIST``), each as written with the body it
    stands for (公安 → 公安部门), and where the list ends; None when an item is neither a known field
    (``data/department_stems.txt``) nor a body."""
    found = _STEM_LIST.match(text, pos)
    if found is None:
        return None
    kind = found.group("kind")
    body = "机关" if (kind or found.group("etc")) == "机关" else "部门"
    names, at = [], pos
    items = found.group(1).split("、")
    for n, item in enumerate(items):
        last = n == len(items) - 1
        written = item + kind if last and kind else item
        if item in _stems():
            field = written == item and not is_inline_agency(item)  # 残联, 法院 are bodies by themselves
            names.append(_Name(at, at + len(written), written, True, item + body if field else None))
        elif is_inline_agency(written):
            names.append(_Name(at, at + len(written), written, True))
        else:
            return None
        at += len(item) + 1
    return names, found.end()


def _clause_actors(text: str, previous_clause: str) -> list[tuple[_Name, str]]:
    """Names in one clause (folded text) with their roles."""
    lex = _lexicon()
    # No character a body name ends with, so no name (three clauses in four of a plan): only a clause that opens
    # with 负责/牵头 can still give a duty, to the body the clause before it names.
    names_a_body = lex.body_search.search(text) is not None
    if not names_a_body and not any(word in text for word in _ELIDED_SUBJECT_VERBS):
        return []
    found: list[tuple[_Name, str]] = []
    start = _strip_openers(text, 0, lex.regex["clause_openers"])
    if not names_a_body:
        if text.startswith(_ELIDED_SUBJECT_VERBS, start):
            found.extend((n, "lead") for n in _elided_subject(previous_clause))
        return found
    subject = _names(text, start, need_predicate=True)
    subject_end = subject[-1].end if subject else start
    # a list of fields ends in a kind word or 等: a clause with neither holds none
    lists_fields = "等" in text or "部门" in text or "机关" in text
    stems = _stem_list(text, start) if lists_fields and len(subject) <= 1 else None
    if stems and len(stems[0]) > len(subject) and _predicate_ok(text[stems[1] : stems[1] + _LOOKAHEAD]):
        subject, subject_end = stems
    # 市司法局、市民政局配合…: a subject whose verb is 配合 itself is a partner (but 政法部门要配合家庭… leads).
    partner = bool(subject) and bool(lex.regex["partners"].match(text, subject_end))
    found.extend((n, "co" if partner else "lead") for n in subject)
    if not subject and text.startswith(_ELIDED_SUBJECT_VERBS, start):
        found.extend((n, "lead") for n in _elided_subject(previous_clause))
    for _, end in _occurrences(text, lex.bys, lex.not_bys) if lex.by_search.search(text) else ():
        if "组成" in text:  # 由省民政厅、省综治办…等20个部门和单位组成: the members, not the actors
            members = _names(text, end, need_predicate=False)
            tail = members[-1].end if members else end
            if members and (text.startswith("组成", tail) or _COUNTED_TAIL.match(text, tail)):
                found.extend((n, "co") for n in members)
                continue
        found.extend((n, "lead") for n in _names(text, end, need_predicate=True))
    pos, tries = text.find("各", start + 1), 0
    while pos != -1 and tries < _MAX_CUES:
        tries += 1
        # Cheap test first: a modal must follow within reach of a short list of names.
        if lex.regex["modals"].search(text, pos, pos + _MODAL_WINDOW):
            found.extend((n, "lead") for n in _names(text, pos, need_predicate=True, modal=True))
        pos = text.find("各", pos + 1)
    for _, end in _occurrences(text, lex.partners) if lex.partner_search.search(text) else ():
        partners = _names(text, end, need_predicate=False)
        stems = _stem_list(text, end) if lists_fields and len(partners) <= 1 else None
        if stems and len(stems[0]) > len(partners):
            partners = stems[0]
        found.extend((n, "co") for n in partners)
    for _, end in _occurrences(text, lex.guided) if "督促" in text else ():
        # 督促指导各县（市、区）人民政府、各相关部门… / 督促…物业服务企业、村民委员会、居民委员会…: the bodies told
        # to act, among others that are no bodies
        found.extend((n, "implement") for n in _listed_bodies(text, end))
    for _, end in _occurrences(text, ("组织",)) if "组织" in text and _COUNTED_TAIL.search(text) else ():
        # 组织教育局等十二个部门协作联动: the bodies an actor organises, counted, take part (co)
        organised = _names(text, end, need_predicate=False)
        if organised and _COUNTED_TAIL.match(text, organised[-1].end):
            found.extend((n, "co") for n in organised)
    return found


def _listed_bodies(text: str, pos: int) -> list[_Name]:
    """The items of a list at ``pos`` (up to the clause end, 、 between them outside brackets) that are bodies;
    an item runs to a 以及/和/及/与 (居民委员会以及其他单位和个人) and starts after a 的 (本辖区内的物业服务企业)."""
    region = text[pos : pos + _ETC_WINDOW]
    found: list[_Name] = []
    for a, b in split_agencies(region):
        item = region[a:b]
        joiner = _JOINERS.search(item)
        last = joiner is not None
        item = item[: joiner.start()] if joiner else item
        cut = item.rfind("的") + 1
        if _name_kind(item[cut:]) == "agency":
            found.append(_Name(pos + a + cut, pos + a + len(item), item[cut:], True))
        if last:
            break
    return found


def _elided_subject(previous_clause: str) -> list[_Name]:
    """…参加的创建平安工作领导小组,负责…: the clause before names the body after its last 的."""
    cut = previous_clause.rfind("的")
    if cut == -1:
        return []
    name = previous_clause[cut + 1 :].strip()
    if _name_kind(name) != "agency":
        return []
    # Offsets are relative to the previous clause; the caller quotes the clause that states the duty.
    return [_Name(0, 0, name, True)]


def subject_names(folded: str) -> list[tuple[str, int, int]]:
    """The names a clause opens with, whatever follows them: the subject of a regulation's article
    (第十六条 省监察厅参加事故的调查处理…), written, start and end."""
    start = _strip_openers(folded, 0, _lexicon().regex["clause_openers"])
    return [(n.written, n.start, n.end) for n in _names(folded, start, need_predicate=False)]


def find_inline_duties(joined: Joined, explicit: Iterable[Duty] = ()) -> list[Duty]:
    """Inline actors of one measure's joined text, one duty per body, in order of first mention.

    Bodies already named by a label (``explicit``) are not repeated, and the text of those labels is
    not read again. A later, shorter mention of a body already found (领导小组 after 创建平安工作领导小组,
    综治委 after 市综治委, 各县(市区)综治委 after 县(市区)综治委) is the same body.
    """
    explicit = list(explicit)
    taken = [(d.start, d.end) for d in explicit]
    known = [clean_name(d.as_written) for d in explicit]
    folded = joined.folded
    duties: list[Duty] = []
    if not _lexicon().body_search.search(folded):
        return duties  # no character a body name can end with
    previous = ""
    for pos, end in _clauses(folded):
        if not taken or not _overlaps(taken, pos, end):
            clause = folded[pos:end]
            actors = _clause_actors(clause, previous)
            if actors:
                lead = len(clause) - len(clause.lstrip(" "))
                q_start, q_end = pos + lead, pos + len(clause.rstrip(" "))
            for name, role in actors:
                written = clean_name(joined.text[pos + name.start : pos + name.end]) if name.end else name.written
                if name.written != folded[pos + name.start : pos + name.end]:
                    written = name.written  # an expanded bare body is not in the text as such
                if _same_body(written, known):
                    continue
                known.append(written)
                duties.append(Duty(written, role, "inline", q_start, q_end, canonical=name.canonical))
            previous = clause
    return duties


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    for a, b in spans:
        if a < end and start < b:
            return True
    return False


def _clauses(folded: str) -> list[tuple[int, int]]:
    """Clause spans: text between , ; 。 ! ? : and line breaks — and, inside quotation marks, between 、,
    because a quoted slogan lists clauses (“政府出资招聘、公安机关管理使用”)."""
    spans, start, quoted = [], 0, False
    for mark in _CLAUSE_MARKS.finditer(folded):  # every other character leaves the state as it is
        i, ch = mark.start(), mark.group()
        if ch == "“":
            quoted = True
        elif ch == "”":
            quoted = False
        elif ch in _CLAUSE_ENDS or (quoted and ch == "、"):
            spans.append((start, i))
            start = i + 1
            if ch in "。\n":
                quoted = False  # an unclosed quotation mark never runs past its sentence
    spans.append((start, len(folded)))
    return spans


def _same_body(name: str, known: list[str]) -> bool:
    for other in known:
        if name == other or other.endswith(name):
            return True
        if name in _stems() and other.startswith(name):
            return True  # 消防救援 after 消防救援机构: the field of a body already named
        if name == "各" + other or other == "各" + name:
            return True
    return False
