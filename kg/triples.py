"""Document record -> N-Triples text, following the contract in ``ontology/README.md``.

Built as strings, not rdflib objects: rdflib's ``Graph.add`` costs ~30 µs a triple
(FIELD-NOTES), and the store bulk-loads N-Triples text anyway. Output is the sorted,
de-duplicated set of lines, so the same Document always gives byte-identical text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ontology.ns import (
    DCT,
    OA,
    PA,
    PROV,
    RDF,
    SKOS,
    XSD,
    agency_iri,
    assignment_iri,
    doc_iri,
    evidence_iri,
    measure_iri,
    outcome_iri,
    place_iri,
    role_iri,
    target_iri,
    topic_iri,
)

if TYPE_CHECKING:  # annotations only: kg needs the records' shape, not the loaders
    from loaders.model import Assignment, Document, Measure, Outcome, Target

__all__ = [
    "COLLECTIVE_PREFIX",
    "JURISDICTION_SUFFIXES",
    "document_ntriples",
    "document_triples",
    "jurisdiction_short_forms",
    "nt_iri",
    "nt_literal",
]

# Longest first, so 内蒙古自治区 loses 自治区 rather than just 区.
JURISDICTION_SUFFIXES: tuple[str, ...] = ("自治区", "省", "市", "县", "区")

# An as-written name starting with 各 ("each ...") names the lower levels as a
# collective (各旗县区, 各县(市区)党委), not one organisation.
COLLECTIVE_PREFIX = "各"

# The shortcut edge each role adds from the agency to the measure.
SHORTCUTS: dict[str, str] = {
    "lead": PA + "leads",
    "co": PA + "coResponsibleFor",
    "guide": PA + "guides",
    "implement": PA + "implements",
}

# The role individuals as the ontology states them; repeated in each document graph
# that uses them so queries over the store can read roleCode/prefLabel.
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "lead": ("lead", "牵头"),
    "co": ("co-responsible", "配合"),
    "guide": ("guide", "指导"),
    "implement": ("implement", "落实"),
}

_TYPE = RDF + "type"
_INTEGER = XSD + "integer"
_DECIMAL = XSD + "decimal"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")

Triple = tuple[str, str, str]  # subject, predicate, object: each already in N-Triples syntax

# Characters N-Triples needs escaped inside a literal, plus every other C0 control and
# DEL (written as \uXXXX so the file stays readable and line-based tools stay safe).
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f\ud800-\udfff]')


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if "\ud800" <= ch <= "\udfff":
        # A lone surrogate (text decoded with surrogateescape) cannot be written as
        # UTF-8 nor as a valid \u escape; U+FFFD is what a strict decoder would give.
        return "\\uFFFD"
    return f"\\u{ord(ch):04X}"


def nt_literal(value: str | int) -> str:
    """A plain string literal, or an xsd:integer literal for an int."""
    if isinstance(value, bool):  # bool is an int; there are no boolean fields to write
        raise TypeError("booleans have no literal form in this graph")
    if isinstance(value, int):
        return f'"{value}"^^<{_INTEGER}>'
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, value) + '"'


def nt_decimal(value: float) -> str:
    """An xsd:decimal literal: 85 → "85", 0.5 → "0.5" (never exponent notation)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f'"{text}"^^<{_DECIMAL}>'


def first_year(text: str | None) -> int | None:
    """The first four-digit year in a deadline or period as stated ("2015", "2004年6月", "2014-2015")."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def nt_lang_literal(value: str, lang: str) -> str:
    return nt_literal(value) + "@" + lang


def nt_iri(iri: str) -> str:
    # Every IRI here comes from ontology.ns, which only emits ASCII-safe segments.
    return f"<{iri}>"


def jurisdiction_short_forms(name: str) -> list[str]:
    """Short names of a place: the name without its final suffix, if ≥2 characters remain."""
    for suffix in JURISDICTION_SUFFIXES:
        if name.endswith(suffix):
            short = name[: -len(suffix)]
            return [short] if len(short) >= 2 else []
    return []


def _place_triples(name: str) -> Iterator[Triple]:
    place = nt_iri(place_iri(name))
    yield place, _TYPE, nt_iri(PA + "Jurisdiction")
    yield place, SKOS + "prefLabel", nt_literal(name)
    for short in jurisdiction_short_forms(name):
        yield place, SKOS + "altLabel", nt_literal(short)


def _agency_triples(a: Assignment | Outcome, doc_jurisdiction: str | None) -> Iterator[Triple]:
    assert a.agency is not None
    agency = nt_iri(agency_iri(a.agency))
    yield agency, _TYPE, nt_iri(PA + "Agency")
    if (a.as_written or a.agency).startswith(COLLECTIVE_PREFIX):
        yield agency, _TYPE, nt_iri(PA + "CollectiveBody")
    yield agency, SKOS + "prefLabel", nt_literal(a.agency)
    category = getattr(a, "category", None)
    if category:
        yield agency, PA + "category", nt_literal(category)
    # SKOS forbids the same label as both pref and alt (integrity condition S13).
    if a.as_written and a.as_written != a.agency:
        yield agency, SKOS + "altLabel", nt_literal(a.as_written)
    # Loaders resolve names in the context of the document's place (市公安局 in a 呼和浩特市
    # plan is 呼和浩特市公安局), so that place is the agency's. If two documents of different
    # places give one canonical name, the agency gets two places and the shapes say so.
    if doc_jurisdiction is not None:
        yield agency, PA + "jurisdiction", nt_iri(place_iri(doc_jurisdiction))


def _role_triples(role: str) -> Iterator[Triple]:
    iri = nt_iri(role_iri(role))
    en, zh = ROLE_LABELS[role]
    yield iri, _TYPE, nt_iri(PA + "Role")
    yield iri, SKOS + "prefLabel", nt_lang_literal(en, "en")
    yield iri, SKOS + "prefLabel", nt_lang_literal(zh, "zh")
    yield iri, PA + "roleCode", nt_literal(role)


def _assignment_triples(doc: Document, m: Measure, n: int, a: Assignment) -> Iterator[Triple]:
    measure = nt_iri(measure_iri(m.id))
    node = nt_iri(assignment_iri(m.id, n))
    evidence = nt_iri(evidence_iri(m.id, n))
    agency = nt_iri(agency_iri(a.agency))
    yield measure, PA + "hasAssignment", node
    yield node, _TYPE, nt_iri(PA + "Assignment")
    yield node, PA + "agency", agency
    yield node, PA + "role", nt_iri(role_iri(a.role))
    yield node, PA + "basis", nt_literal(a.basis)
    yield node, PA + "asWritten", nt_literal(a.as_written)
    yield node, PA + "evidence", evidence
    yield evidence, _TYPE, nt_iri(OA + "TextQuoteSelector")
    yield evidence, OA + "exact", nt_literal(a.quote)
    yield evidence, PA + "line", nt_literal(a.line)
    yield evidence, PA + "sourceFile", nt_literal(doc.source)
    yield evidence, PROV + "wasDerivedFrom", nt_iri(doc_iri(doc.id))
    yield agency, SHORTCUTS[a.role], measure
    yield from _agency_triples(a, doc.jurisdiction)
    yield from _role_triples(a.role)


def _measure_triples(doc: Document, order: int, m: Measure) -> Iterator[Triple]:
    measure = nt_iri(measure_iri(m.id))
    yield measure, _TYPE, nt_iri(PA + "Measure")
    yield measure, PA + "measureId", nt_literal(m.id)
    yield measure, PA + "inDocument", nt_iri(doc_iri(doc.id))
    yield measure, PA + "key", nt_literal(m.key)
    if m.heading is not None:
        yield measure, PA + "heading", nt_literal(m.heading)
    yield measure, PA + "text", nt_literal(m.text)
    yield measure, PA + "line", nt_literal(m.line)
    yield measure, PA + "order", nt_literal(order)
    for n, a in enumerate(m.assignments, start=1):
        yield from _assignment_triples(doc, m, n, a)
    for n, t in enumerate(m.targets, start=1):
        yield from _target_triples(doc, m, n, t)
    for slug in m.topics:
        yield measure, DCT + "subject", nt_iri(topic_iri(slug))


def _evidence_triples(node: str, doc: Document, quote: str, line: int) -> Iterator[Triple]:
    """A quote selector for ``node`` (an IRI already in N-Triples syntax)."""
    evidence = node[:-1] + "/evidence>"
    yield node, PA + "evidence", evidence
    yield evidence, _TYPE, nt_iri(OA + "TextQuoteSelector")
    yield evidence, OA + "exact", nt_literal(quote)
    yield evidence, PA + "line", nt_literal(line)
    yield evidence, PA + "sourceFile", nt_literal(doc.source)
    yield evidence, PROV + "wasDerivedFrom", nt_iri(doc_iri(doc.id))


def _quantity_triples(node: str, metric: str, value: float | None, unit: str | None) -> Iterator[Triple]:
    yield node, PA + "metric", nt_literal(metric)
    if value is not None:
        yield node, PA + "value", nt_decimal(value)
    if unit:
        yield node, PA + "unit", nt_literal(unit)


def _target_triples(doc: Document, m: Measure, n: int, t: Target) -> Iterator[Triple]:
    node = nt_iri(target_iri(m.id, n))
    yield nt_iri(measure_iri(m.id)), PA + "hasTarget", node
    yield node, _TYPE, nt_iri(PA + "Target")
    yield from _quantity_triples(node, t.metric, t.value, t.unit)
    if t.comparator:
        yield node, PA + "comparator", nt_literal(t.comparator)
    if t.deadline:
        yield node, PA + "deadline", nt_literal(t.deadline)
        year = first_year(t.deadline)
        if year is not None:
            yield node, PA + "deadlineYear", nt_literal(year)
    yield from _evidence_triples(node, doc, t.quote, t.line)


def _outcome_triples(doc: Document, n: int, o: Outcome) -> Iterator[Triple]:
    node = nt_iri(outcome_iri(doc.id, n))
    yield nt_iri(doc_iri(doc.id)), PA + "hasOutcome", node
    yield node, _TYPE, nt_iri(PA + "Outcome")
    yield from _quantity_triples(node, o.metric, o.value, o.unit)
    if o.period:
        yield node, PA + "period", nt_literal(o.period)
    year = first_year(o.period) or first_year(doc.date)
    if year is not None:
        yield node, PA + "periodYear", nt_literal(year)
    if o.as_written:
        yield node, PA + "asWritten", nt_literal(o.as_written)
    if o.agency:
        yield node, PA + "reportedBy", nt_iri(agency_iri(o.agency))
        yield from _agency_triples(o, doc.jurisdiction)
    for slug in o.topics:
        yield node, DCT + "subject", nt_iri(topic_iri(slug))
    yield from _evidence_triples(node, doc, o.quote, o.line)


_KIND_CLASS = {"plan": PA + "Plan", "report": PA + "Report"}


def _document_triples(doc: Document) -> Iterator[Triple]:
    node = nt_iri(doc_iri(doc.id))
    yield node, _TYPE, nt_iri(PA + "Document")
    if doc.kind in _KIND_CLASS:
        yield node, _TYPE, nt_iri(_KIND_CLASS[doc.kind])
    # pa:kind is written as given even when unknown, so the SHACL shape reports it.
    yield node, PA + "kind", nt_literal(doc.kind)
    yield node, PA + "source", nt_literal(doc.source)
    optional = (
        (DCT + "title", doc.title),
        (DCT + "identifier", doc.doc_number),
        (DCT + "issued", doc.date),
        (PA + "issuerName", doc.issuer),
    )
    for predicate, value in optional:
        if value is not None:
            yield node, predicate, nt_literal(value)
    if doc.jurisdiction is not None:
        yield node, PA + "jurisdiction", nt_iri(place_iri(doc.jurisdiction))
        yield from _place_triples(doc.jurisdiction)
    year = first_year(doc.date)
    if year is not None:
        yield node, PA + "year", nt_literal(year)
    for warning in doc.warnings:
        yield node, PA + "loaderWarning", nt_literal(warning)
    for order, m in enumerate(doc.measures, start=1):
        yield from _measure_triples(doc, order, m)
    for n, o in enumerate(doc.reports, start=1):
        yield from _outcome_triples(doc, n, o)


def document_triples(doc: Document) -> Iterable[Triple]:
    """The document's triples as (subject, predicate, object) in N-Triples syntax,
    predicate without angle brackets; de-duplicated, unordered."""
    return set(_document_triples(doc))


def document_ntriples(doc: Document) -> str:
    """The N-Triples text for one document: sorted lines, each ending in a newline."""
    lines = sorted(f"{s} <{p}> {o} .\n" for s, p, o in document_triples(doc))
    return "".join(lines)
