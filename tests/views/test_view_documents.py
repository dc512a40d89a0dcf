"""kg view of one place, agency or topic projects only the documents it shows (the whole graph at 100k measures
took minutes; one place's view takes seconds), and says of each agency what the whole graph says. Every view
drawn that way is the view drawn from the whole graph, node for node and edge for edge, tooltips included."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from seedpaths import ROOT, SEEDS

from kg import views
from kg.build import build_from_paths
from kg.cli_views import _agency_facts, _Documents, _project
from kg.resolve import all_agencies, all_places, all_topics
from kg.store import open_store

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import write_corpus  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from test_places import BAOTOU, HOHHOT, UNPLACED  # noqa: E402


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # generated plans of many places, the seeds (plans and reports), a name two places write (公安机关) and a plan
    # that states no place
    root = tmp_path_factory.mktemp("view-docs")
    write_corpus(root / "plans", measures=250, seed=5)
    for name, text in (("hohhot.txt", HOHHOT), ("baotou.txt", BAOTOU), ("unplaced.txt", UNPLACED)):
        (root / "plans" / name).write_text(text, encoding="utf-8")
    build_from_paths([root / "plans", SEEDS], root / "store", jobs=1)
    return root / "store"


def _same(partial: views.View, whole: views.View) -> None:
    assert partial.title == whole.title
    assert partial.nodes == whole.nodes and partial.edges == whole.edges
    assert (partial.legend_nodes, partial.legend_edges, partial.notes) == (whole.legend_nodes, whole.legend_edges,
                                                                           whole.notes)


def test_a_view_from_its_documents_is_the_view_from_the_whole_graph(store_path: Path) -> None:
    with open_store(store_path) as store:
        whole = _project(store)
        facts = _agency_facts(store)
        documents = _Documents(store)
        places = [p.iri for p in all_places(store)]
        shared = next(a.iri for a in all_agencies(store) if a.name == "公安机关")
        assert len(places) > 5 and len(facts[shared].places) >= 2
        fewer = 0
        for place in places:
            part = _project(store, documents.of_place(place))
            fewer += len(part.nodes) < len(whole.nodes)
            _same(views.graph_view(part, place, ("topic",), facts), views.graph_view(whole, place, ("topic",)))
            _same(views.graph_view(part, place, (), facts), views.graph_view(whole, place, ()))
            overlap = _project(store, documents.of_place(place), views.OVERLAP_READS)
            _same(views.overlap_view(overlap, place, 1, False, facts), views.overlap_view(whole, place))
        assert fewer == len(places)  # each place's view read only some of the documents
        for topic in [t.iri for t in all_topics(store)][:6]:
            for place in [None, *places[:2]]:
                part = _project(store, documents.about(topic, place))
                _same(views.topic_view(part, topic, place, (), facts), views.topic_view(whole, topic, place))
        agencies = sorted(a.iri for a in all_agencies(store))
        for agency in [shared, *agencies[:: len(agencies) // 6]]:
            for depth in (1, 2, 3):
                part = documents.agency_view(store, [agency], depth, ())
                _same(views.agency_view(part, [agency], depth, (), facts), views.agency_view(whole, [agency], depth))
            _same(views.agency_view(documents.agency_view(store, [agency], 2, ("topic",)), [agency], 2, ("topic",),
                                    facts), views.agency_view(whole, [agency], 2, ("topic",)))


def test_the_overlap_view_reads_only_the_triples_it_needs(store_path: Path, tmp_path: Path) -> None:
    """kg view --overlap projects the triples of views.OVERLAP_READS only (at 100k measures: 54 → 25 s, 3.0 →
    0.9 GB); its page is the page drawn from every triple, with or without a SPARQL index."""
    import shutil

    from kg.store import build_sparql_index

    with open_store(store_path) as store:
        whole = _project(store)
        facts = _agency_facts(store)
        every = {(q.subject, q.predicate, q.object) for q in store.triples()}
        kept = {(q.subject, q.predicate, q.object) for q in store.triples(None, views.OVERLAP_READS)}
        assert kept == {t for t in every if t[1].value in views.OVERLAP_READS} and len(kept) < len(every) / 3
        part = _project(store, None, views.OVERLAP_READS)
        for min_shared, collective in ((1, False), (2, False), (1, True)):
            _same(views.overlap_view(part, None, min_shared, collective, facts),
                  views.overlap_view(whole, None, min_shared, collective))
    indexed = tmp_path / "store"
    shutil.copytree(store_path, indexed)
    with open_store(indexed) as store:
        generation = store.path / store.generation
    build_sparql_index(generation)
    with open_store(indexed) as store:
        assert store.has_sparql_index
        assert {(q.subject, q.predicate, q.object) for q in store.triples(None, views.OVERLAP_READS)} == kept
