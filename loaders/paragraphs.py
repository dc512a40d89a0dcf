"""Paragraphs of prose that assign work: the measures of a text with no numbered items and no table.

A news item or a notice often says who does what in plain paragraphs (``食品卫生监管主要由食品药品监管局牵头,
教育、卫生等部门配合``, ``县发改委要会同县督查落实办…``). A paragraph is a measure when it assigns work: a
body in it acts in a clause that obliges (要, 应当, 由…牵头, 配合 — :mod:`loaders.mood`) or it sets a target
in a clause that does not report a result (完成率要达到80%以上, 为期13天). A paragraph that reports what was
done (破获案件…起, 取得了…成效) is not: its figures are statistics.

One paragraph may hold several strands, each with its own lead (``A主要由X牵头,…;B主要由Y牵头,…``): when two
or more of its sentences or ``;``-parts name a lead with 牵头/负责, each such part starts a measure of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.duties import Duty, find_duties, to_assignment
from loaders.inline import find_inline_duties
from loaders.model import Measure
from loaders.mood import OBLIGATION, RESULT, mood_of
from loaders.targets import find_targets
from loaders.text import Source, as_written, join_lines
from loaders.topics import find_topics

__all__ = ["find_paragraphs", "paragraph_measures"]

_ENDS = frozenset("。！？!?:：")
_WIDE = 0.8  # a line this share of the common width or more was wrapped, unless it ends a sentence
_PARTS = re.compile(r"[^。;!?\n]+[。;!?]?")
_STRAND_CUE = re.compile("牵头|负责(?!人|同志)")


@dataclass
class Paragraph:
    start: int  # source offsets
    end: int
    line: int


def find_paragraphs(src: Source, start: int, end: int) -> list[Paragraph]:
    """The paragraphs of ``src.text[start:end]``: a line break ends one after a sentence end or a line shorter
    than the text's common width (so a PDF's wrapped lines join and a web page's one-line paragraphs stay)."""
    lines = []
    pos = start
    while pos < end:
        nl = src.text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        body = src.text[pos:stop]
        if body.strip():
            lead = len(body) - len(body.lstrip())
            lines.append((pos + lead, pos + len(body.rstrip())))
        pos = stop + 1
    if not lines:
        return []
    widths = sorted(b - a for a, b in lines)
    width = widths[int(len(widths) * 0.8)]
    found: list[Paragraph] = []
    open_at: int | None = None
    for n, (a, b) in enumerate(lines):
        if open_at is None:
            open_at = a
        last = src.folded[b - 1]
        ends = last in _ENDS or (b - a) < _WIDE * width or n == len(lines) - 1
        if ends:
            found.append(Paragraph(open_at, b, src.line_of(open_at)))
            open_at = None
    return found


def paragraph_measures(src: Source, paragraphs: list[Paragraph], default: str) -> list[tuple[Measure, int, int]]:
    """The paragraphs (or strands of one) that assign work, as measures keyed ¶1, ¶2 … with their source spans;
    ``default`` is the mood
    of a clause that states none (``obligation`` in a plan, ``result`` in a news report)."""
    measures = []
    for paragraph in paragraphs:
        for start, end in _strands(src, paragraph):
            measure = _measure(src, start, end, default)
            if measure is not None:
                measure.key = f"¶{len(measures) + 1}"  # no numbering as written: the ordinal of the paragraph
                measures.append((measure, start, end))
    return measures


def _strands(src: Source, paragraph: Paragraph) -> list[tuple[int, int]]:
    """The paragraph, or its strands when two or more of its parts each name a lead with 牵头/负责."""
    text = src.folded
    parts = [(m.start(), m.end()) for m in _PARTS.finditer(text[paragraph.start : paragraph.end])]
    cued = [(a, b) for a, b in parts if _STRAND_CUE.search(text, paragraph.start + a, paragraph.start + b)
            and _has_lead(src, paragraph.start + a, paragraph.start + b)]
    if len(cued) < 2:
        return [(paragraph.start, paragraph.end)]
    starts = [paragraph.start + a for a, _ in cued]
    return [(s, starts[n + 1] if n + 1 < len(starts) else paragraph.end) for n, s in enumerate(starts)]


def _has_lead(src: Source, start: int, end: int) -> bool:
    joined = join_lines(src, start, end)
    return any(duty.role == "lead" for duty in find_inline_duties(joined))


def _measure(src: Source, start: int, end: int, default: str) -> Measure | None:
    joined = join_lines(src, start, end)
    if not joined.text.strip():
        return None
    labels = find_duties(joined)
    duties = labels + find_inline_duties(joined, labels)
    obliging = [d for d in duties if _obliges(joined.folded, d, default)]
    targets = [t for t in find_targets(src.text[start:end], first_line=src.line_of(start))
               if _target_obliges(src.text[start:end], t.quote, default)]
    # a figure alone (办好65件民生实事项目是…承诺) makes no paragraph a measure: a target must say it obliges
    if not obliging and not any(_target_obliges(src.text[start:end], t.quote, "") for t in targets):
        return None
    for target in targets:
        target.quote = src.written(target.quote, start, end)
    return Measure(
        id="",
        key="",
        heading=None,
        text=as_written(src, joined).strip(),
        line=src.line_of(start),
        assignments=[to_assignment(src, joined, duty) for duty in duties],
        targets=targets,
        topics=find_topics(joined.text),
    )


def _obliges(folded: str, duty: Duty, default: str) -> bool:
    return mood_of(folded, duty.start, duty.end, default) == OBLIGATION


def _target_obliges(text: str, quote: str, default: str) -> bool:
    """Whether a target's clause obliges: its own mood, else its sentence's, else ``default`` (with ``""`` as the
    default, only a clause that says so obliges)."""
    at = text.find(quote)
    if at == -1:
        return default == OBLIGATION
    mood = mood_of(text, at, at + len(quote), default)
    return mood == OBLIGATION if not default else mood != RESULT
