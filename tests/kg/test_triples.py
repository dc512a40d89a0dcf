"""Document → N-Triples: the text parses, is stable, and says what the contract says."""

from __future__ import annotations

import copy
import hashlib
import re

import pyoxigraph
import pytest
import rdflib
from kg_fixtures import TRICKY_QUOTE, hohhot_plan, liaocheng_plan
from rdflib import RDF, SKOS, XSD, Literal, URIRef

from kg.triples import document_ntriples, jurisdiction_short_forms, nt_literal
from loaders.model import Document
from ontology import ontology_path
from ontology.ns import DCT, OA, PA, PROV, agency_iri, doc_iri, measure_iri, place_iri

P = rdflib.Namespace(PA)
OA_NS = rdflib.Namespace(OA)


@pytest.fixture
def plan() -> Document:
    return hohhot_plan()


def graph_of(doc: Document) -> rdflib.Graph:
    return rdflib.Graph().parse(data=document_ntriples(doc), format="nt")


def test_parses_with_rdflib_and_pyoxigraph(plan: Document) -> None:
    text = document_ntriples(plan)
    ox = list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES))
    assert len(graph_of(plan)) == len(ox) == text.count("\n")


def test_same_document_gives_byte_identical_text(plan: Document) -> None:
    assert document_ntriples(plan) == document_ntriples(plan) == document_ntriples(copy.deepcopy(plan))


def test_quote_with_line_break_quotes_and_backslash_round_trips(plan: Document) -> None:
    g = graph_of(plan)
    evidence = g.value(URIRef(measure_iri("a1b2c3d4e5f6-001") + "/a1"), P.evidence)
    assert evidence == URIRef(measure_iri("a1b2c3d4e5f6-001") + "/e1")
    assert str(g.value(evidence, OA_NS.exact)) == TRICKY_QUOTE
    ox = pyoxigraph.Store()
    ox.load(document_ntriples(plan).encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    quads = ox.quads_for_pattern(pyoxigraph.NamedNode(str(evidence)), pyoxigraph.NamedNode(OA + "exact"), None)
    assert [q.object.value for q in quads] == [TRICKY_QUOTE]


def test_every_line_is_one_triple_even_with_newlines_in_text(plan: Document) -> None:
    for line in document_ntriples(plan).splitlines():
        assert line.endswith(" .")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('a"b', r'"a\"b"'),
        ("a\\b", r'"a\\b"'),
        ("a\nb\rc\td", r'"a\nb\rc\td"'),
        ("bell\x07", r'"bell\u0007"'),
        ("del\x7f", r'"del\u007F"'),
        ("市公安局", '"市公安局"'),
    ],
)
def test_literal_escaping(text: str, written: str) -> None:
    assert nt_literal(text) == written
    parsed = next(iter(rdflib.Graph().parse(data=f"<urn:s> <urn:p> {written} .", format="nt")))[2]
    assert str(parsed) == text


def test_measure_without_heading_has_no_heading_triple(plan: Document) -> None:
    g = graph_of(plan)
    first, second = URIRef(measure_iri("a1b2c3d4e5f6-001")), URIRef(measure_iri("a1b2c3d4e5f6-002"))
    assert str(g.value(first, P.heading)) == "加强社会治安防控体系建设"
    assert g.value(second, P.heading) is None
    assert str(g.value(second, P.key)) == "一（二）"


def test_lines_and_order_are_integers(plan: Document) -> None:
    g = graph_of(plan)
    second = URIRef(measure_iri("a1b2c3d4e5f6-002"))
    assert g.value(second, P.line) == Literal(20, datatype=XSD.integer)
    assert g.value(second, P.order) == Literal(2, datatype=XSD.integer)
    evidence = g.value(URIRef(measure_iri("a1b2c3d4e5f6-001") + "/a3"), P.evidence)
    assert g.value(evidence, P.line) == Literal(15, datatype=XSD.integer)


def test_assignments_citing_the_same_words_on_the_same_line_share_one_selector(plan: Document) -> None:
    """A (责任单位：…) list naming four agencies is one quote: one selector, cited by four assignments."""
    g = graph_of(plan)
    first = measure_iri("a1b2c3d4e5f6-001")
    cited = [g.value(URIRef(f"{first}/a{n}"), P.evidence) for n in (1, 2, 3, 4)]
    # a1 and a2 quote line 14, a3 and a4 the same words on line 15: two selectors, not four.
    assert cited == [URIRef(f"{first}/e1")] * 2 + [URIRef(f"{first}/e2")] * 2
    assert [g.value(e, P.line).toPython() for e in cited[::2]] == [14, 15]
    assert len(list(g.subjects(RDF.type, OA_NS.TextQuoteSelector))) == 2 + 2  # measure 002 quotes twice
    # every selector is complete, once
    for selector in set(cited):
        assert len(list(g.objects(selector, OA_NS.exact))) == 1
        assert len(list(g.objects(selector, URIRef(PROV + "wasDerivedFrom")))) == 1


def test_data_literals_are_plain_strings_without_language(plan: Document) -> None:
    g = graph_of(plan)
    role_labels = {(s, o) for s, o in g.subject_objects(SKOS.prefLabel) if str(s).startswith(PA)}
    for s, _p, o in g:
        if isinstance(o, Literal) and (s, o) not in role_labels:
            assert o.language is None, (s, o)
            assert o.datatype in (None, XSD.string, XSD.integer), (s, o)


def test_iris_are_ascii_and_agency_iris_hash_the_canonical_name(plan: Document) -> None:
    text = document_ntriples(plan)
    for iri in re.findall(r"<([^>]*)>", text):
        assert iri.isascii(), iri
    digest = hashlib.sha1("呼和浩特市公安局".encode()).hexdigest()[:16]
    assert agency_iri("呼和浩特市公安局") == f"https://w3id.org/pingan-kg/id/agency/{digest}"
    assert f"<{agency_iri('呼和浩特市公安局')}>" in text


def test_agency_has_canonical_and_written_names_and_a_place(plan: Document) -> None:
    g = graph_of(plan)
    police = URIRef(agency_iri("呼和浩特市公安局"))
    assert (police, RDF.type, P.Agency) in g
    assert str(g.value(police, SKOS.prefLabel)) == "呼和浩特市公安局"
    assert {str(o) for o in g.objects(police, SKOS.altLabel)} == {"市公安局"}
    place = g.value(police, P.jurisdiction)
    assert place == URIRef(place_iri("呼和浩特市"))
    assert (place, RDF.type, P.Jurisdiction) in g
    assert str(g.value(place, SKOS.prefLabel)) == "呼和浩特市"
    assert {str(o) for o in g.objects(place, SKOS.altLabel)} == {"呼和浩特"}


def test_collective_bodies_are_those_written_with_ge(plan: Document) -> None:
    g = graph_of(plan)
    collective = {str(g.value(a, SKOS.prefLabel)) for a in g.subjects(RDF.type, P.CollectiveBody)}
    # 各县(市区)党委 is co-responsible, not implementing: collectivity comes from the name.
    assert collective == {"呼和浩特市各旗县区", "呼和浩特市各县(市区)党委"}


def test_shortcut_edges_follow_roles(plan: Document) -> None:
    g = graph_of(plan)

    def measures(canonical: str, edge: URIRef) -> set[str]:
        return {str(m).rsplit("/", 1)[1] for m in g.objects(URIRef(agency_iri(canonical)), edge)}

    assert measures("呼和浩特市公安局", P.leads) == {"a1b2c3d4e5f6-001", "a1b2c3d4e5f6-002"}
    assert measures("呼和浩特市司法局", P.coResponsibleFor) == {"a1b2c3d4e5f6-001"}
    assert measures("呼和浩特市委政法委", P.guides) == {"a1b2c3d4e5f6-001"}
    assert measures("呼和浩特市各旗县区", P.implements) == {"a1b2c3d4e5f6-001"}
    assert len(list(g.subjects(RDF.type, P.Assignment))) == 6


def test_assignment_carries_role_basis_and_evidence(plan: Document) -> None:
    g = graph_of(plan)
    a1 = URIRef(measure_iri("a1b2c3d4e5f6-001") + "/a1")
    assert (URIRef(measure_iri("a1b2c3d4e5f6-001")), P.hasAssignment, a1) in g
    assert g.value(a1, P.agency) == URIRef(agency_iri("呼和浩特市公安局"))
    assert g.value(a1, P.role) == P.Lead
    assert str(g.value(a1, P.basis)) == "first-listed"
    assert str(g.value(a1, P.asWritten)) == "市公安局"
    evidence = g.value(a1, P.evidence)
    assert (evidence, RDF.type, OA_NS.TextQuoteSelector) in g
    assert str(g.value(evidence, P.sourceFile)) == "samples/呼和浩特 plan.txt"
    assert g.value(evidence, URIRef(PROV + "wasDerivedFrom")) == URIRef(doc_iri("a1b2c3d4e5f6"))
    assert str(g.value(P.Lead, P.roleCode)) == "lead"


def test_document_metadata_and_missing_fields() -> None:
    g = graph_of(liaocheng_plan())
    doc = URIRef(doc_iri("0f0e0d0c0b0a"))
    assert {doc} == set(g.subjects(RDF.type, P.Plan)) == set(g.subjects(RDF.type, P.Document))
    assert str(g.value(doc, P.kind)) == "plan"
    assert str(g.value(doc, URIRef(DCT + "issued"))) == "2003年6月15日"
    assert g.value(doc, URIRef(DCT + "identifier")) is None  # no 文号
    assert g.value(doc, P.issuerName) is None
    assert str(g.value(g.value(doc, P.jurisdiction), SKOS.altLabel)) == "聊城"


def test_report_is_typed_report() -> None:
    report = Document("d0d0d0d0d0d0", "r.txt", "report", "晋中市破案", "晋中市", None, None, None)
    g = graph_of(report)
    assert (URIRef(doc_iri("d0d0d0d0d0d0")), RDF.type, P.Report) in g


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("呼和浩特市", ["呼和浩特"]),
        ("聊城市", ["聊城"]),
        ("辽宁省", ["辽宁"]),
        ("内蒙古自治区", ["内蒙古"]),
        ("新城区", ["新城"]),
        ("沙市", []),
        ("北京", []),
    ],
)
def test_jurisdiction_short_forms(name: str, short: list[str]) -> None:
    assert jurisdiction_short_forms(name) == short


def test_unknown_role_is_an_error_not_a_silent_triple(plan: Document) -> None:
    plan.measures[0].assignments[0].role = "boss"
    with pytest.raises(KeyError, match="boss"):
        document_ntriples(plan)


# ---------------------------------------------------------------- the ontology declares what we write

W3C_TERMS = {
    str(RDF.type),
    str(SKOS.prefLabel),
    str(SKOS.altLabel),
    OA + "exact",
    PROV + "wasDerivedFrom",
}


def test_ontology_parses_and_declares_every_predicate_written() -> None:
    onto = rdflib.Graph().parse(ontology_path())
    declared = {
        str(s)
        for kind in (rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty)
        for s in onto.subjects(RDF.type, kind)
    }
    docs = [hohhot_plan(), liaocheng_plan()]
    used = {str(p) for doc in docs for p in graph_of(doc).predicates()}
    undeclared = {p for p in used if p not in declared and p not in W3C_TERMS and not p.startswith(DCT)}
    assert undeclared == set()
    assert all(p.startswith(PA) for p in used - W3C_TERMS if not p.startswith(DCT))


def test_every_type_written_is_a_declared_class(plan: Document) -> None:
    onto = rdflib.Graph().parse(ontology_path())
    classes = set(onto.subjects(RDF.type, rdflib.OWL.Class))
    used = set(graph_of(plan).objects(None, RDF.type)) - {OA_NS.TextQuoteSelector}
    assert used <= classes


def test_ontology_labels_every_pa_property_in_english_and_chinese() -> None:
    onto = rdflib.Graph().parse(ontology_path())
    props = [
        s for kind in (rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty) for s in onto.subjects(RDF.type, kind)
    ]
    assert len(props) >= 30
    for prop in props:
        languages = {label.language for label in onto.objects(prop, rdflib.RDFS.label)}
        assert languages == {"en", "zh"}, prop
        assert onto.value(prop, rdflib.RDFS.comment) is not None, prop
        assert onto.value(prop, rdflib.RDFS.domain) is not None, prop
        assert onto.value(prop, rdflib.RDFS.range) is not None, prop


def test_ontology_class_hierarchy_and_roles() -> None:
    onto = rdflib.Graph().parse(ontology_path())
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    assert (P.Agency, rdflib.RDFS.subClassOf, org.Organization) in onto
    assert (P.CollectiveBody, rdflib.RDFS.subClassOf, P.Agency) in onto
    assert (P.Topic, rdflib.RDFS.subClassOf, SKOS.Concept) in onto
    zh = {
        str(onto.value(r, P.roleCode)): {str(x) for x in onto.objects(r, SKOS.prefLabel) if x.language == "zh"}
        for r in onto.subjects(RDF.type, P.Role)
    }
    assert zh == {"lead": {"牵头"}, "co": {"配合"}, "guide": {"指导"}, "implement": {"落实"}}


def test_the_writer_mints_the_iris_the_ontology_names() -> None:
    """kg.triples builds child IRIs by suffixing the parent's (fast path); they must stay the ones ontology.ns
    mints, for any id (the percent-encoding included)."""
    from ontology.ns import assignment_iri, doc_iri, evidence_iri, measure_iri, outcome_iri, target_iri

    for mid in ("a1b2c3d4e5f6-001", "文件 1-002", "x/y?z-003"):
        assert assignment_iri(mid, 3) == measure_iri(mid) + "/a3"
        assert evidence_iri(mid, 3) == measure_iri(mid) + "/e3"
        assert target_iri(mid, 2) == measure_iri(mid) + "/t2"
    for did in ("a1b2c3d4e5f6", "文件 1"):
        assert outcome_iri(did, 4) == doc_iri(did) + "/o4"
    docs = [hohhot_plan()]
    lines = "".join(document_ntriples(d) for d in docs)
    m = docs[0].measures[0]
    assert f"<{evidence_iri(m.id, 1)}>" in lines and f"<{assignment_iri(m.id, 1)}>" in lines
