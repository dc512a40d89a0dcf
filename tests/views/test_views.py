"""The views as data (no browser): what each shows, how it is styled, and that the page is self-contained."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from synthetic import synthetic_graph

import queries
from kg import views
from kg.projection import Edge, Node, PropertyGraph
from kg.resolve import resolve_agency, resolve_place, resolve_topic
from kg.store import open_store


def _by_label(view: views.View, label: str) -> dict:
    return next(n for n in view.nodes if n["label"] == label)


def test_whole_graph_shows_agencies_measures_documents_with_positions(seed_graph: PropertyGraph) -> None:
    v = views.graph_view(seed_graph)
    kinds = {n["kind"] for n in v.nodes}
    assert {"agency", "measure", "document"} <= kinds and "topic" not in kinds  # topics only when asked
    assert len([n for n in v.nodes if n["kind"] == "measure"]) == 139
    assert len([n for n in v.nodes if n["kind"] == "document"]) == 5
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in v.nodes)
    assert len({(n["x"], n["y"]) for n in v.nodes}) > 0.95 * len(v.nodes)  # nodes are not piled up
    assert "topic" in {n["kind"] for n in views.graph_view(seed_graph, hide=()).nodes}


def test_roles_are_styled_lead_heavy_guide_dashed(seed_graph: PropertyGraph) -> None:
    v = views.graph_view(seed_graph)
    style = {e["role"]: (e["width"], e["dashes"]) for e in v.edges}
    assert style["LEADS"] == (3.0, False)
    assert style["CO_RESPONSIBLE_FOR"][0] < style["LEADS"][0] and not style["CO_RESPONSIBLE_FOR"][1]
    assert style["IMPLEMENTS"][1] is True
    assert views.EDGE_STYLES["GUIDES"][2] is True
    legend = [text for *_rest, text in v.legend_edges]
    assert "牵头 leads" in legend and "配合 co-responsible" in legend


def test_measure_tooltip_has_heading_text_agencies_roles_and_source(seed_graph: PropertyGraph) -> None:
    v = views.graph_view(seed_graph)
    measure = next(n for n in v.nodes if n["kind"] == "measure" and n["label"].startswith("二（二）"))
    lines = [text for _style, text in measure["tip"]]
    assert lines[0] == "二（二） 守好首都“护城河”"
    assert any("重大节日" in t for t in lines)
    assert any(t.startswith("牵头 lead: 呼和浩特市委维稳办") for t in lines)
    assert any(t.startswith("配合 co: 呼和浩特市公安局（市公安局）") for t in lines)
    assert any(re.search(r"000_e915c20add5d7ca5\.txt, line \d+$", t) for t in lines)


def test_lead_edges_carry_the_assignment_evidence(seed_graph: PropertyGraph) -> None:
    v = views.graph_view(seed_graph)
    police = _by_label(v, "呼和浩特市公安局")["id"]
    lead = next(e for e in v.edges if e["role"] == "LEADS" and e["from"] == police)
    text = " ".join(t for _s, t in lead["tip"])
    assert "牵头 lead" in text and "basis:" in text and "line" in text and "责任单位" in text


def test_agency_view_centres_on_the_agency_and_its_measures(seed_store: Path, seed_graph: PropertyGraph) -> None:
    with open_store(seed_store) as store:
        police = resolve_agency(store, "市公安局", resolve_place(store, "呼和浩特市"))
    v = views.agency_view(seed_graph, [police[0].iri], depth=1)
    focus = _by_label(v, "呼和浩特市公安局")
    assert focus["borderWidth"] == 5
    assert len([e for e in v.edges if e["from"] == police[0].iri and e["role"] == "LEADS"]) == 6  # README
    assert {n["kind"] for n in v.nodes} <= {"agency", "measure", "outcome"}  # one step: what it does, reports
    deeper = views.agency_view(seed_graph, [police[0].iri], depth=2)
    assert "呼和浩特市司法局" in {n["label"] for n in deeper.nodes}
    assert len(deeper.nodes) > len(v.nodes)


def test_topic_view_reaches_agencies_across_places(seed_store: Path, seed_graph: PropertyGraph) -> None:
    with open_store(seed_store) as store:
        topic = resolve_topic(store, "禁毒")
        rows = queries.topic_agencies(store, topic.iri)
    v = views.topic_view(seed_graph, topic.iri)
    shown = {n["label"] for n in v.nodes if n["kind"] == "agency"}
    assert "禁毒" in {n["label"] for n in v.nodes if n["kind"] == "topic"}
    assert "呼和浩特市公安局" in shown
    assert {r["name"] for r in rows if r.get("name")} <= shown | {None}


def test_overlap_view_weights_agree_with_the_sparql_question(seed_store: Path, seed_graph: PropertyGraph) -> None:
    with open_store(seed_store) as store:
        pairs = [r for r in queries.overlap_top(store) if not r["collective"]]
    v = views.overlap_view(seed_graph, min_shared=2)
    assert {n["kind"] for n in v.nodes} == {"agency"}
    weights = {frozenset((e["from"], e["to"])): e["value"] for e in v.edges}
    expected = {frozenset((r["agencyA"], r["agencyB"])): r["shared"] for r in pairs if r["shared"] >= 2}
    assert weights == expected
    top = max(v.edges, key=lambda e: e["value"])
    assert top["width"] == 8.0 and "shared measures" in top["tip"][1][1]


def test_layout_is_deterministic(seed_graph: PropertyGraph) -> None:
    a = [(n["id"], n["x"], n["y"]) for n in views.graph_view(seed_graph).nodes]
    b = [(n["id"], n["x"], n["y"]) for n in views.graph_view(seed_graph).nodes]
    assert a == b


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "action") and value:
                self.found.append(f"{tag} {name}={value}")
        if tag in ("link", "iframe", "object", "embed", "base"):
            self.found.append(tag)


def test_page_is_self_contained_utf8_and_inlines_vis(seed_graph: PropertyGraph, tmp_path: Path) -> None:
    path = views.write_html(views.graph_view(seed_graph), tmp_path / "g.html")
    page = path.read_bytes().decode("utf-8")  # written as UTF-8 whatever the platform encoding
    parser = _Links()
    parser.feed(page)
    assert parser.found == []  # no <link>, no src= or href= at all: nothing to fetch
    assert "bootstrap.min" not in page and "cdnjs" not in page and "jsdelivr" not in page
    assert "vis.Network" in page and "呼和浩特市公安局" in page
    assert "default-src 'none'" in page
    assert 'font-family: "Noto Sans CJK SC"' in page


def test_untrusted_text_cannot_close_the_script_element() -> None:
    evil = "</script><script>window.__pwned=1</script><img src=x onerror=alert(1)>"
    pg = PropertyGraph({"a": Node("a", ["Agency"], {"id": "a", "prefLabel": evil}),
                        "m": Node("m", ["Measure"], {"id": "m", "heading": evil, "text": evil})},
                       [Edge("a", "LEADS", "m", {"quote": evil})])
    page = views.render_html(views.graph_view(pg))
    data = page.split("JSON.parse(", 1)[1].split(");", 1)[0]
    assert "<" not in data and ">" not in data
    assert "\\u003c/script\\u003e" in data
    assert page.count("</script>") == 2  # the two scripts of the template, nothing from the data


def test_big_graphs_start_with_a_fixed_layout_and_physics_off() -> None:
    v = views.graph_view(synthetic_graph(5000))
    assert len(v.nodes) >= 5000 - 20
    page = views.render_html(v)
    assert '"physics": {"enabled": false' in page.replace("\\", "") or '"enabled": false' in page
    small = views.render_html(views.graph_view(synthetic_graph(200)))
    assert "physics on" in small and "fixed layout" in page


def test_unknown_kind_is_refused(seed_graph: PropertyGraph) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        views.graph_view(seed_graph, hide=["agencies"])
