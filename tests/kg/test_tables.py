"""The question tables state what the triples state: for every document, each row of kg.tables.document_rows is
checked against that document's N-Triples (parsed by pyoxigraph), and every node of the triples has its row. On
the seeds, on generated plans, and on arbitrary records (hypothesis), so the two writers cannot drift apart."""

from __future__ import annotations

import sys
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kg_fixtures import hohhot_plan, liaocheng_plan
from seedpaths import ROOT, SEEDS

import loaders
from kg.tables import AGENCY_NS, PLACE_NS, TOPIC_NS, document_rows, target_text
from kg.triples import document_ntriples
from loaders.model import Assignment, Document, Measure, Outcome, Target
from ontology.ns import DCT, OA, PA, RDF, ROLE_IRIS, SKOS

ROLE_CODES = {iri: code for code, iri in ROLE_IRIS.items()}
SHORTCUTS = {PA + "leads": "lead", PA + "coResponsibleFor": "co", PA + "guides": "guide",
             PA + "implements": "implement"}


class Graph:
    """One document's triples: subject -> predicate -> values (IRIs as str, literals as Python values)."""

    def __init__(self, doc: Document) -> None:
        from pyoxigraph import Literal, RdfFormat, parse

        from kg.store import _to_python

        self.out: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.shortcuts: set[tuple[str, str, str]] = set()
        for t in parse(document_ntriples(doc).encode("utf-8"), format=RdfFormat.N_TRIPLES):
            o = _to_python(t.object) if isinstance(t.object, Literal) else t.object.value
            s, p = t.subject.value, t.predicate.value
            self.out[s][p].append(o)
            if p in SHORTCUTS:
                self.shortcuts.add((o, s, SHORTCUTS[p]))

    def one(self, s: str, p: str) -> Any:
        values = self.out[s].get(p, [])
        assert len(values) <= 1, (s, p, values)
        return values[0] if values else None

    def all(self, s: str, p: str) -> list[Any]:
        return sorted(self.out[s].get(p, []), key=str)

    def typed(self, cls: str) -> set[str]:
        return {s for s, props in self.out.items() if cls in props.get(RDF + "type", [])}


def says(g: Graph, node: str, values: dict[str, Any]) -> None:
    """``node`` has exactly these values (predicate -> value, None for absent) in the triples."""
    assert {p: g.one(node, p) for p in values} == values, node


def cites(g: Graph, node: str, quote: str, line: int) -> None:
    says(g, g.one(node, PA + "evidence"), {OA + "exact": quote, PA + "line": line})


@cache
def broader_closure() -> dict[str, set[str]]:
    """Topic key -> itself and every topic above it, read from ontology/topics.ttl with rdflib (not kg.tables)."""
    import rdflib

    from ontology import topics_path

    scheme = rdflib.Graph().parse(topics_path(), format="turtle")
    broader = rdflib.URIRef(SKOS + "broader")
    return {str(t)[len(TOPIC_NS):]: {str(u)[len(TOPIC_NS):] for u in scheme.transitive_objects(t, broader)}
            for t in scheme.subjects(rdflib.RDF.type, rdflib.URIRef(PA + "Topic"))}


def about(stated: list[str]) -> list[str]:
    """What dct:subject/skos:broader* reaches from these topics (a topic the scheme lacks reaches itself)."""
    return sorted({up for t in stated for up in broader_closure().get(t, {t})})


def check_rows_state_the_triples(doc: Document) -> None:
    g, rows = Graph(doc), document_rows(doc)
    (d,) = rows["documents"]
    doc_node = d[1]
    assert g.one(doc_node, PA + "source") == d[2] and g.one(doc_node, DCT + "title") == d[3]
    assert g.one(doc_node, PA + "kind") == d[4] and g.one(doc_node, DCT + "identifier") == d[5]
    assert g.one(doc_node, DCT + "issued") == d[6] and g.one(doc_node, PA + "issuerName") == d[7]
    assert g.one(doc_node, PA + "year") == d[8]
    place = g.one(doc_node, PA + "jurisdiction")
    assert place == (PLACE_NS + d[9] if d[9] else None)
    assert sorted(w for _, _, w in rows["doc_warnings"]) == g.all(doc_node, PA + "loaderWarning")
    if place:
        names = {(r[2], r[3]) for r in rows["place_facts"]}
        assert {n for n, _ in names} == set(g.all(place, SKOS + "prefLabel"))
        assert {a for _, a in names if a} == set(g.all(place, SKOS + "altLabel"))

    assert {r[1] for r in rows["measures"]} == g.typed(PA + "Measure")
    for (mid, iri, _doc, order, key, heading, text, line, leads, cos, members, listed, n_a, n_leads,
         n_t) in rows["measures"]:
        assert g.one(iri, PA + "measureId") == mid and g.one(iri, PA + "inDocument") == doc_node
        assert (g.one(iri, PA + "order"), g.one(iri, PA + "key"), g.one(iri, PA + "heading")) == (order, key, heading)
        assert (g.one(iri, PA + "text"), g.one(iri, PA + "line")) == (text, line)
        edges = {(a, r) for m, a, r in g.shortcuts if m == iri}
        names = {r: sorted({g.one(a, SKOS + "prefLabel") for a, role in edges if role == r}) for r in ("lead", "co")}
        assert leads == "、".join(names["lead"]) and cos == "、".join(names["co"])
        assert members == " ".join(sorted({a[len(AGENCY_NS):] for a, _ in edges}))
        assert n_leads == len({a for a, r in edges if r == "lead"})
        assert n_a == len(g.all(iri, PA + "hasAssignment")) and n_t == len(g.all(iri, PA + "hasTarget"))
        topics = sorted(t[len(TOPIC_NS):] for t in g.all(iri, DCT + "subject"))
        assert sorted(t for m, t in rows["measure_topics"] if m == mid) == topics
        assert sorted(t for m, t in rows["measure_about"] if m == mid) == about(topics) == listed.split()
    iris = {r[0]: r[1] for r in rows["measures"]}

    assert {f"{iris[r[0]]}/a{r[1]}" for r in rows["assignments"]} == g.typed(PA + "Assignment")
    for mid, n, agency, name, role, basis, as_written, quote, line in rows["assignments"]:
        node = f"{iris[mid]}/a{n}"
        assert g.one(node, PA + "agency") == AGENCY_NS + agency
        assert g.one(AGENCY_NS + agency, SKOS + "prefLabel") == name
        assert ROLE_CODES[g.one(node, PA + "role")] == role
        says(g, node, {PA + "basis": basis, PA + "asWritten": as_written})
        cites(g, node, quote, line)
    assert {(iris[m], AGENCY_NS + a, r) for m, a, r in rows["roles"]} == {(m, a, r) for m, a, r in g.shortcuts}

    assert {f"{iris[r[0]]}/t{r[1]}" for r in rows["targets"]} == g.typed(PA + "Target")
    measure_rows = {r[0]: r for r in rows["measures"]}
    for (mid, n, metric, comparator, value, unit, deadline, year, quote, line, iri, doc_id, source, place_key,
         order, key, leads, target) in rows["targets"]:
        node = f"{iris[mid]}/t{n}"
        # what a target is listed with, copied from its measure and its document, and how it reads in a cell
        assert (iri, doc_id, source, place_key) == (node, d[0], d[2], d[9])
        assert (order, key, leads) == (measure_rows[mid][3], measure_rows[mid][4], measure_rows[mid][8])
        assert target == target_text(comparator, value, unit, deadline)
        says(g, node, {PA + "metric": metric, PA + "comparator": comparator, PA + "value": value, PA + "unit": unit,
                       PA + "deadline": deadline, PA + "deadlineYear": year})
        cites(g, node, quote, line)

    assert {f"{doc_node}/o{r[1]}" for r in rows["outcomes"]} == g.typed(PA + "Outcome")
    for _doc, n, agency, name, as_written, metric, value, unit, period, year, quote, line in rows["outcomes"]:
        node = f"{doc_node}/o{n}"
        assert g.one(node, PA + "reportedBy") == (AGENCY_NS + agency if agency else None)
        assert name == (g.one(AGENCY_NS + agency, SKOS + "prefLabel") if agency else None)
        says(g, node, {PA + "asWritten": as_written, PA + "metric": metric, PA + "value": value, PA + "unit": unit,
                       PA + "period": period, PA + "periodYear": year})
        cites(g, node, quote, line)
        topics = sorted(t[len(TOPIC_NS):] for t in g.all(node, DCT + "subject"))
        assert sorted(t for _, k, t in rows["outcome_topics"] if k == n) == topics
        assert sorted(t for _, k, t in rows["outcome_about"] if k == n) == about(topics)

    facts: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for _doc, agency, name, category, alt, collective, at in rows["agency_facts"]:
        f = facts[AGENCY_NS + agency]
        f["name"].add(name)
        f["category"] |= {category} - {None}
        f["alt"] |= {alt} - {None}
        f["collective"] |= {True} if collective else set()
        f["place"] |= {PLACE_NS + at} if at else set()
    assert set(facts) == g.typed(PA + "Agency")
    for agency, f in facts.items():
        assert f["name"] == set(g.all(agency, SKOS + "prefLabel")) and f["alt"] == set(g.all(agency, SKOS + "altLabel"))
        assert f["category"] == set(g.all(agency, PA + "category"))
        assert f["place"] == set(g.all(agency, PA + "jurisdiction"))
        assert bool(f["collective"]) == (agency in g.typed(PA + "CollectiveBody"))


def test_the_seeds_rows_state_their_triples() -> None:
    docs = [loaders.read(path) for path in sorted(SEEDS.iterdir())]
    assert sum(len(d.measures) for d in docs) == 139 and any(d.reports for d in docs)
    for doc in docs + [hohhot_plan(), liaocheng_plan()]:
        check_rows_state_the_triples(doc)


def test_generated_plans_rows_state_their_triples(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from make_corpus import write_corpus

    for path in write_corpus(tmp_path, 400, seed=5):
        check_rows_state_the_triples(loaders.read(path))


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
maybe = st.none() | text
names = st.sampled_from(["呼和浩特市公安局", "各旗县区", "市司法局", "聊城市公安局", "团市委", "A\"b\\c",
                         "各县(市区)党委"])
years = st.sampled_from([None, "", "2015年", "到2020年底", "2014-2015", "1999", "20200"])
assignments = st.builds(Assignment, agency=names, as_written=names | text, role=st.sampled_from(list(ROLE_IRIS)),
                        basis=st.sampled_from(["explicit", "first-listed", "inline"]), quote=text,
                        line=st.integers(1, 99), category=st.none() | st.sampled_from(["公安", "", "群团"]))
targets = st.builds(Target, metric=text, comparator=st.none() | st.sampled_from(["", ">=", "="]),
                    value=st.none() | st.floats(-1e6, 1e6, allow_nan=False) | st.integers(0, 100),
                    unit=st.none() | st.sampled_from(["", "%", "次"]), deadline=years, quote=text,
                    line=st.integers(1, 99))
topics = st.lists(st.sampled_from(["drug-control", "telecom-fraud", "campus-safety", "not-in-the-scheme"]),
                  max_size=3)
measures = st.builds(Measure, id=st.just(""), key=text, heading=maybe, text=text, line=st.integers(1, 99),
                     assignments=st.lists(assignments, max_size=5), targets=st.lists(targets, max_size=3),
                     topics=topics)
outcomes = st.builds(Outcome, agency=st.none() | names, metric=text, value=st.floats(-1e6, 1e6, allow_nan=False),
                     unit=st.sampled_from(["", "%", "起"]), period=years, quote=text, line=st.integers(1, 99),
                     as_written=st.none() | names | st.just(""), category=st.none() | st.just("公安"), topics=topics)
documents = st.builds(Document, id=st.just("0123456789ab"), source=text, kind=st.sampled_from(["plan", "report"]),
                      title=maybe, jurisdiction=st.none() | st.sampled_from(["呼和浩特市", "市", "内蒙古自治区"]),
                      issuer=maybe, doc_number=maybe, date=years, measures=st.lists(measures, max_size=4),
                      reports=st.lists(outcomes, max_size=3), warnings=st.lists(text, max_size=2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_arbitrary_records_rows_state_their_triples(doc: Document) -> None:
    for n, m in enumerate(doc.measures, start=1):
        m.id = f"{doc.id}-{n:03d}"
    check_rows_state_the_triples(doc)


@pytest.mark.parametrize(("parts", "text"), [
    ((">=", 100.0, "%", "2015年"), ">= 100 %, by 2015年"),
    (("<", 5.1, "%", None), "< 5.1 %"),
    ((None, 3.0, "个", "2020年底"), "3 个, by 2020年底"),
    ((None, None, None, "2018年"), "by 2018年"),
    ((None, None, None, None), ""),
])
def test_a_target_reads_in_one_cell_as_comparator_value_unit_and_deadline(parts: tuple, text: str) -> None:
    assert target_text(*parts) == text


@pytest.mark.parametrize("value", [85, 0.5, 1 / 3, 1e-9, 123456789.123456789])
def test_a_value_is_the_decimal_the_triples_write(value: float) -> None:
    doc = hohhot_plan()
    doc.measures[0].targets = [Target("率", ">=", value, "%", None, "q", 1)]
    (row,) = document_rows(doc)["targets"]
    assert row[4] == Graph(doc).one(f"{document_rows(doc)['measures'][0][1]}/t1", PA + "value")
