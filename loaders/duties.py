"""Responsibility labels → who does what in a measure.

Two shapes are recognised, both from lexicons in ``loaders/data``:

* a label word and a colon, inline or in brackets: ``（责任单位：市委维稳办、市公安局，各旗县区）``,
  ``责任单位:A、B,各县(市区)党委、政府。``, ``牵头单位：X；配合单位：Y、Z``;
* a bracketed note whose clauses are agencies plus a role verb, as a closing paragraph or inside a
  sentence: ``（市委政法委指导，各旗县区全面开展工作）``, ``每天巡逻（市公安局牵头，市司法局、市民政局配合）。``

Roles: an explicit label word or verb wins (basis ``explicit``); in a plain 责任单位 list the first
listed unit leads and the rest are co-responsible (basis ``first-listed``); collective lower levels
(各旗县区) implement. Inline actors in running text (公安机关要…) are read by :mod:`loaders.inline`.

Quotes: a label's quote is the exact source text of the whole label, brackets included, *with its
original line breaks*: a label wrapped by PDF extraction is quoted across its lines, so the quote is
a verbatim substring of the source (and of the source with whitespace removed, after removing it
from the quote too). ``line`` is the line where the label starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from loaders import lexicon
from loaders.agencies import (
    clean_name,
    expand_bare_body,
    expand_distributed_each,
    is_collective,
    looks_like_agency,
    share_body,
    share_place,
    split_agencies,
)
from loaders.model import Assignment
from loaders.text import Joined, Source

# Labels are short; bounding the scan keeps a pathological input (a label word followed by a
# megabyte without a full stop) linear.
_MAX_LABEL = 1000
_MAX_NOTE = 300
_BRACKETED_ROLE = re.compile(r"(.+?)[(（]([^()（）]+)[)）]")
_ROUND = re.compile(r"[()]")
_ANY_ROUND = re.compile(r"[(（)）]")
_CLAUSE_MARKS = re.compile(r"[(（)）,，;；]")
# Words of a bracketed note after a name that say what the unit does, not what it is called.
_NOTE_WORDS = re.compile("牵头|配合|负责|协助|参与|单位|部门")


@dataclass
class Duty:
    """One agency named by one label, before jurisdiction resolution."""

    as_written: str
    role: str
    basis: str
    start: int  # joined-text span of the whole label
    end: int
    note: str | None = None  # e.g. how a name was expanded
    canonical: str | None = None  # the body the name stands for when it is not the name itself (公安 → 公安部门)


@cache  # built once per process: a build calls these for every measure
def _label_regex() -> re.Pattern[str]:
    words = sorted((row[0] for row in lexicon.table("labels.tsv")), key=len, reverse=True)
    return re.compile("(" + "|".join(re.escape(w) for w in words) + r")\s*:")


@cache  # built once per process: a build calls these for every measure
def _label_roles() -> dict[str, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in lexicon.table("labels.tsv")}


@cache  # built once per process: a build calls these for every measure
def _verbs() -> list[tuple[str, str]]:
    return sorted(((row[0], row[1]) for row in lexicon.table("role_verbs.tsv")), key=lambda r: -len(r[0]))


def find_duties(joined: Joined) -> list[Duty]:
    """All duties stated by labels in a measure's joined text, in order, one per agency."""
    folded = joined.folded
    duties: list[Duty] = []
    taken: list[tuple[int, int]] = []
    label_re = _label_regex()
    roles = _label_roles()
    matches = list(label_re.finditer(folded))
    for n, m in enumerate(matches):
        word = m.group(1)
        role, basis = roles[word]
        opening = _opening_bracket(folded, m.start())
        limit = matches[n + 1].start() if n + 1 < len(matches) else len(folded)
        content_start = m.end()
        if opening is not None:
            close = _matching_close(folded, opening, min(limit, opening + _MAX_LABEL))
            content_end = close if close is not None else _inline_end(folded, content_start, limit)
            start, end = opening, (close + 1 if close is not None else content_end)
        else:
            content_end = _inline_end(folded, content_start, limit)
            start, end = m.start(), content_end
        taken.append((start, end))
        content = joined.text[content_start:content_end].rstrip(" ;；,，、。")
        duties.extend(_parse_content(content, role, basis, start, end))
    for start, end in _closing_notes(folded):
        if any(a <= start < b for a, b in taken):
            continue
        duties.extend(_parse_note(joined.text[start + 1 : end - 1], start, end))
    duties.extend(_named_roles(joined, taken))
    return _settle(duties)


def _named_roles(joined: Joined, taken: list[tuple[int, int]]) -> list[Duty]:
    """``省民政厅为牵头单位``: a body and the label it is given, the other way round (labels.tsv's words)."""
    roles = _label_roles()
    found: list[Duty] = []
    if "为" not in joined.folded or not any("为" + word in joined.folded for word in roles):
        return found  # (two substring tests spare most measures the pattern)
    for m in _named_role_regex().finditer(joined.folded):
        name = clean_name(joined.text[m.start("name") : m.end("name")])
        if any(a <= m.start() < b for a, b in taken) or not looks_like_agency(name):
            continue
        role, basis = roles[m.group("label")]
        found.append(Duty(name, "lead" if role == "list" else role, "explicit", m.start(), m.end()))
    return found


@cache
def _named_role_regex() -> re.Pattern[str]:
    words = sorted((row[0] for row in lexicon.table("labels.tsv")), key=len, reverse=True)
    # the body is the whole clause before 为: it starts after a clause mark or at the start
    return re.compile(r"(?:^|(?<=[,;。:\n]))(?P<name>[^\s,;。:()、“”为]{2,20})为(?P<label>"
                      + "|".join(map(re.escape, words)) + ")")


# Unit columns of a task table (loaders/tables.py) and the role and basis each gives.
_COLUMN_ROLES = {
    "lead": ("lead", "explicit"),
    "co": ("co", "explicit"),
    "list": ("list", "first-listed"),
    "guide": ("guide", "explicit"),
}


def find_column_duties(cells: list[tuple[str, str, int, int]]) -> list[Duty]:
    """Duties from the unit cells of one task-table row: (column kind, cell text, start, end).

    牵头单位 leads and 配合单位 is co (explicit); a 责任单位 column is a list (first listed leads) unless a
    牵头单位 column names the lead, when all of it is co. A cell may carry role verbs of its own
    (市公安局牵头，市司法局配合)."""
    duties: list[Duty] = []
    for kind, text, start, end in cells:
        if kind in _COLUMN_ROLES:
            role, basis = _COLUMN_ROLES[kind]
            found = _parse_content(text.rstrip(" ;；,，、。"), role, basis, start, end)
            # A row whose cells slipped (a date under 配合单位) names nobody in that cell.
            if any(looks_like_agency(d.as_written) for d in found):
                duties.extend(found)
    return _settle(duties)


def _opening_bracket(folded: str, pos: int) -> int | None:
    i = pos - 1
    while i >= 0 and folded[i] in " \n":
        i -= 1
    return i if i >= 0 and folded[i] == "(" else None


def _matching_close(folded: str, opening: int, limit: int) -> int | None:
    depth = 0
    for i in range(opening, min(limit, len(folded))):
        ch = folded[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        elif ch == "。":
            return None
    return None


def _inline_end(folded: str, start: int, limit: int) -> int:
    """An inline label ends at 。, at a paragraph break or at the next label, outside brackets."""
    depth = 0
    stop = min(limit, start + _MAX_LABEL, len(folded))
    for i in range(start, stop):
        ch = folded[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return i
            depth -= 1
        elif ch in "。\n" and depth == 0:
            return i
    return stop


def _closing_notes(folded: str) -> list[tuple[int, int]]:
    """Bracketed notes, (…) of at most ``_MAX_NOTE`` characters, wherever they stand: as a paragraph of
    their own (（市委政法委指导，各旗县区全面开展工作）) or inside a sentence (每天巡逻（市公安局牵头，
    市司法局配合）。). Whether one is a duty note is decided by :func:`_parse_note`. One pass with a
    stack, so a run of brackets stays linear."""
    notes = []
    stack: list[int] = []
    for bracket in _ROUND.finditer(folded):  # only brackets change the state
        i, ch = bracket.start(), bracket.group()
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            opening = stack.pop()
            if i - opening <= _MAX_NOTE and not stack:
                notes.append((opening, i + 1))
    return notes


def _split_clause(clause: str) -> tuple[str, str | None]:
    """``市委政法委指导`` → (市委政法委, guide); a clause without a role verb → (clause, None)."""
    best: tuple[int, str, str] | None = None
    visible = _mask_brackets(clause)  # 市公安局(牵头) is a name with a note, not 市公安局( + 牵头
    for verb, role in _verbs():
        pos = visible.find(verb)
        if pos > 0 and (best is None or pos < best[0]):
            best = (pos, verb, role)
    if best is None:
        return clause, None
    agencies = clause[: best[0]]
    for adverb in lexicon.words("adverbs.txt"):
        if agencies.endswith(adverb):
            agencies = agencies[: -len(adverb)]
            break
    return agencies, best[2]


def _mask_brackets(text: str) -> str:
    """The text with everything inside brackets blanked out, same length."""
    if not _ANY_ROUND.search(text):
        return text
    out, depth = [], 0
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
            out.append(ch)
            continue
        out.append(" " if depth else ch)
    return "".join(out)


def _clauses(content: str) -> list[str]:
    """Clauses of a label split on , and ; outside brackets (、 separates names, not clauses)."""
    out, depth, start = [], 0, 0
    for mark in _CLAUSE_MARKS.finditer(content):  # no other character changes the state
        i, ch = mark.start(), mark.group()
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif ch in ",，;；" and depth == 0:
            out.append(content[start:i])
            start = i + 1
    out.append(content[start:])
    return [c for c in out if c.strip()]


def _names(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """Names in a list, with a bracketed role (市公安局(牵头)), expansion notes and the body a name stands for
    when it shares a part with its neighbour (省公安厅、司法厅 → 省司法厅; 各市、县人民政府 → 各市人民政府)."""
    names: list[tuple[str, str | None, str | None, str | None]] = []
    previous = ""
    for a, b in split_agencies(text):
        raw = clean_name(text[a:b])
        role = None
        m = _BRACKETED_ROLE.fullmatch(raw)
        if m:
            verb_role = dict(_verbs()).get(m.group(2))
            if verb_role:
                raw, role = m.group(1), verb_role
            elif _NOTE_WORDS.search(m.group(2)):
                raw = m.group(1)  # 区统计局(数据统计评估牵头单位): a note on its part, not a part of its name
        note = None
        expanded = expand_bare_body(previous, raw) or expand_distributed_each(previous, raw)
        if expanded:
            note = f'{expanded}: expanded from "{previous}、{raw}"'
            raw = expanded
            body = share_body(previous, expanded)
            if body and names:
                names[-1] = (*names[-1][:3], body)
        names.append((raw, role, note, share_place(previous, raw) if previous else None))
        previous = raw
    return names


def _parse_content(content: str, role: str, basis: str, start: int, end: int) -> list[Duty]:
    """The names of one label, with roles: explicit verbs first, then the label's own rule."""
    duties: list[Duty] = []
    for clause in _clauses(content):
        agencies, verb_role = _split_clause(clause)
        if verb_role and not agencies.strip():
            agencies, verb_role = clause, None
        for name, bracket_role, note, canonical in _names(agencies):
            if bracket_role or verb_role:
                duties.append(Duty(name, bracket_role or verb_role or "", "explicit", start, end, note, canonical))
            else:
                duties.append(Duty(name, role, basis, start, end, note, canonical))
    return duties


def _parse_note(content: str, start: int, end: int) -> list[Duty]:
    """A closing note counts only when every clause is agencies + a role verb or agencies alone."""
    duties: list[Duty] = []
    has_verb = False
    for clause in _clauses(content):
        agencies, verb_role = _split_clause(clause)
        names = _names(agencies)
        if not names or not all(looks_like_agency(n) for n, *_ in names):
            return []
        has_verb = has_verb or verb_role is not None
        for name, bracket_role, note, canonical in names:
            duties.append(Duty(name, bracket_role or verb_role or "list", "explicit", start, end, note, canonical))
    return duties if has_verb else []


def _settle(duties: list[Duty]) -> list[Duty]:
    """Turn ``list`` roles into lead/co, send collectives to implement, keep one duty per name."""
    explicit_lead = any(d.role == "lead" and d.basis == "explicit" for d in duties)
    lead_given: set[tuple[int, int]] = set()
    for d in duties:
        collective = is_collective(d.as_written)
        if collective and d.role != "guide":
            d.role = "implement"
        elif d.role == "list":
            label = (d.start, d.end)
            if explicit_lead or label in lead_given:
                d.role = "co"
            else:
                d.role = "lead"
                lead_given.add(label)
    settled: dict[str, Duty] = {}
    for d in duties:
        kept = settled.get(d.as_written)
        if kept is None or (kept.basis != "explicit" and d.basis == "explicit"):
            settled[d.as_written] = d
    order = {d.as_written: i for i, d in reversed(list(enumerate(duties)))}
    return sorted(settled.values(), key=lambda d: order[d.as_written])


def to_assignment(src: Source, joined: Joined, duty: Duty) -> Assignment:
    """A duty found in a joined text as an assignment: its quote is the label's source text as written, its line
    the label's first line, its name as written the name as the file writes it (the agency is the name as read,
    resolved once the document's place is known)."""
    start, end = joined.source_span(duty.start, duty.end)
    return Assignment(
        agency=duty.canonical or duty.as_written,
        as_written=src.written_name(duty.as_written, start, end),
        role=duty.role,
        basis=duty.basis,
        quote=src.quote(start, end),
        line=src.line_of(start),
    )
