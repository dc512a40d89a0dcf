"""Document record -> N-Triples text, following the contract in ``ontology/README.md``.

Built as strings, not rdflib objects: rdflib's ``Graph.add`` costs ~30 µs a triple
(FIELD-NOTES), and the store bulk-loads N-Triples text anyway. Output is the sorted,
de-duplicated set of lines, so the same Document always gives byte-identical text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
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
    doc_iri,
    measure_iri,
    place_iri,
    role_iri,
    topic_iri,
)

if TYPE_CHECKING:  # annotations only: kg needs the records' shape, not the loaders
    from loaders.model import Assignment, Document, Measure, Outcome

__all__ = [
    "COLLECTIVE_PREFIX",
    "JURISDICTION_SUFFIXES",
    "document_ntriples",
    "document_ntriples_bytes",
    "document_ntriples_lines",
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


# --- the writer ----------------------------------------------------------------------------------
#
# Lines are built directly as text (subject, " <predicate> ", object, " .\n"): about 60 lines a measure,
# so per-line function calls and repeated escaping are most of the cost. What repeats across measures and
# documents (agency names and their IRIs, role individuals, categories) is escaped once per process.
# Node IRIs below a measure are its IRI plus a suffix, as ``ontology/README.md`` states
# (id:measure/{id}/a{n}, …/t{n}, …/e{k}; id:doc/{id}/o{n}, …/o{n}/evidence).

_NAME_CACHE = 65536  # distinct names kept per process; the working set of a build is far smaller


def _pred(iri: str) -> str:
    return f" <{iri}> "


_P_TYPE = _pred(_TYPE)
_P_PREF = _pred(SKOS + "prefLabel")
_P_ALT = _pred(SKOS + "altLabel")
_P_SUBJECT = _pred(DCT + "subject")
_P_EVIDENCE = _pred(PA + "evidence")
_P_EXACT = _pred(OA + "exact")
_P_LINE = _pred(PA + "line")
_P_SOURCE_FILE = _pred(PA + "sourceFile")
_P_DERIVED = _pred(PROV + "wasDerivedFrom")
_P_METRIC = _pred(PA + "metric")
_P_VALUE = _pred(PA + "value")
_P_UNIT = _pred(PA + "unit")
_P_JURISDICTION = _pred(PA + "jurisdiction")
_P_HAS_ASSIGNMENT = _pred(PA + "hasAssignment")
_P_AGENCY = _pred(PA + "agency")
_P_ROLE = _pred(PA + "role")
_P_BASIS = _pred(PA + "basis")
_P_AS_WRITTEN = _pred(PA + "asWritten")
_P_CATEGORY = _pred(PA + "category")
_P_HAS_TARGET = _pred(PA + "hasTarget")
_P_COMPARATOR = _pred(PA + "comparator")
_P_DEADLINE = _pred(PA + "deadline")
_P_DEADLINE_YEAR = _pred(PA + "deadlineYear")
_P_HAS_OUTCOME = _pred(PA + "hasOutcome")
_P_HEADING = _pred(PA + "heading")
_P_IN_DOCUMENT = _pred(PA + "inDocument")
_P_KEY = _pred(PA + "key")
_P_KIND = _pred(PA + "kind")
_P_LOADER_WARNING = _pred(PA + "loaderWarning")
_P_MEASURE_ID = _pred(PA + "measureId")
_P_ORDER = _pred(PA + "order")
_P_PERIOD = _pred(PA + "period")
_P_PERIOD_YEAR = _pred(PA + "periodYear")
_P_REPORTED_BY = _pred(PA + "reportedBy")
_P_SOURCE = _pred(PA + "source")
_P_TEXT = _pred(PA + "text")
_P_YEAR = _pred(PA + "year")
_P_TITLE = _pred(DCT + "title")
_P_IDENTIFIER = _pred(DCT + "identifier")
_P_ISSUED = _pred(DCT + "issued")
_P_ISSUER_NAME = _pred(PA + "issuerName")
_T_AGENCY = f"{_P_TYPE}{nt_iri(PA + 'Agency')} .\n"
_T_COLLECTIVE = f"{_P_TYPE}{nt_iri(PA + 'CollectiveBody')} .\n"
_T_ASSIGNMENT = f"{_P_TYPE}{nt_iri(PA + 'Assignment')} .\n"
_T_SELECTOR = f"{_P_TYPE}{nt_iri(OA + 'TextQuoteSelector')} .\n"
_T_MEASURE = f"{_P_TYPE}{nt_iri(PA + 'Measure')} .\n"
_T_TARGET = f"{_P_TYPE}{nt_iri(PA + 'Target')} .\n"
_SHORTCUT_PREDICATES = {role: _pred(iri) for role, iri in SHORTCUTS.items()}


def _literal(value: str | int) -> str:
    """:func:`nt_literal`, remembered for strings that recur (names, bases, categories, units)."""
    kind = type(value)
    if kind is str:
        return _cached_literal(value)
    if kind is int:  # line numbers and years: the xsd:integer form without the checks
        return f'"{value}"^^<{_INTEGER}>'
    return nt_literal(value)


@lru_cache(maxsize=_NAME_CACHE)
def _cached_literal(value: str) -> str:
    return nt_literal(value)


def _agency_node(name: str) -> str:
    # Remembered for strings only: a hand-made record with another type fails as it always did.
    return _cached_agency_node(name) if type(name) is str else nt_iri(agency_iri(name))


def _place_node(name: str) -> str:
    return _cached_place_node(name) if type(name) is str else nt_iri(place_iri(name))


def _topic_node(slug: str) -> str:
    return _cached_topic_node(slug) if type(slug) is str else nt_iri(topic_iri(slug))


@lru_cache(maxsize=_NAME_CACHE)
def _cached_agency_node(name: str) -> str:
    return nt_iri(agency_iri(name))


@lru_cache(maxsize=_NAME_CACHE)
def _cached_place_node(name: str) -> str:
    return nt_iri(place_iri(name))


@lru_cache(maxsize=_NAME_CACHE)
def _cached_topic_node(slug: str) -> str:
    return nt_iri(topic_iri(slug))


@lru_cache(maxsize=8)
def _role_lines(role: str) -> tuple[str, str, tuple[str, ...]]:
    """(role IRI, shortcut predicate, the role individual's own lines); KeyError names an unknown role."""
    iri = nt_iri(role_iri(role))
    en, zh = ROLE_LABELS[role]
    lines = (
        f"{iri}{_P_TYPE}{nt_iri(PA + 'Role')} .\n",
        f"{iri}{_P_PREF}{nt_lang_literal(en, 'en')} .\n",
        f"{iri}{_P_PREF}{nt_lang_literal(zh, 'zh')} .\n",
        f"{iri}{_pred(PA + 'roleCode')}{nt_literal(role)} .\n",
    )
    return iri, _SHORTCUT_PREDICATES[role], lines


def _place_lines(name: str, node: str) -> list[str]:
    lines = [f"{node}{_P_TYPE}{nt_iri(PA + 'Jurisdiction')} .\n", f"{node}{_P_PREF}{_literal(name)} .\n"]
    lines += [f"{node}{_P_ALT}{_literal(short)} .\n" for short in jurisdiction_short_forms(name)]
    return lines


def _agency_lines(
    agency: str, as_written: str | None, category: str | None, jurisdiction: str | None
) -> tuple[str, ...]:
    node = _agency_node(agency)
    lines = [node + _T_AGENCY]
    if (as_written or agency).startswith(COLLECTIVE_PREFIX):
        lines.append(node + _T_COLLECTIVE)
    lines.append(f"{node}{_P_PREF}{_literal(agency)} .\n")
    if category:
        lines.append(f"{node}{_P_CATEGORY}{_literal(category)} .\n")
    # SKOS forbids the same label as both pref and alt (integrity condition S13).
    if as_written and as_written != agency:
        lines.append(f"{node}{_P_ALT}{_literal(as_written)} .\n")
    # Loaders resolve names in the context of the document's place (市公安局 in a 呼和浩特市
    # plan is 呼和浩特市公安局), so that place is the agency's. If two documents of different
    # places give one canonical name, the agency gets two places and the shapes say so.
    if jurisdiction is not None:
        lines.append(f"{node}{_P_JURISDICTION}{_place_node(jurisdiction)} .\n")
    return tuple(lines)


_cached_agency_lines = lru_cache(maxsize=_NAME_CACHE)(_agency_lines)


def _agency_block(a: Assignment | Outcome, jurisdiction: str | None) -> tuple[str, ...]:
    assert a.agency is not None
    key = (a.agency, a.as_written, getattr(a, "category", None), jurisdiction)
    if type(a.agency) is str and all(value is None or type(value) is str for value in key[1:]):
        return _cached_agency_lines(*key)
    return _agency_lines(*key)  # a hand-made record with odd values: not remembered


class _Writer:
    """Collects one document's lines; the per-document pieces (its IRI, its source file) are made once."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.lines: list[str] = []
        self.node = nt_iri(doc_iri(doc.id))
        self.evidence_tail = (
            f"{_P_SOURCE_FILE}{nt_literal(doc.source)} .\n",
            f"{_P_DERIVED}{self.node} .\n",
        )
        self.roles: set[str] = set()
        self.quotes: dict[str, str] = {}  # quote → literal: every name of one label shares its quote
        # With ``drained``, lines are moved into it as UTF-8 every few thousand (``drain``): a dense document
        # repeats its agencies' lines once per assignment, and a list of them all took several times the memory
        # of the set of distinct encoded lines.
        self.drained: set[bytes] | None = None

    def drain(self) -> None:
        if self.drained is not None and len(self.lines) >= _DRAIN_AT:
            self.drained.update(map(str.encode, self.lines))
            self.lines.clear()

    def evidence(self, node: str, quote: str, line: int, selectors: dict[tuple[int, str], str] | None = None) -> None:
        """``node`` pa:evidence → a quote selector (IRIs already in N-Triples syntax).

        With ``selectors`` (one measure's, (line, quote) → selector IRI; ``node`` is the measure's IRI plus
        ``/a{n}`` or ``/t{n}``) every assignment and target of the measure that cites the same words on the same
        line points at one selector ``…/e{k}``, k numbering the measure's distinct quotes in the order first
        cited; a (责任单位：…) list of six agencies is one selector, not six. Without it (an outcome) the
        selector is ``node/evidence``."""
        if selectors is None:
            evidence = node[:-1] + "/evidence>"
        else:
            evidence = selectors.get((line, quote))
            if evidence is not None:
                self.lines.append(f"{node}{_P_EVIDENCE}{evidence} .\n")
                return
            evidence = selectors[(line, quote)] = f"{node[:node.rindex('/')]}/e{len(selectors) + 1}>"
        source_file, derived = self.evidence_tail
        self.lines += (
            f"{node}{_P_EVIDENCE}{evidence} .\n",
            evidence + _T_SELECTOR,
            f"{evidence}{_P_EXACT}{self.quote(quote)} .\n",
            f"{evidence}{_P_LINE}{_literal(line)} .\n",
            evidence + source_file,
            evidence + derived,
        )

    def quote(self, quote: str) -> str:
        if type(quote) is not str:
            return nt_literal(quote)
        literal = self.quotes.get(quote)
        if literal is None:
            literal = self.quotes[quote] = nt_literal(quote)
        return literal

    def quantity(self, node: str, metric: str, value: float | None, unit: str | None) -> None:
        out = self.lines
        out.append(f"{node}{_P_METRIC}{nt_literal(metric)} .\n")
        if value is not None:
            out.append(f"{node}{_P_VALUE}{nt_decimal(value)} .\n")
        if unit:
            out.append(f"{node}{_P_UNIT}{_literal(unit)} .\n")

    def document(self) -> None:
        doc, node, out = self.doc, self.node, self.lines
        out.append(f"{node}{_P_TYPE}{nt_iri(PA + 'Document')} .\n")
        if doc.kind in _KIND_CLASS:
            out.append(f"{node}{_P_TYPE}{nt_iri(_KIND_CLASS[doc.kind])} .\n")
        # pa:kind is written as given even when unknown, so the SHACL shape reports it.
        out.append(f"{node}{_P_KIND}{nt_literal(doc.kind)} .\n")
        out.append(f"{node}{_P_SOURCE}{nt_literal(doc.source)} .\n")
        optional = (
            (_P_TITLE, doc.title),
            (_P_IDENTIFIER, doc.doc_number),
            (_P_ISSUED, doc.date),
            (_P_ISSUER_NAME, doc.issuer),
        )
        for predicate, value in optional:
            if value is not None:
                out.append(f"{node}{predicate}{nt_literal(value)} .\n")
        if doc.jurisdiction is not None:
            place = _place_node(doc.jurisdiction)
            out.append(f"{node}{_P_JURISDICTION}{place} .\n")
            out += _place_lines(doc.jurisdiction, place)
        year = first_year(doc.date)
        if year is not None:
            out.append(f"{node}{_P_YEAR}{nt_literal(year)} .\n")
        for warning in doc.warnings:
            out.append(f"{node}{_P_LOADER_WARNING}{nt_literal(warning)} .\n")
        for order, m in enumerate(doc.measures, start=1):
            self.measure(order, m)
            self.drain()
        for n, o in enumerate(doc.reports, start=1):
            self.outcome(n, o)
            self.drain()
        for role in sorted(self.roles):
            out += _role_lines(role)[2]

    def measure(self, order: int, m: Measure) -> None:
        doc, out = self.doc, self.lines
        measure = nt_iri(measure_iri(m.id))
        out += (
            measure + _T_MEASURE,
            f"{measure}{_P_MEASURE_ID}{nt_literal(m.id)} .\n",
            f"{measure}{_P_IN_DOCUMENT}{self.node} .\n",
            f"{measure}{_P_KEY}{nt_literal(m.key)} .\n",
        )
        if m.heading is not None:
            out.append(f"{measure}{_P_HEADING}{nt_literal(m.heading)} .\n")
        out += (
            f"{measure}{_P_TEXT}{nt_literal(m.text)} .\n",
            f"{measure}{_P_LINE}{_literal(m.line)} .\n",
            f"{measure}{_P_ORDER}{nt_literal(order)} .\n",
        )
        stem = measure[:-1]
        selectors: dict[tuple[int, str], str] = {}
        for n, a in enumerate(m.assignments, start=1):
            node = f"{stem}/a{n}>"
            agency = _agency_node(a.agency)
            role, shortcut, _ = _role_lines(a.role)
            self.roles.add(a.role)
            out += (
                f"{measure}{_P_HAS_ASSIGNMENT}{node} .\n",
                node + _T_ASSIGNMENT,
                f"{node}{_P_AGENCY}{agency} .\n",
                f"{node}{_P_ROLE}{role} .\n",
                f"{node}{_P_BASIS}{_literal(a.basis)} .\n",
                f"{node}{_P_AS_WRITTEN}{_literal(a.as_written)} .\n",
            )
            self.evidence(node, a.quote, a.line, selectors)
            out.append(f"{agency}{shortcut}{measure} .\n")
            out += _agency_block(a, doc.jurisdiction)
        for n, t in enumerate(m.targets, start=1):
            node = f"{stem}/t{n}>"
            out += (f"{measure}{_P_HAS_TARGET}{node} .\n", node + _T_TARGET)
            self.quantity(node, t.metric, t.value, t.unit)
            if t.comparator:
                out.append(f"{node}{_P_COMPARATOR}{_literal(t.comparator)} .\n")
            if t.deadline:
                out.append(f"{node}{_P_DEADLINE}{_literal(t.deadline)} .\n")
                year = first_year(t.deadline)
                if year is not None:
                    out.append(f"{node}{_P_DEADLINE_YEAR}{nt_literal(year)} .\n")
            self.evidence(node, t.quote, t.line, selectors)
        for slug in m.topics:
            out.append(f"{measure}{_P_SUBJECT}{_topic_node(slug)} .\n")

    def outcome(self, n: int, o: Outcome) -> None:
        doc, out = self.doc, self.lines
        node = f"{self.node[:-1]}/o{n}>"
        out += (f"{self.node}{_P_HAS_OUTCOME}{node} .\n", f"{node}{_P_TYPE}{nt_iri(PA + 'Outcome')} .\n")
        self.quantity(node, o.metric, o.value, o.unit)
        if o.period:
            out.append(f"{node}{_P_PERIOD}{nt_literal(o.period)} .\n")
        year = first_year(o.period) or first_year(doc.date)
        if year is not None:
            out.append(f"{node}{_P_PERIOD_YEAR}{nt_literal(year)} .\n")
        if o.as_written:
            out.append(f"{node}{_P_AS_WRITTEN}{_literal(o.as_written)} .\n")
        if o.agency:
            out.append(f"{node}{_P_REPORTED_BY}{_agency_node(o.agency)} .\n")
            out += _agency_block(o, doc.jurisdiction)
        for slug in o.topics:
            out.append(f"{node}{_P_SUBJECT}{_topic_node(slug)} .\n")
        self.evidence(node, o.quote, o.line)


_KIND_CLASS = {"plan": PA + "Plan", "report": PA + "Report"}


def _document_lines(doc: Document) -> set[str]:
    writer = _Writer(doc)
    writer.document()
    return set(writer.lines)


def document_triples(doc: Document) -> Iterable[Triple]:
    """The document's triples as (subject, predicate, object) in N-Triples syntax,
    predicate without angle brackets; de-duplicated, unordered."""
    # Subjects and predicates are IRIs without blanks, so a line splits at its first two.
    triples = set()
    for line in _document_lines(doc):
        subject, predicate, obj = line[: -len(" .\n")].split(" ", 2)
        triples.add((subject, predicate[1:-1], obj))
    return triples


_DRAIN_AT = 4096


def document_ntriples_lines(doc: Document) -> list[bytes]:
    """The N-Triples lines of one document as UTF-8, sorted, each ending in a newline. UnicodeEncodeError for a
    text holding a lone surrogate (which no file decodes to)."""
    writer = _Writer(doc)
    writer.drained = set()
    writer.document()
    writer.drained.update(map(str.encode, writer.lines))
    writer.lines.clear()
    # UTF-8 byte order is code point order, and bytes compare with memcmp: the order of the lines as text
    ordered = sorted(writer.drained)
    writer.drained = None
    return ordered


def document_ntriples_bytes(doc: Document) -> bytes:
    """``document_ntriples_lines`` joined."""
    return b"".join(document_ntriples_lines(doc))


def document_ntriples(doc: Document) -> str:
    """The N-Triples text for one document: sorted lines, each ending in a newline."""
    try:
        return document_ntriples_bytes(doc).decode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (never written by the helpers above): plain string order
        return "".join(sorted(_document_lines(doc)))
