"""How a document was read, line by line, and how much of it was understood.

:func:`line_readings` gives every line of a document what a reader took it for: page ``noise`` (a breadcrumb, a
page number …), the ``header`` (title, date) or the ``closing`` (signature), a ``table header`` or ``table row``,
a numbered ``item`` (its first line) and its ``item text``, a ``paragraph`` of prose that assigns work, a
``statistic`` a sentence reports, or ``not read``. ``kg extract --explain FILE`` prints it, so a user can see why a
document gave what it gave.

:func:`coverage_of` sums it up per document (the share of its text read as measures, table rows or statistics,
how many measures found no agency), and :func:`coverage_warnings` turns a poor reading into a warning that names
what was missing: a text in a layout no reader recognises says so instead of giving a silently empty result.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loaders.model import Coverage, Document
from loaders.tables import header_kind, split_cells

if TYPE_CHECKING:
    from loaders.document import Reading

__all__ = ["LineReading", "coverage_of", "coverage_warnings", "explain_file", "explain_text", "line_readings"]

_READ = frozenset({"table header", "table row", "item", "item text", "paragraph", "statistic"})
_OUTSIDE = frozenset({"blank", "noise", "header", "closing"})  # not the document's own text
_MIN_TEXT = 60  # characters of its own text: a shorter one is no layout to warn about
_LOW_SHARE = 0.4  # a plan read below this share has a layout part of which was not recognised
_BLANKS = re.compile(r"\s+")
_BLANK_CHARS = (" ", "\n", "\t", "\u3000", "\xa0", "\r", "\f", "\v")
_CELL = 16  # characters: an unread line this short with no sentence end looks like a table cell
_MANY_CELLS = 12  # unread cell-like lines that make a table whose header was missed likely
_SENTENCE_ENDS = frozenset("。！？!?；;")


@dataclass
class LineReading:
    line: int
    kind: str
    detail: str
    text: str  # the line as written


def line_readings(reading: Reading) -> list[LineReading]:
    """What each line of the document was read as (see the module docstring)."""
    src = reading.source
    doc = reading.document
    written = (src.original if src.original is not None else src.text).split("\n")
    lines = src.text.split("\n")
    kinds: dict[int, tuple[str, str]] = {}
    for n in reading.header:
        kinds[n] = ("header", "title" if doc.title and doc.title in lines[n - 1] else "")
    closing_line = src.line_of(reading.closing_start) if reading.closing_start < len(src.text) else len(lines) + 1
    for n in range(closing_line, len(lines) + 1):
        kinds[n] = ("closing", "")
    for table in reading.tables:
        rows_from = min((row.line for row in table.rows), default=table.header_line)
        for n in range(table.header_line, rows_from):
            cells = split_cells(lines[n - 1])
            kinds[n] = ("table header", " | ".join(f"{c.text}={header_kind(c.text) or 'other'}" for c in cells))
        for row in table.rows:
            for kind, cell in row.cells:  # a line of a row-a-line table holds all its cells: name each column
                known, detail = kinds.get(cell.line, ("", ""))
                same_line = known == "table row"
                kinds[cell.line] = ("table row", f"{detail} {kind}" if same_line else f"row {row.key}: {kind}")
    for measure, start, end in reading.spans:
        first, last = src.line_of(start), src.line_of(max(start, end - 1))
        tag = "paragraph" if measure.key.startswith("¶") else "item"
        agencies = "、".join(f"{a.as_written}({a.role})" for a in measure.assignments) or "no agency"
        for n in range(first, last + 1):
            kind, detail = kinds.get(n, ("", ""))
            if kind in ("table row", "table header"):
                continue
            if kind == tag == "paragraph" and n == first:  # strands of one paragraph share its line
                kinds[n] = (tag, f"{detail}; {measure.key} → {agencies}")
            elif n == first:
                kinds[n] = (tag, f"{measure.key} {measure.heading or ''} → {agencies}".replace("  ", " "))
            elif tag == "item":
                kinds[n] = ("item text", measure.key)
            else:
                kinds[n] = (tag, measure.key)
    for outcome in doc.reports:
        if kinds.get(outcome.line, ("",))[0] in ("", "not read"):
            kinds[outcome.line] = ("statistic", f"{outcome.metric} {outcome.value}{outcome.unit or ''}")
    parsed = src.text.split("\n")
    noise: dict[int, list[str]] = {}
    for found in reading.noise:
        noise.setdefault(found.line, []).append(found.kind)
    out = []
    for n, text in enumerate(written, start=1):
        if not text.strip():
            kind, detail = "blank", ""
        elif n <= len(parsed) and not parsed[n - 1].strip():
            kind, detail = "noise", "、".join(dict.fromkeys(noise.get(n, [])))
        else:
            kind, detail = kinds.get(n, ("not read", ""))
        out.append(LineReading(n, kind, detail, text))
    return out


def coverage_of(reading: Reading) -> Coverage:
    """The share of the document's own text (page noise, header and closing aside) that was read as measures,
    table rows or statistics, and how many measures found no agency: :func:`line_readings` reduced to what it
    counts, done for every document a build reads (so by spans of lines, the lines themselves looked at only
    where nothing was read)."""
    src, doc = reading.source, reading.document
    text, starts = src.text, src.line_starts  # lines are sliced from the text, never all split
    count = len(starts)
    first_own = max(reading.header, default=0) + 1  # the header's lines are the first ones
    last_own = (src.line_of(reading.closing_start) if reading.closing_start < len(src.text) else count + 1) - 1
    spans = [(table.header_line, table.last_line) for table in reading.tables]
    spans += [(src.line_of(start), src.line_of(max(start, end - 1))) for _, start, end in reading.spans]
    spans += [(o.line, o.line) for o in doc.reports]
    read_lines: list[tuple[int, int]] = []  # merged, clipped to the own text
    for first, last in sorted(spans):
        first, last = max(first, first_own), min(last, last_own)
        if first > last:
            continue
        if read_lines and first <= read_lines[-1][1] + 1:
            read_lines[-1] = (read_lines[-1][0], max(last, read_lines[-1][1]))
        else:
            read_lines.append((first, last))
    def chunk(a: int, b: int) -> str:  # lines a..b (1-based) of the text, sliced by their offsets
        return text[starts[a - 1] : starts[b] - 1 if b < count else len(text)] if a <= b else ""
    def size(a: int, b: int) -> int:  # their characters, blanks aside, counted in C
        lines = chunk(a, b)
        return len(lines) - sum(map(lines.count, _BLANK_CHARS))
    total = size(first_own, last_own)
    read = sum(size(a, b) for a, b in read_lines)
    unread = cells = 0
    gaps = zip([first_own - 1, *(b for _, b in read_lines)], [*(a for a, _ in read_lines), last_own + 1],
               strict=True)
    for after, before in gaps:
        for line in chunk(after + 1, before - 1).split("\n"):
            length = len("".join(line.split()))
            if length:
                unread += 1
                cells += length <= _CELL and line.rstrip()[-1:] not in _SENTENCE_ENDS
    return Coverage(
        size=total,
        share=round(read / total, 3) if total else 0.0,
        measures=len(doc.measures),
        without_agency=sum(1 for m in doc.measures if not m.assignments),
        statistics=len(doc.reports),
        unread_lines=unread,
        unread_cells=cells,
    )


def coverage_warnings(coverage: Coverage, size: int) -> list[str]:
    """A warning when a document of ``size`` characters (its own text) was not, or hardly, understood, naming what
    was missing."""
    if size < _MIN_TEXT:
        return []
    if coverage.measures == 0 and coverage.statistics == 0:
        return ["layout not recognised: no numbered item (一、 （一） 1. 第一条), no task table (序号/工作任务/"
                "责任单位…), no paragraph that assigns work and no reported figure were found, so nothing was read "
                "from it; `kg extract --explain` shows how each line was read"]
    found = []
    if coverage.share < _LOW_SHARE:
        found.append(f"only {coverage.share:.0%} of its text was read ({coverage.measures} measure(s), "
                     f"{coverage.statistics} statistic(s); {coverage.unread_lines} line(s) not read): part of its "
                     "layout was not recognised (a table without its header row? items numbered in a way not read?); "
                     "`kg extract --explain` shows which lines")
    if coverage.unread_cells >= _MANY_CELLS:
        found.append(f"{coverage.unread_cells} short lines were not read: they look like the cells of a table "
                     "whose header row (序号/工作任务/责任单位…) was not found (on an earlier page?)")
    if coverage.measures >= 3 and coverage.without_agency * 2 > coverage.measures:
        found.append(f"{coverage.without_agency} of its {coverage.measures} measures have no agency: their duty "
                     "labels or actors were not recognised")
    return found


def explain_text(text: str, source: str = "<text>") -> tuple[Document, list[LineReading]]:
    """The document ``text`` gives, and how each of its lines was read."""
    from loaders.document import read_text  # the reader itself; this module only describes its result

    reading = read_text(text, source)
    return reading.document, line_readings(reading)


def explain_file(path: str | os.PathLike[str]) -> tuple[Document, list[LineReading]]:
    """:func:`explain_text` of a file, read as ``kg build`` reads it; raises LoadError for a file it cannot read."""
    from loaders.document import read_file

    reading = read_file(path)
    return reading.document, line_readings(reading)
