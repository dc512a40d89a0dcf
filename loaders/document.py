"""Assembling a :class:`~loaders.model.Document` from text: outline, labels, metadata."""

from __future__ import annotations

import hashlib
import os
import re

from loaders.agencies import agency_category, resolve_agency
from loaders.checks import find_date_conflicts
from loaders.duties import Duty, find_column_duties, find_duties
from loaders.errors import LoadError
from loaders.formats import SUFFIXES as FORMAT_SUFFIXES
from loaders.formats import extract_text
from loaders.inline import find_inline_duties
from loaders.metadata import find_closing_start, parse_metadata
from loaders.model import Assignment, Document, Measure, Outcome, Target
from loaders.noise import strip_noise
from loaders.outline import Item, find_work_items, parse_outline
from loaders.reports import find_outcomes
from loaders.tables import TaskRow, TaskTable, find_task_tables
from loaders.targets import find_targets
from loaders.text import (
    Joined,
    Source,
    as_written,
    decode_bytes,
    find_text_warnings,
    is_traditional,
    join_lines,
    normalise_text,
    to_simplified,
)
from loaders.topics import find_topics

TEXT_SUFFIXES = (".txt", ".md", ".text")
MAX_BYTES = 50 * 10**6  # any file type; .docx and .html have their own, tighter checks inside
SUFFIXES = TEXT_SUFFIXES + tuple(FORMAT_SUFFIXES)


def document_id(data: bytes) -> str:
    """Stable id: the first 12 hex digits of the SHA-256 of the file's bytes."""
    return hashlib.sha256(data).hexdigest()[:12]


def read(path: str | os.PathLike[str]) -> Document:
    """Read one file into a Document. Raises :class:`LoadError` with a one-line reason."""
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(no extension)'}: {name}")
    try:
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                # The largest real plans are well under 1 MB; parsing runs at ~20 µs a character, so a
                # bigger file is an export gone wrong, not a plan, and would take many minutes and GBs.
                raise LoadError(f"file too large ({size / 1e6:.0f} MB; the limit is {MAX_BYTES // 10**6} MB): {name}")
            raw = handle.read()
    except OSError as exc:
        raise LoadError(f"cannot read {name}: {exc.strerror or exc}") from exc
    try:
        if suffix in TEXT_SUFFIXES:
            text, warnings = decode_bytes(raw)
        else:
            text, warnings = extract_text(name), []
    except LoadError as exc:
        raise LoadError(f"{exc}: {name}") from exc
    document = parse_document(text, source=name, doc_id=document_id(raw))
    document.warnings[:0] = warnings
    return document


def parse_document(text: str, source: str = "<text>", doc_id: str | None = None) -> Document:
    """Parse a document's text (no I/O). ``doc_id`` defaults to the hash of the UTF-8 text.

    A Traditional Chinese text is read in Simplified (measures, headings and names come out Simplified,
    so queries match) while every quote is cut from the text as written.
    """
    text = normalise_text(text)
    doc_id = doc_id or document_id(text.encode("utf-8", errors="surrogatepass"))
    src = _source(text)
    closing_start = find_closing_start(src)
    tables = find_task_tables(src.text.split("\n"))
    outline_src = _without_tables(src, tables)
    items = parse_outline(outline_src, closing_start)
    work = find_work_items(items, outline_src)
    placed = [(item.line, _measure(outline_src, item)) for item in work]
    placed += [(row.line, _row_measure(src, row)) for table in tables for row in table.rows]
    measures = [m for _, m in sorted(placed, key=lambda pair: pair[0])]
    for n, measure in enumerate(measures, start=1):
        measure.id = f"{doc_id}-{n:03d}"
    # The plan-or-report vote counts labels and table columns, not inline actors (news reports name actors too).
    duties = sum(1 for m in measures for a in m.assignments if a.basis != "inline")
    meta = parse_metadata(src, len(measures), duties, closing_start)
    reports = []
    if meta.kind == "report":
        measures = []
        reports = find_outcomes(src.text)
    for measure in measures:
        for assignment in measure.assignments:
            assignment.agency = resolve_agency(assignment.agency, meta.jurisdiction)  # the name as read
            assignment.category = agency_category(assignment.agency)
    for outcome in reports:
        outcome.as_written = outcome.agency
        outcome.agency = resolve_agency(outcome.agency, meta.jurisdiction) if outcome.agency else None
        outcome.category = agency_category(outcome.agency) if outcome.agency else None
        outcome.topics = find_topics(outcome.quote)  # read in Simplified, then quoted as written
        outcome.quote = _as_written(src, outcome.quote)
    return Document(
        id=doc_id,
        source=source,
        kind=meta.kind,
        title=meta.title,
        jurisdiction=meta.jurisdiction,
        issuer=meta.issuer,
        doc_number=meta.doc_number,
        date=meta.date,
        measures=measures,
        reports=reports,
        warnings=find_text_warnings(text) + find_date_conflicts(src.text, meta.date, meta.doc_number)
        + _no_place_warning(meta.jurisdiction, measures, reports),
    )


def _source(text: str) -> Source:
    """The text the parsers read (Simplified, page noise blanked, glosses removed) tied to the text as written."""
    read = to_simplified(text) if is_traditional(text) else text
    cleaned = strip_noise(read)
    if cleaned.text == text:
        return Source(text)
    return Source(cleaned.text, original=text, origin=cleaned.origin)


def _no_place_warning(jurisdiction: str | None, measures: list[Measure], reports: list[Outcome]) -> list[str]:
    """A document that names agencies but states no place: its 市公安局 cannot be told from another city's."""
    if jurisdiction is not None:
        return []
    names = [a.as_written for m in measures for a in m.assignments]
    names += [o.as_written for o in reports if o.as_written]
    if not names:
        return []
    distinct = list(dict.fromkeys(names))
    shown = "、".join(distinct[:3]) + ("…" if len(distinct) > 3 else "")
    return [f"no place found in the title, the issuer or the text: its agencies ({shown}) have no jurisdiction, "
            "and the same names in other unplaced documents are taken for the same agencies"]


def _as_written(src: Source, quote: str, start: int = 0, end: int | None = None) -> str:
    """A quote found in the Simplified text, as the original writes it (same offsets, same length)."""
    if src.original is None or not quote:
        return quote
    pos = src.text.find(quote, start, len(src.text) if end is None else end)
    return src.quote(pos, pos + len(quote)) if pos != -1 else quote


def _without_tables(src: Source, tables: list[TaskTable]) -> Source:
    """The source with task-table lines blanked (same length), so the outline never reads a row as an item
    and an item before a table does not swallow it."""
    if not tables:
        return src
    text, original = list(src.text), None if src.original is None else list(src.original)
    for table in tables:
        start = src.line_starts[table.header_line - 1]
        _, end = src.line_span(table.last_line)
        for i in range(start, end):
            if text[i] != "\n":
                text[i] = " "
        if original is not None:
            first, last = _original_span(src, start, end)
            for i in range(first, last):
                if original[i] != "\n":
                    original[i] = " "
    return Source("".join(text), original=None if original is None else "".join(original), origin=src.origin)


def _original_span(src: Source, start: int, end: int) -> tuple[int, int]:
    if src.origin is None:
        return start, end
    return src.origin[start], src.origin[end] if end < len(src.origin) else len(src.original or "")


def _measure(src: Source, item: Item) -> Measure:
    joined = item.joined(src)
    text = as_written(src, joined).strip()
    # Targets are read from the item's source span (heading included, line breaks kept) so that each
    # quote and line points into the file as it is; the target reader ignores PDF breaks itself.
    targets = find_targets(src.text[item.body_start : item.end], first_line=src.line_of(item.body_start))
    for target in targets:
        target.quote = _as_written(src, target.quote, item.body_start, item.end)
    duties = find_duties(joined)
    duties += find_inline_duties(joined, duties)
    return Measure(
        id="",  # numbered once the outline and the tables are merged in document order
        key=item.key,
        heading=item.heading,
        text=text,
        line=item.line,
        assignments=[_assignment(src, joined, duty) for duty in duties],
        targets=targets,
        topics=find_topics((item.heading or "") + "\n" + joined.text),
    )


def _row_measure(src: Source, row: TaskRow) -> Measure:
    """A task-table row: key = its 序号, text = the task cell with the 完成时限 cell appended (so deadlines
    are read with it), duties from the unit columns (explicit) and inline actors of the task cell."""
    line_start, line_end = src.line_span(row.line)
    task = row.cells["task"]
    t_start, t_end = line_start + task.start, line_start + task.end
    text = src.text[t_start:t_end]
    deadline = row.cells.get("deadline")
    if deadline:
        text = f"{text.rstrip()}（完成时限：{src.text[line_start + deadline.start : line_start + deadline.end]}）"
    sentence = src.text[t_start:t_end].strip().rstrip("。")
    heading = sentence if sentence and "。" not in sentence and len(sentence) <= _MAX_ROW_HEADING else None
    cells = [
        (kind, src.text[line_start + c.start : line_start + c.end], line_start + c.start, line_start + c.end)
        for kind, c in row.cells.items()
    ]
    assignments = [
        Assignment(d.as_written, d.as_written, d.role, d.basis, src.quote(d.start, d.end), row.line)
        for d in find_column_duties(cells)
    ]
    joined = join_lines(src, t_start, t_end)
    inline = find_inline_duties(joined, find_column_duties(cells))
    assignments += [_assignment(src, joined, duty) for duty in inline]
    targets = _row_targets(src, row, src.text[t_start:t_end], line_start, line_end)
    return Measure(
        id="",
        key=row.key,
        heading=heading,
        text=text,
        line=row.line,
        assignments=assignments,
        targets=targets,
        topics=find_topics(text),
    )


_MAX_ROW_HEADING = 45


def _row_targets(src: Source, row: TaskRow, task: str, line_start: int, line_end: int) -> list[Target]:
    """Targets of a row's task, read with its 完成时限 cell put first ("2016年底前，…"), the way the target
    reader expects a deadline. A quote is cut back to the row as written: the deadline prefix is dropped,
    and a quote that still is not in the row becomes the task cell."""
    cell = row.cells.get("deadline")
    prefix = f"{src.text[line_start + cell.start : line_start + cell.end]}，" if cell else ""
    targets = find_targets(prefix + task, first_line=row.line)
    row_text = src.text[line_start:line_end]
    for target in targets:
        quote = target.quote[len(prefix) :] if prefix and target.quote.startswith(prefix) else target.quote
        if not quote or quote not in row_text:
            quote = task
        target.quote = _as_written(src, quote, line_start, line_end)
        target.line = row.line
    return targets


def _assignment(src: Source, joined: Joined, duty: Duty) -> Assignment:
    start, end = joined.source_span(duty.start, duty.end)
    return Assignment(
        agency=duty.as_written,  # resolved once the jurisdiction is known
        as_written=_written_name(src, joined, duty),
        role=duty.role,
        basis=duty.basis,
        quote=src.quote(start, end),
        line=src.line_of(start),
    )


def _written_name(src: Source, joined: Joined, duty: Duty) -> str:
    """The name as the file writes it (Traditional, glosses kept, whitespace removed), found inside its label;
    a name the text does not hold as such (an expansion: 各县(市区)政府) stays as read."""
    if src.original is None:
        return duty.as_written
    pattern = r"\s*".join(map(re.escape, duty.as_written))
    found = re.search(pattern, joined.text[duty.start : duty.end]) if pattern else None
    if found is None:
        return duty.as_written
    start, end = joined.source_span(duty.start + found.start(), duty.start + found.end())
    return re.sub(r"\s+", "", src.quote(start, end))
