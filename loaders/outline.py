"""The numbering outline of a plan: 一、 → （一） → 1、/1. → （1）.

Each numbered item knows its key path as written (二（一）, 三·活动(二)), its heading, the span of
its body and its line. A number marker counts only at the start of a line and only in sequence
(the next number of its list, a restart at 1, or the next number of a list that runs on across
sections), because PDF extraction can wrap a line just before a bracketed number in running text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from loaders import lexicon
from loaders.text import Joined, Source, join_lines

_CN = "一二三四五六七八九十百零〇"
# The numbering of plans (一、 （一） 1、 （1）) and of regulations: 第X章/节/编/部分 group articles and are never
# work items; 第X条 articles are (a regulation is a list of them, each a duty with its subject as actor).
_MARKER_CORE = (
    rf"(?:第(?P<r_1>[{_CN}]{{1,4}})(?:章|节|编|部分)"
    rf"|第(?P<r0>[{_CN}]{{1,6}})条(?=[ \t\u3000]|[\u4e00-\u9fff“])"
    rf"|(?P<r1>[{_CN}]{{1,4}})[、.]"
    rf"|\((?P<r2>[{_CN}]{{1,4}})\)"
    rf"|(?P<r3>\d{{1,3}})(?:、|\.(?!\d))"
    rf"|\((?P<r4>\d{{1,3}})\)"
    rf")"
)
_MARKER = re.compile(rf"[ \t]*(?:#{{1,6}}[ \t]*)?{_MARKER_CORE}")
_CHAPTER, _ARTICLE = -1, 0  # ranks below 一、 (1)
ARTICLE = _ARTICLE
_RANK_GROUPS = ((_CHAPTER, "r_1"), (_ARTICLE, "r0"), (1, "r1"), (2, "r2"), (3, "r3"), (4, "r4"))
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# An inline heading is the first sentence of an item when it reads like a title: short and with at
# most one comma. 45 characters covers titles such as "每年组织专门力量对全市平安创建工作进行
# 半年检查考核、年终考核,进行不定期动态抽查" while running prose is usually longer.
_MAX_HEADING = 45
# A list introduction (重点组织开展好以下活动:) names the list: the word after 以下/如下/下列.
_INTRO_NAME = re.compile(
    r"(?:以下|如下|下列)(?:几项|几个|几点|几方面|[一二三四五六七八九十]+[项个点])?([\u4e00-\u9fff]{1,6}?)[:]?\s*$"
)


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105; None for anything else."""
    if not text:
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:
        return None  # 一二 is not a number marker
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


@dataclass(eq=False)
class Item:
    """One numbered item of the outline."""

    rank: int  # 1 一、 · 2 （一） · 3 1、 · 4 （1）
    value: int
    marker: str  # as written, original characters: （一）
    line: int
    start: int  # source offset of the marker
    body_start: int  # source offset right after the marker
    end: int = 0  # source offset where the item's own text ends
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)
    list_no: int = 0  # 0 for the first list under a parent; a restart at 1 opens the next
    list_label: str = ""  # "" for the first list, else its name: 活动, or 2, 3 …
    key: str = ""
    heading: str | None = None
    title: str | None = None  # the heading candidate before the list-wide check
    own_line: bool = False
    text_start: int = 0  # where the measure text starts: after an own-line heading, else body_start
    title_end: int = 0  # where the text would start if the title is kept

    def joined(self, source: Source) -> Joined:
        """The item's body (after an own-line heading) with PDF breaks joined."""
        return join_lines(source, self.text_start, self.end)


# The marker at the start of any line, found in one pass over the text. No part of a marker matches a line
# break, so each match lies within its line, as _MARKER.match bounded by the line would find it.
_MARKER_LINE = re.compile("^" + _MARKER.pattern, re.M)
# A marker inside a line, after a sentence ends and a blank: a page saved as one line (…送定点医院。 (三)城管部门。…).
# It counts only in sequence, like any marker.
_MARKER_INLINE = re.compile(rf"(?<=[。;!?])[ \t]+{_MARKER_CORE}")


def _markers(source: Source, end: int) -> Iterator[tuple[int, re.Match[str], bool]]:
    """(line, marker match, at a line start) of every line that starts with a number marker, and of every marker
    after a sentence end inside a line, up to ``end``."""
    at_start = _MARKER_LINE.finditer(source.folded, 0, end)
    if not _long_lines(source):  # (most texts: no line long enough to hold a marker inside it)
        for m in at_start:
            yield source.line_of(m.start()), m, True
        return
    inside = _MARKER_INLINE.finditer(source.folded, 0, end)
    merged = sorted([(m, True) for m in at_start] + [(m, False) for m in inside], key=lambda pair: pair[0].start())
    for m, line_start in merged:
        yield source.line_of(m.start()), m, line_start


_LONG_LINE = 300  # characters: a line this long holding several paragraphs is a page saved as one line


def _long_lines(source: Source) -> bool:
    """Whether any line is long enough to hold several numbered paragraphs."""
    return max(map(len, source.text.split("\n")), default=0) > _LONG_LINE


def _match_marker(source: Source, m: re.Match[str]) -> tuple[int, int, str, int, int] | None:
    for rank, group in _RANK_GROUPS:
        raw = m.group(group)
        if raw is not None:
            value = chinese_number(raw) if rank in (_CHAPTER, _ARTICLE, 1, 2) else int(raw)
            if not value:
                return None
            opening = {_CHAPTER: 1, _ARTICLE: 1, 2: 1, 4: 1}.get(rank, 0)  # 第 or the bracket before the number
            marker_start = m.start(group) - opening
            return rank, value, source.text[marker_start : m.end()], marker_start, m.end()
    return None


def parse_outline(source: Source, end: int | None = None) -> list[Item]:
    """All numbered items before ``end`` (the closing signature), in document order."""
    end = len(source.text) if end is None else end
    items: list[Item] = []
    roots: list[Item] = []
    stack: list[Item] = []
    last_value: dict[int, int] = {}
    # The last child of each rank per parent (None = top level), so checking a number is O(1).
    last_child: dict[tuple[int, int], Item] = {}
    for line, m, line_start in _markers(source, end):
        found = _match_marker(source, m)
        if not found:
            continue
        rank, value, marker, start, body_start = found
        depth = len(stack)
        while depth and stack[depth - 1].rank >= rank:
            depth -= 1
        parent = stack[depth - 1] if depth else None
        sibling = last_child.get((id(parent), rank))
        previous = sibling.value if sibling else 0
        # A page of a longer text may start inside a list (2. 3. then (七)): the first marker of a rank, before any
        # marker above it (chapters aside: articles number on through them), may have any number.
        # Inside a page saved as one line, a first top-level marker after the page's lower ones (…(五)财政部门。…
        # 五、相关要求) also opens its list where the page starts.
        opens_page = rank not in last_value and not any(0 <= r < rank for r in last_value) and (
            line_start or any(r > rank for r in last_value))
        if value not in (1, previous + 1, last_value.get(rank, 0) + 1) and not opens_page:
            continue  # out of sequence: a number inside wrapped running text
        item = Item(rank, value, marker.strip(), line, start, body_start, parent=parent)
        if sibling:
            item.list_no = sibling.list_no + (1 if value == 1 else 0)
        (parent.children if parent else roots).append(item)
        last_child[(id(parent), rank)] = item
        del stack[depth:]
        stack.append(item)
        last_value[rank] = value
        items.append(item)
    for i, item in enumerate(items):
        item.end = items[i + 1].start if i + 1 < len(items) else end
        item.text_start = item.body_start
    _name_restarted_lists(source, items)
    _assign_keys(items, roots)
    _assign_headings(source, items)
    return items


def _last_line(source: Source, start: int, end: int) -> tuple[int, str] | None:
    text = source.folded[start:end].rstrip()
    if not text:
        return None
    cut = text.rfind("\n") + 1
    return start + cut, text[cut:].strip()


def _name_restarted_lists(source: Source, items: list[Item]) -> None:
    """A numbering restart opens a second list; its introduction (…以下活动:) names it."""
    labels: dict[tuple[int, int, int], str] = {}
    for i, item in enumerate(items):
        if item.list_no == 0 or item.value != 1 or i == 0:
            continue
        label = str(item.list_no + 1)
        previous = items[i - 1]
        last = _last_line(source, previous.body_start, previous.end)
        if last and last[1].endswith(":") and last[0] > previous.body_start:
            previous.end = last[0]  # the introduction belongs to neither list's items
            m = _INTRO_NAME.search(last[1].rstrip(":"))
            if m:
                label = m.group(1)
        labels[(id(item.parent), item.rank, item.list_no)] = label
    for item in items:
        item.list_label = labels.get((id(item.parent), item.rank, item.list_no), "")


def _component(item: Item) -> str:
    # The top level is written 二、 but cited 二: the key drops its 、 (二（一）, 三·活动(一)).
    return item.marker.rstrip("、.") if item.rank == 1 else item.marker.strip()


def _assign_keys(items: list[Item], roots: list[Item]) -> None:
    """Keys as written. When the second level numbers on across sections (（三） in section 二),
    the section number is redundant and left out: （三）1、."""
    second = [c for r in roots for c in r.children]
    runs_on = len({id(c.parent) for c in second}) > 1 and [c.value for c in second] == list(range(1, len(second) + 1))
    for item in items:
        parent_key = ""
        # A chapter groups articles but an article is cited alone (第二十一条, not 第四章第二十一条).
        if item.parent is not None and not (runs_on and item.parent.parent is None) and item.parent.rank != _CHAPTER:
            parent_key = item.parent.key
        label = f"·{item.list_label}" if item.list_label else ""
        item.key = f"{parent_key}{label}{_component(item)}"


def _line_width(source: Source) -> int:
    lengths = sorted(len(line.strip()) for line in source.text.split("\n") if line.strip())
    return lengths[int(len(lengths) * 0.8)] if lengths else 0


def _assign_headings(source: Source, items: list[Item]) -> None:
    width = _line_width(source)
    for item in items:
        if item.rank != _ARTICLE:  # an article has no title: its first sentence is its first duty
            _find_heading(source, item, width)
    groups: dict[tuple[int, int, int], list[Item]] = {}
    for item in items:
        groups.setdefault((id(item.parent), item.rank, item.list_no), []).append(item)
    # Titles come in lists: when most items of a list do not start with a title, none does
    # (a short first sentence in a list of prose items is prose too).
    for group in groups.values():
        titled = sum(1 for item in group if item.title) * 2 > len(group)
        for item in group:
            item.heading = item.title if titled else None
            item.text_start = item.title_end if item.heading and item.own_line else item.body_start


_CLAUSE_PUNCT = re.compile(r"[,;:]")
_ANY_PUNCT = re.compile(r"[,;:。.!?！？、]")


def _find_heading(source: Source, item: Item, width: int) -> None:
    """Own-line titles (000: the number and title alone on a line) or a short first sentence."""
    _, line_end = source.line_span(item.line)
    line_end = min(line_end, item.end)
    rest = source.folded[item.body_start : line_end].strip()
    if not rest:
        return
    own = line_end < item.end and "。" not in rest.rstrip("。") and not _CLAUSE_PUNCT.search(rest)
    # A title line with nothing under it but the items it heads ((七)卫生部门职责、任务 over 1.–6.) is a title too.
    if own and (source.text[line_end : item.end].strip() or item.children):
        title = source.text[item.body_start : line_end].strip().rstrip("。")
        item.title_end = line_end + 1
        # A title wrapped by PDF extraction: a full-width line followed by a short unpunctuated one.
        line_len = len(source.text[source.line_starts[item.line - 1] : line_end].strip())
        nxt = _next_line(source, line_end + 1, item.end)
        if nxt and width and line_len >= 0.85 * width:
            n_start, n_end = nxt
            words = source.folded[n_start:n_end].strip()
            if len(words) <= 0.5 * width and not _ANY_PUNCT.search(words) and source.text[n_end : item.end].strip():
                title += source.text[n_start:n_end].strip()
                item.title_end = n_end + 1
        item.title = title or None
        item.own_line = True
        return
    joined = join_lines(source, item.body_start, item.end)
    stop = joined.folded.find("。")
    if stop <= 0:
        return
    first = joined.folded[:stop]
    if (
        len(first.strip()) <= _MAX_HEADING
        and first.count(",") <= 1
        and not re.search(r"[;:\n]", first)
        and joined.folded[stop + 1 :].strip()
    ):
        item.title = joined.text[:stop].strip() or None


def _next_line(source: Source, start: int, end: int) -> tuple[int, int] | None:
    """The next non-blank line in ``start:end``, trimmed to ``end``."""
    pos = start
    while pos < end:
        nl = source.text.find("\n", pos, end)
        line_end = end if nl == -1 else nl
        if source.text[pos:line_end].strip():
            return pos, line_end
        if nl == -1:
            return None
        pos = nl + 1
    return None


def _bare_title(source: Source, item: Item) -> bool:
    """A top-level item that is only a title (二、任务分工 over a table): a section heading, not a work item."""
    body = source.folded[item.body_start : item.end].strip()
    return len(body) <= _MAX_HEADING and "\n" not in body and not _ANY_PUNCT.search(body)


def find_work_items(items: list[Item], source: Source) -> list[Item]:
    """The items that are work items: the leaves of the outline, except preambles (一、指导思想) and chapters."""
    preambles = set(lexicon.words("preamble_headings.txt"))
    chosen = []
    for item in items:
        # A leaf at the top is a section of prose only (一、主要职能 …, 五、相关要求 各县要…): a work item too,
        # unless it is a preamble; chapters are never work items.
        if item.children or item.rank == _CHAPTER or (item.parent is None and _bare_title(source, item)):
            continue
        if item.title and item.title.strip().rstrip("。") in preambles:
            continue
        chosen.append(item)
    return chosen
