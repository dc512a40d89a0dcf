"""Assembling a :class:`~loaders.model.Document` from text: outline, labels, metadata."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass

from loaders.agencies import agency_category, agency_problem, complete_field, is_collective, resolve_agency
from loaders.checks import find_date_conflicts
from loaders.duties import Duty, find_duties, to_assignment
from loaders.dutylists import heading_department, opening_department
from loaders.errors import LoadError
from loaders.explain import coverage_of, coverage_warnings
from loaders.formats import SUFFIXES as FORMAT_SUFFIXES
from loaders.formats import extract_text
from loaders.inline import find_inline_duties, subject_names
from loaders.metadata import find_closing_start, find_header, parse_metadata
from loaders.model import Assignment, Document, Measure, Outcome
from loaders.mood import OBLIGATION, RESULT, has_result_cue, mood_of, reporting_sentences
from loaders.noise import Noise, strip_noise
from loaders.outline import ARTICLE, Item, find_work_items, parse_outline
from loaders.paragraphs import find_paragraphs, paragraph_measures
from loaders.reports import find_outcomes
from loaders.rows import row_measure
from loaders.tables import TaskTable, find_task_tables
from loaders.targets import find_targets
from loaders.text import (
    Joined,
    Source,
    as_written,
    decode_bytes,
    find_text_warnings,
    is_traditional,
    normalise_text,
    to_simplified,
)
from loaders.topics import find_topics

TEXT_SUFFIXES = (".txt", ".md", ".text")
MAX_BYTES = 50 * 10**6  # any file type; .docx and .html have their own, tighter checks inside
# The text of one document, whatever its format (a .pdf or .docx may be large for its pictures, not its words).
# What a build holds for a document grows with its text: about 45 times the text for a plan, up to about 150
# times for a dense task table of three agencies and a target every 140 characters (docs/scale.md, "Memory").
# The largest real plans are under 1 MB; at this limit one worker stays under 1.5 GB in the worst case.
MAX_TEXT_BYTES = 10 * 10**6
# A text file with more bytes than this cannot decode to MAX_TEXT_BYTES of UTF-8 (UTF-16 takes at most two bytes
# where UTF-8 takes three, GB18030 and Big5 two), so it is refused before it is read.
MAX_TEXT_FILE_BYTES = 2 * MAX_TEXT_BYTES
SUFFIXES = TEXT_SUFFIXES + tuple(FORMAT_SUFFIXES)


def document_id(data: bytes) -> str:
    """Stable id: the first 12 hex digits of the SHA-256 of the file's bytes."""
    return hashlib.sha256(data).hexdigest()[:12]


def read(path: str | os.PathLike[str]) -> Document:
    """Read one file into a Document. Raises :class:`LoadError` with a one-line reason."""
    return read_file(path).document


def read_file(path: str | os.PathLike[str]) -> Reading:
    """:func:`read` with the structures found on the way (what ``kg extract --explain`` shows)."""
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(no extension)'}: {name}")
    try:
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if suffix in TEXT_SUFFIXES and size > MAX_TEXT_FILE_BYTES:
                raise LoadError(f"file too large ({size / 1e6:.1f} MB; the limit for text is "
                                f"{MAX_TEXT_FILE_BYTES // 10**6} MB): {name}")
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
    if len(text) > MAX_TEXT_BYTES // 3 and len(text.encode("utf-8", errors="surrogatepass")) > MAX_TEXT_BYTES:
        raise LoadError(f"text too long ({len(text):,} characters; the limit is {MAX_TEXT_BYTES // 10**6} MB of "
                        f"text a document): {name}")
    reading = read_text(text, source=name, doc_id=document_id(raw))
    reading.document.warnings[:0] = warnings
    return reading


def parse_document(text: str, source: str = "<text>", doc_id: str | None = None) -> Document:
    """Parse a document's text (no I/O). ``doc_id`` defaults to the hash of the UTF-8 text.

    A Traditional Chinese text is read in Simplified (headings, canonical names, metrics come out Simplified,
    so queries match) while every quote, measure text and name as written is cut from the text as written.
    """
    return read_text(text, source, doc_id).document


@dataclass
class Reading:
    """A document and how its text was read: what :func:`loaders.explain.explain_lines` shows line by line."""

    document: Document
    source: Source
    noise: list[Noise]
    header: list[int]  # line numbers
    closing_start: int
    tables: list[TaskTable]
    spans: list[tuple[Measure, int, int]]  # each measure and the source span it was read from
    default_mood: str


def read_text(text: str, source: str = "<text>", doc_id: str | None = None) -> Reading:
    """:func:`parse_document` with the structures it found on the way."""
    text = normalise_text(text)
    doc_id = doc_id or document_id(text.encode("utf-8", errors="surrogatepass"))
    src, noise = _source(text)
    closing_start = find_closing_start(src)
    tables = find_task_tables(src.text)
    outline_src = _without_tables(src, tables)
    items = parse_outline(outline_src, closing_start)
    work = find_work_items(items, outline_src)
    placed = [(_measure(outline_src, item), item.start, item.end) for item in work]
    rows = [row_measure(src, row) for table in tables for row in table.rows]
    placed += [(facts.measure, facts.start, facts.end) for facts in rows]
    placed.sort(key=lambda found: found[0].line)
    measures = [m for m, _, _ in placed]
    # The plan-or-report vote counts labels and table columns, not inline actors (news reports name actors too).
    duties = sum(1 for m in measures for a in m.assignments if a.basis != "inline")
    meta = parse_metadata(src, len(measures), duties, closing_start)
    # Whether a clause that says neither (要 … / 已 …) obliges or reports: as the document does as a whole.
    default = RESULT if meta.kind == "report" else OBLIGATION
    reports = [outcome for facts in rows for outcome in facts.outcomes]
    body = outline_src.text[:closing_start]
    # In a plan a figure is a statistic only in a sentence that reports: read those sentences alone (the others
    # blanked, same offsets), which spares the statistics reader most of a plan's text.
    reports += find_outcomes(body if default == RESULT else reporting_sentences(body), mood=default)
    header = find_header(src)
    if not measures:  # no numbered item, no table: the paragraphs that assign work are the measures
        placed = paragraph_measures(src, find_paragraphs(src, _body_start(src, header), closing_start), default)
        # A news report of results that closes with a promise (…公安局将继续…) is not a plan: it has measures
        # only when it sets more targets than it reports figures.
        if meta.kind == "report" and len(reports) > sum(len(m.targets) for m, _, _ in placed):
            placed = []
        measures = [m for m, _, _ in placed]
    for n, measure in enumerate(measures, start=1):
        measure.id = f"{doc_id}-{n:03d}"
    dropped = _resolve(src, measures, reports, meta.jurisdiction)
    document = Document(
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
        + _no_place_warning(meta.jurisdiction, measures, reports) + _not_agencies_warning(dropped),
    )
    reading = Reading(document, src, noise, header, closing_start, tables, placed, default)
    document.coverage = coverage_of(reading)
    document.warnings += coverage_warnings(document.coverage, document.coverage.size)
    return reading


def _resolve(src: Source, measures: list[Measure], reports: list[Outcome], jurisdiction: str | None) -> list[str]:
    """Canonical names, categories and verbatim quotes once the place is known; returns the names left out for
    having no agency's shape."""
    dropped: list[str] = []
    for measure in measures:
        for assignment in measure.assignments:
            assignment.agency = resolve_agency(complete_field(assignment.agency), jurisdiction)  # the name as read
            assignment.category = agency_category(assignment.agency)
        kept = [a for a in measure.assignments if not agency_problem(a.agency)]
        if len(kept) < len(measure.assignments):
            dropped += [a.as_written for a in measure.assignments if a not in kept]
            measure.assignments = kept
    for outcome in reports:
        outcome.as_written = src.written(outcome.agency) if outcome.agency else None
        outcome.agency = resolve_agency(complete_field(outcome.agency), jurisdiction) if outcome.agency else None
        if outcome.agency and agency_problem(outcome.agency):
            dropped.append(outcome.as_written or outcome.agency)
            outcome.agency = outcome.as_written = None
        outcome.category = agency_category(outcome.agency) if outcome.agency else None
        outcome.topics = outcome.topics or find_topics(outcome.quote)  # read in Simplified, then quoted as written
        outcome.quote = src.written(outcome.quote)
    return dropped


def _not_agencies_warning(dropped: list[str]) -> list[str]:
    """Names read as actors that have no agency's shape (agencies.agency_problem), left out: say which."""
    if not dropped:
        return []
    distinct = list(dict.fromkeys(dropped))
    shown = "、".join(distinct[:5]) + ("…" if len(distinct) > 5 else "")
    return [f"{len(distinct)} name(s) read as actors have no agency's shape and were left out: {shown}"]


def _body_start(src: Source, header: list[int]) -> int:
    """Where the text after the header (title, date, 文号 lines) starts."""
    return src.line_span(header[-1])[1] if header else 0


def _source(text: str) -> tuple[Source, list[Noise]]:
    """The text the parsers read (Simplified, page noise blanked, glosses removed) tied to the text as written."""
    read = to_simplified(text) if is_traditional(text) else text
    cleaned = strip_noise(read)
    if cleaned.text == text:
        return Source(text), cleaned.noise
    return Source(cleaned.text, original=text, origin=cleaned.origin), cleaned.noise


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
    body = src.text[item.body_start : item.end]
    # 街道综治办制作…横幅共计75条: a figure in a clause that reports a result is a statistic, not a target
    targets = find_targets(body, first_line=src.line_of(item.body_start))
    if targets and has_result_cue(body):
        targets = [t for t in targets if _target_mood(body, t.quote) != RESULT]
    for target in targets:
        target.quote = src.written(target.quote, item.body_start, item.end)
    heads = _heading_departments(src, item)
    duties = _own_department(item, joined) + find_duties(joined)
    duties += find_inline_duties(joined, duties + [duty for duty, _ in heads])
    return Measure(
        id="",  # numbered once the outline and the tables are merged in document order
        key=item.key,
        heading=item.heading,
        text=text,
        line=item.line,
        assignments=[a for _, a in heads] + [to_assignment(src, joined, duty) for duty in duties],
        targets=targets,
        topics=find_topics((item.heading or "") + "\n" + joined.text),
    )


def _target_mood(text: str, quote: str) -> str:
    at = text.find(quote)
    return mood_of(text, at, at + len(quote), OBLIGATION) if at != -1 else OBLIGATION


def _own_department(item: Item, joined: Joined) -> list[Duty]:
    """The department an item opens with: its first sentence (（二）公安部门。协助…), a name and a colon
    (3.市民政局：负责…) or, in a regulation, the subject of the article (第十六条 省监察厅参加…); it leads the item
    (a collective lower level implements)."""
    if item.rank == ARTICLE:
        clause_end = min((i for i in (joined.folded.find(c) for c in ",;。") if i != -1), default=len(joined.folded))
        subjects = subject_names(joined.folded[:clause_end])
        return [Duty(name, "implement" if is_collective(name) else "lead", "inline", 0, clause_end)
                for name, _, _ in subjects]
    if item.heading and not item.own_line and heading_department(item.heading):
        name = heading_department(item.heading) or ""
        return [Duty(name, "lead", "explicit", 0, min(len(joined.text), len(item.heading)))]
    found = opening_department(joined.folded)
    return [Duty(found[0], "lead", "explicit", found[1], found[2])] if found else []


def _heading_departments(src: Source, item: Item) -> list[tuple[Duty, Assignment]]:
    """A department named by an own-line heading of the item or of an item above it (（七）卫生部门职责、任务
    over 1.–6.) leads the item; the evidence is that heading's line. The nearest such heading wins."""
    node: Item | None = item
    while node is not None:
        name = heading_department(node.heading) if node.own_line or node is not item else None
        if name:
            _, end = src.line_span(node.line)
            quote = src.quote(node.start, end).strip()
            written = re.sub(r"\s+", "", src.quote(node.body_start, node.body_start + len(name))) \
                if src.text.startswith(name, node.body_start) else name
            assignment = Assignment(name, written, "lead", "explicit", quote, node.line)
            return [(Duty(name, "lead", "explicit", 0, 0), assignment)]
        node = node.parent
    return []
