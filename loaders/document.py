"""Assembling a :class:`~loaders.model.Document` from text: outline, labels, metadata."""

from __future__ import annotations

import hashlib
import os

from loaders.agencies import resolve_agency
from loaders.duties import Duty, find_duties
from loaders.errors import LoadError
from loaders.formats import SUFFIXES as FORMAT_SUFFIXES
from loaders.formats import extract_text
from loaders.metadata import find_closing_start, parse_metadata
from loaders.model import Assignment, Document, Measure
from loaders.outline import Item, find_work_items, parse_outline
from loaders.reports import find_outcomes
from loaders.targets import find_targets
from loaders.text import Joined, Source, decode_bytes, find_text_warnings, normalise_text
from loaders.topics import find_topics

TEXT_SUFFIXES = (".txt", ".md", ".text")
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
    """Parse a document's text (no I/O). ``doc_id`` defaults to the hash of the UTF-8 text."""
    text = normalise_text(text)
    doc_id = doc_id or document_id(text.encode("utf-8", errors="surrogatepass"))
    src = Source(text)
    closing_start = find_closing_start(src)
    items = parse_outline(src, closing_start)
    work = find_work_items(items)
    measures = [_measure(src, item, doc_id, n) for n, item in enumerate(work, start=1)]
    duties = sum(len(m.assignments) for m in measures)
    meta = parse_metadata(src, len(work), duties, closing_start)
    reports = []
    if meta.kind == "report":
        measures = []
        reports = find_outcomes(src.text)
    for measure in measures:
        for assignment in measure.assignments:
            assignment.agency = resolve_agency(assignment.as_written, meta.jurisdiction)
    for outcome in reports:
        outcome.as_written = outcome.agency
        outcome.agency = resolve_agency(outcome.agency, meta.jurisdiction) if outcome.agency else None
        outcome.topics = find_topics(outcome.quote)
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
        warnings=find_text_warnings(text),
    )


def _measure(src: Source, item: Item, doc_id: str, ordinal: int) -> Measure:
    joined = item.joined(src)
    text = joined.text.strip()
    # Targets are read from the item's source span (heading included, line breaks kept) so that each
    # quote and line points into the file as it is; the target reader ignores PDF breaks itself.
    targets = find_targets(src.text[item.body_start : item.end], first_line=src.line_of(item.body_start))
    return Measure(
        id=f"{doc_id}-{ordinal:03d}",
        key=item.key,
        heading=item.heading,
        text=text,
        line=item.line,
        assignments=[_assignment(src, joined, duty) for duty in find_duties(joined)],
        targets=targets,
        topics=find_topics((item.heading or "") + "\n" + text),
    )


def _assignment(src: Source, joined: Joined, duty: Duty) -> Assignment:
    start, end = joined.source_span(duty.start, duty.end)
    return Assignment(
        agency=duty.as_written,  # resolved once the jurisdiction is known
        as_written=duty.as_written,
        role=duty.role,
        basis=duty.basis,
        quote=src.text[start:end],
        line=src.line_of(start),
    )
