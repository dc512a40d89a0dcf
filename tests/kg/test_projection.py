"""The property graph every projection (networkx, pyvis, Neo4j) is made from, on the sample corpus."""

from __future__ import annotations

from pathlib import Path

from kg.projection import project, relationship_type, to_networkx
from kg.store import open_store


def test_relationship_names_follow_the_house_rule() -> None:
    assert relationship_type("https://w3id.org/pingan-kg/ns#coResponsibleFor") == "CO_RESPONSIBLE_FOR"
    assert relationship_type("https://w3id.org/pingan-kg/ns#inDocument") == "IN_DOCUMENT"
    assert relationship_type("http://purl.org/dc/terms/subject") == "SUBJECT"


def test_agencies_lead_measures_with_evidence_on_the_edge(seed_store: Path) -> None:
    with open_store(seed_store) as store:
        pg = project(store.triples())
    police = [n for n in pg.nodes_with("Agency") if n.props["prefLabel"] == "呼和浩特市公安局"]
    # the 2014 plan writes 市公安局, the 2023 report 呼市公安局: one agency, both written forms
    assert len(police) == 1 and set(police[0].props["altLabel"]) == {"市公安局", "呼市公安局"}
    leads = [e for e in pg.edges if e.type == "LEADS" and e.source == police[0].id]
    assert len(leads) == 6
    for e in leads:
        assert e.props["basis"] == "first-listed" and "市公安局" in "".join(e.props["quote"].split())
        assert e.props["line"] > 0 and e.props["sourceFile"].endswith("000_e915c20add5d7ca5.txt")
        assert "Measure" in pg.nodes[e.target].labels
    collective = [n for n in pg.nodes_with("CollectiveBody") if n.props["prefLabel"] == "呼和浩特市各旗县区"]
    assert collective and "Agency" in collective[0].labels


def test_networkx_view_answers_who_leads_what(seed_store: Path) -> None:
    with open_store(seed_store) as store:
        g = to_networkx(project(store.triples()))
    police = next(n for n, d in g.nodes(data=True) if d.get("prefLabel") == "呼和浩特市公安局")
    led = [m for _, m, k in g.out_edges(police, keys=True) if k == "LEADS"]
    assert len(led) == 6
    topics = [n for n, d in g.nodes(data=True) if "Topic" in d["labels"]]
    assert any(g.nodes[t].get("prefLabel") == "禁毒" and g.nodes[t].get("prefLabel_en") for t in topics)
