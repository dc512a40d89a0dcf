"""Document metadata: title, 文号, issuer, date, jurisdiction, kind, and where the closing starts.

The header is the run of short lines before the first paragraph of prose or the first numbered
heading; the closing is the run of signature and date lines at the end. A 文号 or date counts only
there, because plans cite other documents' numbers and dates in their bodies (聊发〔2004〕5号).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from loaders import lexicon
from loaders.agencies import resolve_place
from loaders.text import Source

_CJK = "\u4e00-\u9fff"
_DOC_NUMBER = re.compile(rf"^\s*([{_CJK}]{{1,12}}?)\s*([〔\[【(])\s*(\d{{4}})\s*([〕\]】)])\s*(第?\s*\d+\s*号)")
_DATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
)
_DATE_CUE = re.compile(r"^\s*(?:更新时间|发布时间|发布日期|日期|时间|成文日期)\s*:\s*(\S.*?)\s*$")
_MARKER_LINE = re.compile(r"^\s*(?:#+\s*)?(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d+[、.])")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_MAX_HEADER_LINES = 10
_URL = re.compile(r"https?://|www\.|URL")


@dataclass
class Metadata:
    title: str | None
    jurisdiction: str | None
    issuer: str | None
    doc_number: str | None
    date: str | None
    kind: str


def _nonblank_lines(source: Source) -> list[int]:
    return source.nonblank_lines()


def _line(source: Source, number: int, folded: bool = False) -> str:
    start, end = source.line_span(number)
    return (source.folded if folded else source.text)[start:end]


def find_header(source: Source) -> list[int]:
    """Line numbers of the header: short lines before the first prose paragraph or numbered line."""
    header = []
    for number in _nonblank_lines(source)[:_MAX_HEADER_LINES]:
        folded = _line(source, number, folded=True).strip()
        if _MARKER_LINE.match(folded):
            break
        if _URL.search(folded):
            continue  # a web capture's "Original URL:" line is page furniture, not prose
        if len(folded) > 60 or (len(folded) > 30 and re.search(r"[,。;]", folded)):
            break
        header.append(number)
    return header


def find_closing_start(source: Source) -> int:
    """Offset where the closing (signature, date, 附件, page furniture) begins; the text length if none."""
    start = len(source.text)
    for number in reversed(_nonblank_lines(source)):
        folded = _line(source, number, folded=True).strip()
        signature = (
            len(folded) <= 40
            and not re.search(r"[,;:。()]", folded)
            and (_is_issuer_like(folded) or _DATE.fullmatch(folded) is not None)
        )
        # Web captures end with widget words (Baidu / map); letters only, so no numbered item.
        furniture = re.fullmatch(r"[A-Za-z][A-Za-z .:/_|-]{0,19}", folded) is not None
        attachment = re.match(r"(?:附件|抄送|印发|主题词)", folded) is not None
        if not (signature or furniture or attachment):
            break
        start = source.line_starts[number - 1]
    return start


def _is_issuer_like(text: str) -> bool:
    return len(text) >= 4 and any(text.endswith(s) for s in lexicon.words("issuer_suffixes.txt"))


def find_doc_number(source: Source, header: list[int]) -> str | None:
    """The document's own 文号 at the start of a header line: 呼综治委〔2014〕5号."""
    for number in header:
        folded = _line(source, number, folded=True)
        m = _DOC_NUMBER.match(folded)
        if m:
            return re.sub(r"\s+", "", _line(source, number)[m.start(1) : m.end()])
    return None


def _is_title_candidate(folded: str) -> bool:
    text = folded.strip().strip("#* ").strip()
    if not text or _DOC_NUMBER.match(text) or _DATE_CUE.match(text) or "签发人" in text:
        return False
    if _URL.search(text):
        return False
    return _DATE.fullmatch(text.strip("()")) is None


def _clean_title(line: str) -> str:
    return line.strip().strip("#").strip().strip("*").strip()


def find_title(source: Source, header: list[int]) -> str | None:
    """A line naming a plan (…方案/规划/意见), else the line above a news date, else the first heading."""
    candidates = [n for n in header if _is_title_candidate(_line(source, n, folded=True))]
    if not candidates:
        return None
    cues = lexicon.words("plan_title_cues.txt")
    for n in candidates:
        if any(cue in _line(source, n) for cue in cues):
            return _clean_title(_line(source, n))
    dated = [n for n in header if _DATE_CUE.match(_line(source, n, folded=True))]
    if dated:
        before = [n for n in candidates if n < dated[0]]
        if before:
            return _clean_title(_line(source, before[-1]))
    headings = [n for n in candidates if _line(source, n).lstrip().startswith("#")]
    return _clean_title(_line(source, (headings or candidates)[0]))


def find_date(source: Source, header: list[int], closing: list[int], doc_number: str | None) -> str | None:
    """As stated: a 更新时间 line, a date standing alone in the header or closing, else the 文号 year."""
    for n in header:
        m = _DATE_CUE.match(_line(source, n, folded=True))
        if m:
            return _line(source, n)[m.start(1) : m.end(1)].strip()
    for n in header + closing:
        folded = _line(source, n, folded=True).strip().strip("()")
        if _DATE.fullmatch(folded.strip()):
            return re.sub(r"\s+", "", _line(source, n).strip().strip("()（）"))
    if doc_number:
        m = re.search(r"\d{4}", doc_number)
        if m:
            return m.group(0)
    return None


def find_issuer(source: Source, title: str | None, header: list[int], closing: list[int]) -> str | None:
    """The signature line at the end, else the X of a title "X关于…", else a header line above the title that
    names a body (呼和浩特市平安建设领导小组办公室 over 关于…的实施方案, as a letterhead does)."""
    for n in closing:
        text = re.sub(r"\s+", "", _line(source, n))
        if _is_issuer_like(text) and not _DATE.search(text):
            return text
    if title and "关于" in title:
        who = re.sub(r"\s+", "", title.split("关于", 1)[0])
        if _is_issuer_like(who):
            return who
    for n in header:
        line = _line(source, n)
        if title is not None and _clean_title(line) == title:
            break
        text = re.sub(r"\s+", "", line)
        if _is_issuer_like(text) and _is_title_candidate(_line(source, n, folded=True)):
            return text
    return None


def _stopped(name: str) -> bool:
    """Not a place: a generic word (全市, 城市) or containing words place names never contain (关于)."""
    if name in lexicon.words("place_stopwords.txt"):
        return True
    return any(word in name for word in lexicon.words("place_breakers.txt"))


def leading_place(text: str | None) -> str | None:
    """The place a title or issuer starts with: 呼和浩特市“平安…” → 呼和浩特市, 岳阳楼区2019年… → 岳阳楼区; a
    news title's dateline names it by its stem (博白:多部门协作… → 博白县). Only a place of the place table
    (``places.tsv``) counts: 整治主要由县 or 相关县 never does."""
    if not text:
        return None
    text = re.sub(r"^(?:中共|中国共产党)", "", re.sub(r"\s+", "", text))
    suffixes = "|".join(re.escape(s) for s in lexicon.words("place_suffixes.txt"))
    for m in re.finditer(rf"(?=([{_CJK}]{{2,10}}?(?:{suffixes})))", text[:12]):
        if m.start() == 0 and not _stopped(m.group(1)) and resolve_place(m.group(1)):
            return resolve_place(m.group(1))
    dateline = re.match(rf"([{_CJK}]{{2,6}})[:：]", text)
    return _place_of_stem(dateline.group(1)) if dateline else None


def _place_of_stem(stem: str) -> str | None:
    """A place written without its level word (博白 → 博白县), if exactly one level word makes it a place."""
    found = {resolve_place(stem + level) for level in lexicon.words("place_suffixes.txt")} - {None}
    known = resolve_place(stem)
    return known or (found.pop() if len(found) == 1 else None)


# Book titles cite laws and plans of other places (《广西壮族自治区实施<消防法>办法》): not the text's own place.
_BOOK_TITLE = re.compile(r"《[^《》\n]{0,80}》")


@cache
def _verbs() -> tuple[str, ...]:
    """Verbs of two characters or more (inline.tsv): a place name read across one is no mention of a place."""
    kinds = ("verb", "partner", "by", "modal", "causative", "guided")
    return tuple(row[0] for row in lexicon.table("inline.tsv") if len(row) > 1 and row[1] in kinds and len(row[0]) > 1)


def most_frequent_place(text: str) -> str | None:
    """The place a text mentions most, for documents without a place in the title: a place of the place table
    mentioned twice or more, or the only one the text mentions at all. Book titles (《…》) do not count.

    Every 市/省/县/区/旗/州 with two to five characters before it is a candidate, and only those the place table
    knows count (so 和浩特市 of 呼和浩特市, 整治主要由县 never do).
    """
    text = _BOOK_TITLE.sub(lambda m: " " * len(m.group()), text)
    counts: Counter[str] = Counter()
    for m in re.finditer("市|省|县|区|旗|州|自治区", text):
        run = re.search(f"[{_CJK}]{{1,5}}$", text[max(0, m.start() - 5) : m.start()])
        if run:
            stem = run.group(0)
            for size in range(2, len(stem) + 1):
                counts[stem[-size:] + m.group(0)] += 1
    best: tuple[int, int, str] | None = None
    known: set[str] = set()
    for name, count in counts.items():
        if _stopped(name) or name.startswith(_verbs()):
            continue  # 县发改委要会同县督查落实办: 会同 is the verb, not 会同县
        place = resolve_place(name)
        if place is None:
            continue
        known.add(place)
        key = (count, len(name), place)
        if count >= 2 and (best is None or key > best):
            best = key
    if best:
        return best[2]
    return known.pop() if len(known) == 1 else None


def _report_score(source: Source) -> int:
    return sum(
        weight for pattern, weight in lexicon.weighted_patterns("report_cues.tsv") if pattern.search(source.text)
    )


def find_kind(source: Source, title: str | None, work_items: int, duties: int) -> str:
    """plan or report: duties, a plan word in the title and numbered items against news cues."""
    plan = (3 if duties else 0) + (2 if title and any(c in title for c in lexicon.words("plan_title_cues.txt")) else 0)
    plan += 1 if work_items >= 3 else 0
    return "report" if _report_score_exceeds(source, plan) else "plan"


def _report_score_exceeds(source: Source, plan: int) -> bool:
    """Whether :func:`_report_score` > ``plan``, searching only until the answer is certain (each cue searches
    the whole text; a plan with labels and a plan title is settled after a cue or two)."""
    cues = lexicon.weighted_patterns("report_cues.tsv")
    if any(weight < 0 for _, weight in cues):
        return _report_score(source) > plan
    score, left = 0, sum(weight for _, weight in cues)
    for pattern, weight in cues:
        if score > plan or score + left <= plan:
            break
        left -= weight
        if pattern.search(source.text):
            score += weight
    return score > plan


def find_report_year(source: Source) -> str | None:
    """A news report's year: the year it mentions most (2023 in a year-in-review)."""
    years = Counter(_YEAR.findall(source.folded))
    return years.most_common(1)[0][0] if years else None


def closing_lines(source: Source, closing_start: int) -> list[int]:
    return [n for n in _nonblank_lines(source) if source.line_starts[n - 1] >= closing_start]


def parse_metadata(source: Source, work_items: int, duties: int, closing_start: int) -> Metadata:
    """All metadata of a document; ``work_items`` and ``duties`` come from the outline and labels."""
    header = find_header(source)
    closing = closing_lines(source, closing_start)
    title = find_title(source, header)
    doc_number = find_doc_number(source, header)
    kind = find_kind(source, title, work_items, duties)
    date = find_date(source, header, closing, doc_number)
    if kind == "report":
        date = date or find_report_year(source)
        return Metadata(title, most_frequent_place(source.text), None, doc_number, date, kind)
    issuer = find_issuer(source, title, header, closing)
    jurisdiction = leading_place(title) or leading_place(issuer) or most_frequent_place(source.text)
    return Metadata(title, jurisdiction, issuer, doc_number, date, kind)
