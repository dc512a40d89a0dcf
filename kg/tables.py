"""The question tables: the graph's facts laid out as SQLite rows, so the CLI's questions are answered in
milliseconds from a fresh process at any size.

Why a second layout of the same facts. The RDF graph stays the record (each document's N-Triples in the store's
cache/, the SPARQL index, every export). But an RDF store answers a question by looking each value up
separately: at 100k measures pyoxigraph took 0.35–11 s for the first run of the CLI's questions in a fresh
process (≈ 8 µs a lookup), where SQLite with an index on the asked column takes 1–100 ms (docs/scale.md). The
questions are fixed (``queries/*.rq``, one a file); their SQL twins (``queries/*.sql``) read these tables, and a
test checks that every twin gives the rows of its SPARQL file on the seeds and on generated corpora.

How the rows relate to the triples. ``document_rows`` walks a Document the way ``kg.triples`` does and writes
one row per node of the document graph (a measure, an assignment, a target, an outcome), with the same values
the triples state (same IRIs, same derived years, the same "collective" rule, decimals rounded as the literal
writes them). A test parses each document's N-Triples and checks the rows say the same. Facts that several
documents state (an agency's name, place, category and written forms; a place's names) are kept per document
(``agency_facts``, ``place_facts``) and merged into sets after each build, as the RDF union merges them.

What is derived after the rows of every document are in (``finish``): the merged agency and place tables, each
agency's measure counts by role, every pair of agencies with the number of measures they share, and each topic's
measures by agency and role (what `kg compare` and `kg agency` ask), all per place of the documents. Counts and
pairs are sums over documents (a measure belongs to one document), so an incremental build adjusts them by the
documents it removes and adds instead of counting again. The topics each measure and outcome is about (its
stated topics and all their broader ones) are written with its document, from the topic scheme
``ontology/topics.ttl``, which is part of the build's code fingerprint for that reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, lru_cache
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ontology.ns import ID, agency_iri, doc_iri, measure_iri, place_iri

if TYPE_CHECKING:
    from loaders.model import Document

__all__ = [
    "FILE",
    "Answer",
    "SCHEMA_VERSION",
    "StaleTables",
    "TableWriter",
    "Tables",
    "doc_rows_contributions",
    "document_rows",
    "key_of",
    "number_text",
    "target_text",
]

FILE = "tables.sqlite"
# Bumped when a table or a derived rule changes, and recorded in the database's info table for tools that open it;
# any change to this file already makes the next build read every file again (the build's code fingerprint).
SCHEMA_VERSION = 5

# One table per kind of node a document states, in the order document_rows fills them. Column names follow the
# RDF properties they mirror (ontology/README.md); "n" is the 1-based position that ends the node's IRI
# (…/a{n}, …/t{n}, …/o{n}); "mid" is pa:measureId, "doc" the document id; "agency", "place" and "topic" are keys
# (the last segment of the IRI, see AGENCY_NS).
DOCUMENT_TABLES: dict[str, tuple[str, ...]] = {
    "documents": ("doc", "iri", "source", "title", "kind", "identifier", "issued", "issuer", "year", "place"),
    "doc_warnings": ("doc", "n", "warning"),
    "place_facts": ("doc", "place", "name", "alt"),
    # lead_names / co_names: the names of the agencies with a lead / co-responsible assignment, distinct, sorted,
    # joined by 、 ("" for none); agencies: the keys of every agency taking part, distinct, sorted, joined by a
    # space; topics: the keys of measure_about's topics, sorted, joined by a space; n_leads counts distinct lead
    # agencies (what `kg lint` and `kg gaps` ask).
    "measures": ("mid", "iri", "doc", "ord", "key", "heading", "text", "line", "lead_names", "co_names", "agencies",
                 "topics", "n_assignments", "n_leads", "n_targets"),
    "assignments": ("mid", "n", "agency", "name", "role", "basis", "as_written", "quote", "line"),
    # The shortcut edges (agency pa:leads|… measure): one per distinct (measure, agency, role).
    "roles": ("mid", "agency", "role"),
    # after the target's own columns, what it is listed with, copied from its measure and document (iri: the
    # target's own, …/t{n}): `kg targets` lists 22k targets at 100k measures, and reading them from one table
    # instead of joining three took its query from 0.12 to 0.09 s; target: how it reads in one cell
    # (target_text), one value to read instead of four (0.06 -> 0.045 s)
    "targets": ("mid", "n", "metric", "comparator", "value", "unit", "deadline", "deadline_year", "quote", "line",
                "iri", "doc", "source", "place", "ord", "key", "lead_names", "target"),
    "measure_topics": ("mid", "topic"),
    # dct:subject/skos:broader*: each stated topic and every topic above it in ontology/topics.ttl (a topic the
    # scheme does not know is still about itself: a zero-length path matches any term)
    "measure_about": ("mid", "topic"),
    "outcomes": ("doc", "n", "agency", "name", "as_written", "metric", "value", "unit", "period", "period_year",
                 "quote", "line"),
    "outcome_topics": ("doc", "n", "topic"),
    "outcome_about": ("doc", "n", "topic"),
    # What one document states about an agency: one row per distinct (name, category, written form, place).
    "agency_facts": ("doc", "agency", "name", "category", "alt", "collective", "place"),
}

# "iri" columns hold the document's and the measure's IRIs as the triples write them (ontology.ns), from which the
# SQL twins make the IRIs of the nodes below them (…/a{n}, …/t{n}, …/o{n}).
# Tables keyed by measure rather than by document: a document's rows go by its measures' ids.
_BY_MEASURE = ("assignments", "roles", "targets", "measure_topics", "measure_about")

_SCHEMA = """
CREATE TABLE info(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents(doc TEXT PRIMARY KEY, iri TEXT, source TEXT, title TEXT, kind TEXT, identifier TEXT,
                       issued TEXT, issuer TEXT, year INTEGER, place TEXT);
CREATE TABLE doc_warnings(doc TEXT, n INTEGER, warning TEXT);
CREATE TABLE place_facts(doc TEXT, place TEXT, name TEXT, alt TEXT);
CREATE TABLE measures(mid TEXT PRIMARY KEY, iri TEXT, doc TEXT, ord INTEGER, key TEXT, heading TEXT, text TEXT,
                      line INTEGER, lead_names TEXT, co_names TEXT, agencies TEXT, topics TEXT,
                      n_assignments INTEGER, n_leads INTEGER, n_targets INTEGER);
CREATE TABLE assignments(mid TEXT, n INTEGER, agency TEXT, name TEXT, role TEXT, basis TEXT, as_written TEXT,
                         quote TEXT, line INTEGER);
CREATE TABLE roles(mid TEXT, agency TEXT, role TEXT);
-- kept in the order targets are listed in (their document's source, their measure's order, their IRI): the
-- 22k of a year at 100k measures are read in one pass, without a sort (0.08 -> 0.05 s)
CREATE TABLE targets(mid TEXT, n INTEGER, metric TEXT, comparator TEXT, value REAL, unit TEXT, deadline TEXT,
                     deadline_year INTEGER, quote TEXT, line INTEGER, iri TEXT, doc TEXT, source TEXT, place TEXT,
                     ord INTEGER, key TEXT, lead_names TEXT, target TEXT, PRIMARY KEY (source, ord, iri))
                     WITHOUT ROWID;
CREATE TABLE measure_topics(mid TEXT, topic TEXT);
CREATE TABLE outcomes(doc TEXT, n INTEGER, agency TEXT, name TEXT, as_written TEXT, metric TEXT, value REAL,
                      unit TEXT, period TEXT, period_year INTEGER, quote TEXT, line INTEGER);
CREATE TABLE outcome_topics(doc TEXT, n INTEGER, topic TEXT);
CREATE TABLE measure_about(mid TEXT, topic TEXT, PRIMARY KEY (topic, mid)) WITHOUT ROWID;
CREATE TABLE outcome_about(doc TEXT, n INTEGER, topic TEXT);
CREATE TABLE agency_facts(doc TEXT, agency TEXT, name TEXT, category TEXT, alt TEXT, collective INTEGER,
                          place TEXT);
-- the topic scheme (ontology/topics.ttl)
CREATE TABLE topics(topic TEXT PRIMARY KEY, notation TEXT, zh TEXT, en TEXT);
CREATE TABLE topic_labels(topic TEXT, label TEXT);
CREATE TABLE topic_closure(topic TEXT, ancestor TEXT);
-- derived by finish()
CREATE TABLE agency_name(agency TEXT PRIMARY KEY, name TEXT);
CREATE TABLE agency_place(agency TEXT, place TEXT);
CREATE TABLE agency_category(agency TEXT, category TEXT);
CREATE TABLE agency_alt(agency TEXT, alt TEXT);
CREATE TABLE agency_collective(agency TEXT PRIMARY KEY);
CREATE TABLE place_name(place TEXT PRIMARY KEY, name TEXT);
CREATE TABLE place_alt(place TEXT, alt TEXT);
-- counted per place of the measures' documents ('' for a document that states none): one name written in plans
-- of several places (公安机关) is counted, and paired, in each place apart
CREATE TABLE agency_counts(agency TEXT, place TEXT, lead INTEGER, co INTEGER, guide INTEGER, implement INTEGER,
                           measures INTEGER, PRIMARY KEY (agency, place)) WITHOUT ROWID;
CREATE TABLE pairs(a TEXT, b TEXT, place TEXT, shared INTEGER, PRIMARY KEY (a, b, place)) WITHOUT ROWID;
-- who carries each topic in each place: measures about the topic (or a narrower one) per agency and role
CREATE TABLE topic_agency_counts(topic TEXT, place TEXT, agency TEXT, role TEXT, measures INTEGER,
                                 PRIMARY KEY (topic, place, agency, role)) WITHOUT ROWID;
"""

# Indexes are made once the rows are in (cheaper than keeping them sorted row by row) and kept by incremental
# builds. Each serves a question's starting point: an agency (its measures, its partners), a measure (its
# assignments, targets, topics), a document (its measures in order), a topic. A deadline year has none: the
# targets table is read whole in its own order (a year's targets are a good part of all of them at any size).
_INDEXES = """
CREATE INDEX IF NOT EXISTS measures_doc ON measures(doc, ord);
CREATE INDEX IF NOT EXISTS measures_without_lead ON measures(doc) WHERE n_leads = 0;
CREATE INDEX IF NOT EXISTS documents_place ON documents(place);
CREATE INDEX IF NOT EXISTS assignments_mid ON assignments(mid, n);
CREATE INDEX IF NOT EXISTS roles_agency ON roles(agency, role, mid);
CREATE INDEX IF NOT EXISTS roles_mid ON roles(mid, role);
CREATE INDEX IF NOT EXISTS targets_mid ON targets(mid, n);
CREATE INDEX IF NOT EXISTS measure_topics_mid ON measure_topics(mid);
CREATE INDEX IF NOT EXISTS outcomes_doc ON outcomes(doc, n);
CREATE INDEX IF NOT EXISTS outcomes_agency ON outcomes(agency);
CREATE INDEX IF NOT EXISTS outcome_topics_doc ON outcome_topics(doc, n);
CREATE INDEX IF NOT EXISTS doc_warnings_doc ON doc_warnings(doc);
CREATE INDEX IF NOT EXISTS place_facts_doc ON place_facts(doc);
CREATE INDEX IF NOT EXISTS agency_facts_doc ON agency_facts(doc);
CREATE INDEX IF NOT EXISTS agency_place_agency ON agency_place(agency);
CREATE INDEX IF NOT EXISTS agency_place_place ON agency_place(place);
CREATE INDEX IF NOT EXISTS agency_category_agency ON agency_category(agency);
CREATE INDEX IF NOT EXISTS agency_alt_agency ON agency_alt(agency);
CREATE INDEX IF NOT EXISTS place_alt_place ON place_alt(place);
CREATE INDEX IF NOT EXISTS measure_about_mid ON measure_about(mid);
CREATE INDEX IF NOT EXISTS outcome_about_doc ON outcome_about(doc, n);
CREATE INDEX IF NOT EXISTS outcome_about_topic ON outcome_about(topic);
CREATE INDEX IF NOT EXISTS pairs_b ON pairs(b);
CREATE INDEX IF NOT EXISTS topic_agency_counts_agency ON topic_agency_counts(agency, place);
CREATE INDEX IF NOT EXISTS topic_agency_counts_place ON topic_agency_counts(place);
CREATE INDEX IF NOT EXISTS topic_closure_topic ON topic_closure(topic);
"""

_NAMES = 65536


# Agencies, places and topics are keyed by the last segment of their IRI (a 16-digit hash, a topic's notation):
# the full IRIs made every index 2–3× bigger and a build's indexing 2× slower. The SQL twins put the namespace
# back (AGENCY_NS, PLACE_NS, TOPIC_NS) and the callers' IRIs are cut to keys (``key_of``).
AGENCY_NS = ID + "agency/"
PLACE_NS = ID + "place/"
TOPIC_NS = ID + "topic/"


@lru_cache(maxsize=_NAMES)
def _agency(name: str) -> str:
    return agency_iri(name)[len(AGENCY_NS):]


@lru_cache(maxsize=_NAMES)
def _place(name: str) -> str:
    return place_iri(name)[len(PLACE_NS):]


def key_of(iri: str) -> str:
    """The table key of an agency, place or topic IRI (its last segment)."""
    return iri.rsplit("/", 1)[-1]


def _decimal(value: float | int) -> float:
    """The value as the graph states it: kg.triples.nt_decimal writes at most six decimals."""
    from kg.triples import nt_decimal

    text = nt_decimal(value)
    return float(text[1:text.index('"', 1)])


def number_text(value: float | None) -> str:
    """A target's or an outcome's value as the CLI writes it: 100, 5.1 ("" for none)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def target_text(comparator: str | None, value: float | None, unit: str | None, deadline: str | None) -> str:
    """How a target reads in one cell: ">= 100 %, by 2015" (its value as the graph states it, _decimal)."""
    text = " ".join(p for p in [comparator or "", number_text(value), unit or ""] if p)
    if deadline:
        text = f"{text}, by {deadline}" if text else f"by {deadline}"
    return text


def _topic(slug: str) -> str:
    from ontology.ns import topic_iri

    return topic_iri(slug)[len(TOPIC_NS):]


def document_rows(doc: Document) -> dict[str, list[tuple]]:
    """The rows of one document, table by table (see DOCUMENT_TABLES), with the values its triples state."""
    from kg.triples import COLLECTIVE_PREFIX, first_year, jurisdiction_short_forms

    d = doc.id
    place = _place(doc.jurisdiction) if doc.jurisdiction is not None else None
    out: dict[str, list[tuple]] = {name: [] for name in DOCUMENT_TABLES}
    out["documents"].append((d, doc_iri(d), doc.source, doc.title, doc.kind, doc.doc_number, doc.date, doc.issuer,
                             first_year(doc.date), place))
    # pa:loaderWarning is a set of literals: a warning repeated is stated once
    warnings = list(dict.fromkeys(doc.warnings))
    out["doc_warnings"] += [(d, n, w) for n, w in enumerate(warnings, start=1)]
    if place is not None:
        assert doc.jurisdiction is not None
        out["place_facts"].append((d, place, doc.jurisdiction, None))
        out["place_facts"] += [(d, place, doc.jurisdiction, short)
                               for short in jurisdiction_short_forms(doc.jurisdiction)]
    facts: dict[tuple, None] = {}

    def agency_fact(name: str, as_written: str | None, category: str | None) -> str:
        iri = _agency(name)
        collective = int((as_written or name).startswith(COLLECTIVE_PREFIX))
        alt = as_written if as_written and as_written != name else None
        facts[(d, iri, name, category or None, alt, collective, place)] = None
        return iri

    measures, assignments, roles = out["measures"], out["assignments"], out["roles"]
    targets, topics, about = out["targets"], out["measure_topics"], out["measure_about"]
    closure = _closure()
    for order, m in enumerate(doc.measures, start=1):
        leads: set[str] = set()
        cos: set[str] = set()
        members: set[str] = set()
        lead_iris: set[str] = set()
        edges: dict[tuple[str, str], None] = {}
        for n, a in enumerate(m.assignments, start=1):
            iri = agency_fact(a.agency, a.as_written, a.category)
            assignments.append((m.id, n, iri, a.agency, a.role, a.basis, a.as_written, a.quote, a.line))
            edges[(iri, a.role)] = None
            members.add(iri)
            if a.role == "lead":
                leads.add(a.agency)
                lead_iris.add(iri)
            elif a.role == "co":
                cos.add(a.agency)
        roles += [(m.id, iri, role) for iri, role in edges]
        m_iri, lead_names = measure_iri(m.id), "、".join(sorted(leads))
        for n, t in enumerate(m.targets, start=1):
            year = first_year(t.deadline) if t.deadline else None
            value = _decimal(t.value) if t.value is not None else None
            comparator, unit, deadline = t.comparator or None, t.unit or None, t.deadline or None
            targets.append((m.id, n, t.metric, comparator, value, unit, deadline, year, t.quote, t.line,
                            f"{m_iri}/t{n}", d, doc.source, place, order, m.key, lead_names,
                            target_text(comparator, value, unit, deadline)))
        stated = [_topic(slug) for slug in dict.fromkeys(m.topics)]
        topics += [(m.id, topic) for topic in stated]
        above = sorted({up for topic in stated for up in closure.get(topic, (topic,))})
        about += [(m.id, topic) for topic in above]
        measures.append((m.id, m_iri, d, order, m.key, m.heading, m.text, m.line, lead_names,
                         "、".join(sorted(cos)), " ".join(sorted(members)), " ".join(above), len(m.assignments),
                         len(lead_iris), len(m.targets)))
    for n, o in enumerate(doc.reports, start=1):
        iri = agency_fact(o.agency, o.as_written, o.category) if o.agency else None
        year = first_year(o.period) or first_year(doc.date)
        out["outcomes"].append((d, n, iri, o.agency or None, o.as_written or None, o.metric, _decimal(o.value),
                                o.unit or None, o.period or None, year, o.quote, o.line))
        stated = [_topic(slug) for slug in dict.fromkeys(o.topics)]
        out["outcome_topics"] += [(d, n, topic) for topic in stated]
        out["outcome_about"] += [(d, n, topic) for topic in
                                 sorted({up for topic in stated for up in closure.get(topic, (topic,))})]
    out["agency_facts"] = list(facts)
    return out


def doc_rows_contributions(rows: dict[str, list]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """What one document adds to the collection's counts, in its place (its key, "" for none), as keys each listed
    once per measure it counts: (agency, place, role), with (agency, place, "") for a measure in any role; (agency
    A, agency B, place) with A < B for a measure both take part in; and (topic, place, agency, role) for a measure
    about the topic (or a narrower one). Lists rather than Counters: ``Counter.update`` counts a list in C, where
    adding one Counter to another is a Python loop (at 100k measures 1.9 s instead of 4 s for all three)."""
    place = rows["documents"][0][-1] or ""
    roles = rows["roles"]
    counts = [(agency, place, role) for _, agency, role in roles]
    roles_of: dict[str, list[tuple[str, str]]] = {}
    for mid, agency, role in roles:
        roles_of.setdefault(mid, []).append((agency, role))
    topics = [(topic, place, agency, role) for mid, topic in rows["measure_about"]
              for agency, role in roles_of.get(mid, ())]
    pairs: list[tuple] = []
    for measure_roles in roles_of.values():
        ordered = sorted({agency for agency, _ in measure_roles})
        counts += [(agency, place, "") for agency in ordered]
        pairs += [(a, b, place) for i, a in enumerate(ordered) for b in ordered[i + 1:]]
    return counts, pairs, topics


@cache
def _scheme() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """The topic scheme as (topics, labels, closure) rows: every pa:Topic with its notation and zh/en labels; its
    labels (prefLabel, altLabel, notation); and for each topic every topic it is under (skos:broader*, itself
    included)."""
    from pyoxigraph import Literal, RdfFormat, parse

    from ontology import topics_path
    from ontology.ns import PA, RDF, SKOS

    kinds: set[str] = set()
    notation: dict[str, str] = {}
    pref: dict[tuple[str, str], str] = {}
    labels: dict[tuple[str, str], None] = {}
    broader: dict[str, set[str]] = {}
    for t in parse(path=topics_path(), format=RdfFormat.TURTLE):
        s, p, o = t.subject.value, t.predicate.value, t.object
        if p == RDF + "type" and o.value == PA + "Topic":
            kinds.add(s)
        elif p == SKOS + "notation":
            notation.setdefault(s, o.value)
            labels[(s, o.value)] = None
        elif p == SKOS + "prefLabel" and isinstance(o, Literal):
            pref.setdefault((s, o.language or ""), o.value)
            labels[(s, o.value)] = None
        elif p == SKOS + "altLabel":
            labels[(s, o.value)] = None
        elif p == SKOS + "broader":
            broader.setdefault(s, set()).add(o.value)

    def key(iri: str) -> str:
        return iri[len(TOPIC_NS):] if iri.startswith(TOPIC_NS) else iri

    topics = [(key(s), notation[s], pref.get((s, "zh")), pref.get((s, "en"))) for s in sorted(kinds) if s in notation]
    closure: list[tuple] = []
    for s in sorted({s for s, _ in pref} | set(notation) | set(broader)):
        seen, todo = {s}, [s]
        while todo:
            for up in broader.get(todo.pop(), ()):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        closure += [(key(s), key(up)) for up in sorted(seen)]
    return topics, [(key(s), label) for s, label in labels if s in kinds], closure


@cache
def _closure() -> dict[str, tuple[str, ...]]:
    """Topic key → the keys of itself and every topic above it in the scheme (skos:broader*)."""
    found: dict[str, list[str]] = {}
    for topic, ancestor in _scheme()[2]:
        found.setdefault(topic, []).append(ancestor)
    return {topic: tuple(ancestors) for topic, ancestors in found.items()}


class TableWriter:
    """Writes one generation's tables: a new file, or (``base``) a copy of the live generation's; then ``remove``
    and ``add`` documents, then ``finish``. Nothing is visible until the build commits the generation (the file
    lives inside the new generation's directory).

    A copy re-derives only what its documents touch: the about-topic rows of their measures and outcomes, and the
    merged names, places, counts and pairs of the agencies and places they state (a one-file rebuild at 100k
    measures re-derived everything in 0.8 s)."""

    def __init__(self, path: Path, base: Path | None = None) -> None:
        self.path = path
        self.fresh = base is None
        if base is not None:
            _copy_file(base, path)
        # The rows come from the feed, which a bulk loader's thread may run (kg.store._Feed holds a lock).
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        # A generation that fails is thrown away whole, so the writer needs no journal and no syncs until the end.
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-200000"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.execute("BEGIN")
        if self.fresh:
            _script(self.db, _SCHEMA)
            self.db.execute("INSERT INTO info VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        self.counts: Counter = Counter()
        self.pairs: Counter = Counter()
        self.topics: Counter = Counter()
        # what an incremental finish re-derives: the agencies and places touched
        self._agencies: set[str] = set()
        self._places: set[str] = set()
        self._inserts = {name: f"INSERT INTO {name} VALUES ({', '.join('?' * len(cols))})"
                         for name, cols in DOCUMENT_TABLES.items()}

    def add(self, rows: dict[str, list]) -> None:
        """Insert one document's rows (as ``document_rows`` gives them, or read back from JSON)."""
        execute = self.db.executemany
        for name, insert in self._inserts.items():
            values = rows.get(name)
            if values:
                execute(insert, values)
        self._count(rows, +1)

    def remove(self, rows: dict[str, list]) -> None:
        """Take one document out (its rows as they were added)."""
        (doc,) = {row[0] for row in rows["documents"]}
        mids = [(row[0],) for row in rows["measures"]]
        for name in _BY_MEASURE:
            self.db.executemany(f"DELETE FROM {name} WHERE mid = ?", mids)
        for name in DOCUMENT_TABLES:
            if name not in _BY_MEASURE:
                self.db.execute(f"DELETE FROM {name} WHERE doc = ?", (doc,))
        self._count(rows, -1)

    def _count(self, rows: dict[str, list], sign: int) -> None:
        counts, pairs, topics = doc_rows_contributions(rows)
        (self.counts.update if sign > 0 else self.counts.subtract)(counts)
        (self.pairs.update if sign > 0 else self.pairs.subtract)(pairs)
        (self.topics.update if sign > 0 else self.topics.subtract)(topics)
        self._agencies.update(row[1] for row in rows["agency_facts"])
        self._places.update(row[1] for row in rows["place_facts"])

    def finish(self) -> None:
        """Derive the merged and counted tables, index, and close. The database is complete once this returns."""
        db = self.db
        if self.fresh:
            topics, labels, closure = _scheme()
            db.executemany("INSERT INTO topics VALUES (?, ?, ?, ?)", topics)
            db.executemany("INSERT INTO topic_labels VALUES (?, ?)", labels)
            db.executemany("INSERT INTO topic_closure VALUES (?, ?)", closure)
        # The rows to derive again, in temporary tables the statements below join to (all of them when fresh).
        db.execute("CREATE TEMP TABLE touched_agencies(agency TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("CREATE TEMP TABLE touched_places(place TEXT PRIMARY KEY) WITHOUT ROWID")
        db.executemany("INSERT INTO touched_agencies VALUES (?)", [(a,) for a in self._agencies])
        db.executemany("INSERT INTO touched_places VALUES (?)", [(p,) for p in self._places])
        base = Counter() if self.fresh else self._base_counts()  # read before they are deleted below
        for table, key, touched in (("agency_name", "agency", "touched_agencies"),
                                    ("agency_place", "agency", "touched_agencies"),
                                    ("agency_category", "agency", "touched_agencies"),
                                    ("agency_alt", "agency", "touched_agencies"),
                                    ("agency_collective", "agency", "touched_agencies"),
                                    ("agency_counts", "agency", "touched_agencies"),
                                    ("place_name", "place", "touched_places"),
                                    ("place_alt", "place", "touched_places")):
            db.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM temp.{touched})")
        _script(db, """
            INSERT INTO agency_name SELECT agency, MIN(name) FROM agency_facts
                WHERE agency IN (SELECT agency FROM temp.touched_agencies) GROUP BY agency;
            INSERT INTO agency_place SELECT DISTINCT agency, place FROM agency_facts
                WHERE place IS NOT NULL AND agency IN (SELECT agency FROM temp.touched_agencies);
            INSERT INTO agency_category SELECT DISTINCT agency, category FROM agency_facts
                WHERE category IS NOT NULL AND agency IN (SELECT agency FROM temp.touched_agencies);
            INSERT INTO agency_alt SELECT DISTINCT agency, alt FROM agency_facts
                WHERE alt IS NOT NULL AND agency IN (SELECT agency FROM temp.touched_agencies);
            INSERT INTO agency_collective SELECT DISTINCT agency FROM agency_facts
                WHERE collective AND agency IN (SELECT agency FROM temp.touched_agencies);
            INSERT INTO place_name SELECT place, MIN(name) FROM place_facts
                WHERE place IN (SELECT place FROM temp.touched_places) GROUP BY place;
            INSERT INTO place_alt SELECT DISTINCT place, alt FROM place_facts
                WHERE alt IS NOT NULL AND place IN (SELECT place FROM temp.touched_places);
        """)
        self._write_counts(base)
        _script(db, _INDEXES)  # a copy has them already
        if self.fresh:  # the planner's statistics; a copy keeps its base's, which a few documents barely move
            db.execute("PRAGMA analysis_limit=1000")  # sampled: 3 ms instead of 0.25 s at 100k measures
            db.execute("ANALYZE")
        db.execute("COMMIT")
        db.close()

    _SLOTS = ("lead", "co", "guide", "implement", "")  # agency_counts' columns after the agency and place

    def _base_counts(self) -> Counter:
        """The copied counts of the agencies this build touches, (agency, place, role) → measures."""
        base: Counter = Counter()
        query = ("SELECT agency, place, lead, co, guide, implement, measures FROM agency_counts "
                 "WHERE agency IN (SELECT agency FROM temp.touched_agencies)")
        for agency, place, *values in self.db.execute(query):
            for role, value in zip(self._SLOTS, values, strict=True):
                base[(agency, place, role)] = value
        return base

    def _write_counts(self, base: Counter) -> None:
        """agency_counts, pairs and topic_agency_counts: a fresh file gets every sum; a copy adds the changes to its
        base's sums (the touched agencies' counts, ``base``, were taken out and are written again)."""
        db = self.db
        slot = {role: i for i, role in enumerate(self._SLOTS)}
        base.update(self.counts)
        by_agency: dict[tuple[str, str], list[int]] = {}
        for (agency, place, role), value in base.items():
            if value > 0:
                by_agency.setdefault((agency, place), [0, 0, 0, 0, 0])[slot[role]] = value
        db.executemany("INSERT INTO agency_counts VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(*key, *values) for key, values in by_agency.items()])
        self._write_sums("pairs", ("a", "b", "place"), "shared", self.pairs)
        self._write_sums("topic_agency_counts", ("topic", "place", "agency", "role"), "measures", self.topics)

    def _write_sums(self, table: str, keys: tuple[str, ...], column: str, sums: Counter) -> None:
        """A table of sums over documents, keyed by ``keys``: a fresh file gets every positive sum; a copy adds
        each change to the sum it has, and drops the sums that reached zero."""
        insert = f"INSERT INTO {table} VALUES ({', '.join('?' * (len(keys) + 1))})"
        if self.fresh:
            self.db.executemany(insert, [(*key, n) for key, n in sums.items() if n > 0])
            return
        self.db.executemany(f"{insert} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {column} = {column} + "
                            f"excluded.{column}", [(*key, delta) for key, delta in sums.items() if delta])
        self.db.execute(f"DELETE FROM {table} WHERE {column} <= 0")

    def abort(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run the statements of ``sql`` one by one inside the open transaction (``executescript`` would commit it
    first). Statements end with ";" at the end of a line; "--" lines are comments."""
    text = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    for statement in re.split(r";[ \t]*\n", text + "\n"):
        if statement.strip():
            db.execute(statement)


def _copy_file(source: Path, target: Path) -> None:
    # The live generation's file never changes once committed; a plain copy is its snapshot.
    import shutil

    shutil.copyfile(source, target)


class StaleTables(Exception):
    """The tables were written with another SCHEMA_VERSION (``schema``: the one they record)."""

    def __init__(self, schema: str) -> None:
        super().__init__(f"tables of schema {schema}, this version reads {SCHEMA_VERSION}")
        self.schema = schema


class Answer(Sequence):
    """A question's rows kept as the tuples SQLite gives, with their column names: a row becomes a dict only
    when it is asked for (each time: changing it changes nothing here), and ``column`` reads one column straight
    from the tuples. kg targets and kg track print 15-22k rows at 100k measures column by column
    (kg.output.format_table); making a dict of every row first was a third of the query's time."""

    __slots__ = ("_columns", "names", "tuples")

    def __init__(self, names: tuple[str, ...], tuples: list[tuple]) -> None:
        self.names = names
        self.tuples = tuples
        self._columns: list[tuple] | None = None  # the tuples turned into columns, when a column is first read

    def __len__(self) -> int:
        return len(self.tuples)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return Answer(self.names, self.tuples[index])
        return dict(zip(self.names, self.tuples[index], strict=True))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(dict, map(zip, repeat(self.names), self.tuples))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to a list of the same rows, which has no hash either

    def __repr__(self) -> str:
        return f"Answer({len(self.tuples)} rows of {', '.join(self.names)})"

    def column(self, name: str) -> Sequence[Any]:
        """Every row's value of one column (None in each row for a column the answer does not have, as
        ``row.get`` would give). The first call turns all the tuples into columns in one pass (a table reads
        every column: at 22k rows that is half the time of a pass per column)."""
        if name not in self.names:
            return [None] * len(self.tuples)
        if self._columns is None:
            self._columns = list(zip(*self.tuples, strict=True)) or [()] * len(self.names)
        return self._columns[self.names.index(name)]


class Tables:
    """A read-only connection to one generation's tables (StaleTables if another schema version wrote them).
    A file that is not the tables a build wrote (emptied, cut short, overwritten) raises StoreDamaged, naming it,
    wherever SQLite notices: when opened or when a question reads the damaged part."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._damage_reported():
            # immutable=1: the file never changes once its generation is live, so SQLite need not lock or check it
            # (and a store on read-only media still opens).
            self.db = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro&immutable=1", uri=True,
                                      check_same_thread=False)
            # read pages straight from the OS page cache instead of copying each into SQLite's own (a big answer
            # visits tens of thousands of pages: 22k targets at 100k measures 0.19 -> 0.16 s); SQLite caps the
            # size at its compile-time maximum
            self.db.execute("PRAGMA mmap_size = 1099511627776")
            found = self.db.execute("SELECT value FROM info WHERE key = 'schema'").fetchone()
        if found is None or found[0] != str(SCHEMA_VERSION):
            self.db.close()
            raise StaleTables(found[0] if found else "unknown")

    @contextlib.contextmanager
    def _damage_reported(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            from kg.store_files import StoreDamaged, note_damage

            generation = self.path.parent
            note_damage(generation.parent, f"{generation.name}/{self.path.name}")
            raise StoreDamaged(f"{self.path} is damaged ({exc}): run `kg build` on the same documents to repair "
                               "it") from None

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._damage_reported():
            cursor = self.db.execute(sql, params or {})
            names = [d[0] for d in cursor.description]
            # every row has one value per name; zip's strict check would be a quarter of this line's time
            return [dict(zip(names, row, strict=False)) for row in cursor]

    def answer(self, sql: str, params: dict[str, Any] | None = None) -> Answer:
        """The rows as SQLite gives them, tuples with their column names (see Answer)."""
        with self._damage_reported():
            cursor = self.db.execute(sql, params or {})
            return Answer(tuple(d[0] for d in cursor.description), cursor.fetchall())

    # The documents a part of the graph lives in (ids), for kg view of one place, agency or topic: it projects
    # those documents' graphs instead of the whole union.

    def documents_in(self, place: str) -> set[str]:
        """The documents of one place (IRI)."""
        return self._docs("SELECT doc FROM documents WHERE place = ?", [key_of(place)])

    def documents_naming(self, agencies: Iterable[str]) -> set[str]:
        """The documents that name any of these agencies (IRIs): every edge of an agency is in one of them."""
        keys = [key_of(a) for a in agencies]
        return self._docs(f"SELECT doc FROM agency_facts WHERE agency IN ({', '.join('?' * len(keys))})", keys)

    def documents_about(self, topics: Iterable[str]) -> set[str]:
        """The documents with a measure or an outcome on any of these topics (IRIs) or a narrower one."""
        keys = [key_of(t) for t in topics]
        marks = ", ".join("?" * len(keys))
        return self._docs(f"SELECT m.doc FROM measure_about a JOIN measures m ON m.mid = a.mid WHERE a.topic IN "
                          f"({marks}) UNION SELECT doc FROM outcome_about WHERE topic IN ({marks})", keys + keys)

    def _docs(self, sql: str, params: list[str]) -> set[str]:
        if not params:
            return set()
        with self._damage_reported():
            return {doc for (doc,) in self.db.execute(sql, params)}

    def close(self) -> None:
        self.db.close()


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(os.fspath(path.resolve()))
