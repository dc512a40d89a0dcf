"""The on-disk store: builds switch atomically, readers never see half a build, queries answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kg_fixtures import hohhot_plan, liaocheng_plan
from pyoxigraph import RdfFormat

from kg.store import IRI, StoreBusy, StoreError, StoreMissing, build_store, open_store
from kg.triples import document_ntriples
from loaders.model import Document
from ontology.ns import TOPIC_SCHEME_GRAPH, agency_iri, doc_graph_iri

LED_BY = """
SELECT ?agency ?id ?key ?heading ?line
WHERE {
  ?agency pa:leads ?m .
  ?m pa:measureId ?id ; pa:key ?key ; pa:line ?line .
  OPTIONAL { ?m pa:heading ?heading }
}
ORDER BY ?id
"""

NT, TTL = RdfFormat.N_TRIPLES, RdfFormat.TURTLE
COUNT_MEASURES = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a pa:Measure }"


def led_by(store_path: Path, canonical: str) -> list[str]:
    with open_store(store_path) as store:
        rows = store.select(LED_BY, {"agency": IRI(agency_iri(canonical))})
    return [row["id"] for row in rows]


def generations(store_path: Path) -> set[str]:
    return {p.name for p in store_path.iterdir() if p.name.startswith("gen-")}


def test_measures_led_by_an_agency_are_found(tmp_path: Path) -> None:
    build_store(tmp_path, [hohhot_plan(), liaocheng_plan()])
    with open_store(tmp_path) as store:
        rows = store.select(LED_BY, {"agency": IRI(agency_iri("呼和浩特市公安局"))})
    assert rows == [
        {
            "agency": agency_iri("呼和浩特市公安局"),
            "id": "a1b2c3d4e5f6-001",
            "key": "一（一）",
            "heading": "加强社会治安防控体系建设",
            "line": 12,
        },
        {
            "agency": agency_iri("呼和浩特市公安局"),
            "id": "a1b2c3d4e5f6-002",
            "key": "一（二）",
            "heading": None,
            "line": 20,
        },
    ]
    # The same written name 市公安局 in the 聊城 plan is another agency.
    assert led_by(tmp_path, "聊城市公安局") == ["0f0e0d0c0b0a-001"]


def test_string_and_integer_bindings(tmp_path: Path) -> None:
    build_store(tmp_path, [hohhot_plan()])
    with open_store(tmp_path) as store:
        by_name = store.select(
            "SELECT ?name ?id WHERE { ?a skos:altLabel ?name ; pa:leads ?m . ?m pa:measureId ?id } ORDER BY ?id",
            {"name": "市公安局"},
        )
        by_line = store.select("SELECT ?line ?id WHERE { ?m pa:line ?line ; pa:measureId ?id }", {"line": 20})
    assert [r["id"] for r in by_name] == ["a1b2c3d4e5f6-001", "a1b2c3d4e5f6-002"]
    assert by_line == [{"line": 20, "id": "a1b2c3d4e5f6-002"}]


def test_a_bound_variable_must_be_projected(tmp_path: Path) -> None:
    build_store(tmp_path, [hohhot_plan()])
    with open_store(tmp_path) as store, pytest.raises(ValueError, match="SELECT clause"):
        store.select("SELECT ?m WHERE { ?a pa:leads ?m }", {"a": IRI(agency_iri("呼和浩特市公安局"))})


def test_quote_survives_the_store(tmp_path: Path) -> None:
    from kg_fixtures import TRICKY_QUOTE

    build_store(tmp_path, [hohhot_plan()])
    with open_store(tmp_path) as store:
        rows = store.select("SELECT DISTINCT ?q WHERE { ?e a oa:TextQuoteSelector ; oa:exact ?q ; pa:line 14 }")
    assert rows == [{"q": TRICKY_QUOTE}]


def scheme_triples() -> int:
    import rdflib

    from ontology import topics_path

    return len(rdflib.Graph().parse(topics_path(), format="turtle"))


def test_each_document_has_its_own_named_graph(tmp_path: Path) -> None:
    build_store(tmp_path, [hohhot_plan(), liaocheng_plan()])
    with open_store(tmp_path) as store:
        graphs = {graph: data.count(b"\n") for graph, data in store.document_graphs()}
        dataset = store.to_rdflib()
        union = store.union_graph()
        in_database = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    expected = {doc_graph_iri(d.id): document_ntriples(d).count("\n") for d in (hohhot_plan(), liaocheng_plan())}
    assert graphs == expected
    # the export adds the topic scheme in a graph of its own
    by_graph = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    assert by_graph.pop(TOPIC_SCHEME_GRAPH) == scheme_triples()
    assert by_graph == expected
    # Role individuals appear in both documents; the union holds them once. The database holds only the union.
    assert len(union) - scheme_triples() < sum(expected.values())
    assert in_database == [{"n": 0}]


def test_the_union_is_the_merge_of_the_document_graphs(tmp_path: Path) -> None:
    docs = [hohhot_plan(), liaocheng_plan(), hohhot_plan("b1b2b3b4b5b6")]
    build_store(tmp_path, docs)
    with open_store(tmp_path) as store:
        stored = {(q.subject, q.predicate, q.object) for q in store.triples()}
        graphs = [data for _, data in store.document_graphs()]
    import pyoxigraph

    from ontology import topics_path

    merged = {(t.subject, t.predicate, t.object) for data in graphs for t in pyoxigraph.parse(data, format=NT)}
    scheme = {(t.subject, t.predicate, t.object) for t in pyoxigraph.parse(path=topics_path(), format=TTL)}
    assert stored == merged | scheme


def test_exports_say_plainly_when_a_generation_lost_its_document_graphs(tmp_path: Path) -> None:
    import queries

    build_store(tmp_path, [hohhot_plan()], sparql=True)
    for entry in (tmp_path / "cache").glob("*.nt"):
        entry.unlink()
    with open_store(tmp_path) as store:
        assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?m a pa:Measure }") == [{"n": 2}]  # queries still run
        assert queries.measure(store, "a1b2c3d4e5f6-002")["key"] == "一（二）"  # and the tables too
        with pytest.raises(StoreError, match="samples/呼和浩特 plan.txt are gone from .*run `kg build` again"):
            store.dump_nquads()


def test_a_sparql_index_that_cannot_be_made_is_a_plain_error(tmp_path: Path) -> None:
    import queries

    build_store(tmp_path, [hohhot_plan()])  # no SPARQL index: the first SPARQL question makes it from cache/
    for entry in (tmp_path / "cache").glob("*.nt"):
        entry.unlink()
    with open_store(tmp_path) as store:
        assert queries.measure(store, "a1b2c3d4e5f6-002")["key"] == "一（二）"  # the tables still answer
        with pytest.raises(StoreError, match="samples/呼和浩特 plan.txt are gone from .*run `kg build` again"):
            store.select("SELECT ?m WHERE { ?m a pa:Measure }")
    assert not any(p.name.startswith(".sparql-") for p in (tmp_path / open_store(tmp_path).generation).iterdir())


def test_meta_records_documents_triples_and_errors(tmp_path: Path) -> None:
    summary = build_store(tmp_path, [hohhot_plan(), liaocheng_plan()], errors=["bad.pdf: not a PDF"])
    with open_store(tmp_path) as store:
        meta = store.meta
    on_disk = json.loads((tmp_path / summary.generation / "meta.json").read_text(encoding="utf-8"))
    assert meta == on_disk
    assert [d["id"] for d in meta["documents"]] == ["a1b2c3d4e5f6", "0f0e0d0c0b0a"]
    assert meta["documents"][0] == {
        "id": "a1b2c3d4e5f6",
        "source": "samples/呼和浩特 plan.txt",
        "title": "呼和浩特市平安建设实施方案",
        "kind": "plan",
        "measures": 2,
    }
    docs = (hohhot_plan(), liaocheng_plan())
    assert meta["quads"] == summary.quads == sum(document_ntriples(d).count("\n") for d in docs)
    distinct = set().union(*(document_ntriples(d).splitlines() for d in docs))
    # the store also carries the topic scheme (ontology/topics.ttl), once
    assert meta["triples"] == summary.triples == len(distinct) + scheme_triples()
    assert len(distinct) < summary.quads
    assert meta["errors"] == ["bad.pdf: not a PDF"]
    assert meta["version"] and meta["built_at"].endswith("+00:00")


def test_a_triple_in_two_document_graphs_counts_once(tmp_path: Path) -> None:
    # Both plans name 呼和浩特市公安局, so its label and place are in both document graphs;
    # counts over the union must not double (pyoxigraph 0.5's union graph is a bag).
    build_store(tmp_path, [hohhot_plan(), hohhot_plan("b1b2b3b4b5b6")])
    with open_store(tmp_path) as store:
        rows = store.select(
            "SELECT ?name (COUNT(?m) AS ?led) WHERE { ?a skos:prefLabel ?name ; pa:leads ?m } GROUP BY ?name",
            {"name": "呼和浩特市公安局"},
        )
        per_graph = [data for _, data in store.document_graphs() if "呼和浩特市公安局".encode() in data]
    assert rows == [{"name": "呼和浩特市公安局", "led": 4}]
    assert len(per_graph) == 2


def test_one_bad_document_is_reported_and_the_rest_are_built(tmp_path: Path) -> None:
    bad = liaocheng_plan()
    bad.measures[0].assignments[0].role = "boss"
    summary = build_store(tmp_path, [bad, hohhot_plan(), hohhot_plan()])
    assert summary.documents == 1
    assert len(summary.errors) == 2
    assert "samples/liaocheng.txt: cannot convert to RDF" in summary.errors[0]
    assert "same content as a document already built" in summary.errors[1]
    assert led_by(tmp_path, "呼和浩特市公安局") == ["a1b2c3d4e5f6-001", "a1b2c3d4e5f6-002"]


def test_rebuild_switches_atomically_under_an_open_reader(tmp_path: Path) -> None:
    build_store(tmp_path, [hohhot_plan()])
    with open_store(tmp_path) as old_reader:
        build_store(tmp_path, [liaocheng_plan()])
        # The reader opened before the build still answers from its generation ...
        old_rows = old_reader.select(LED_BY, {"agency": IRI(agency_iri("呼和浩特市公安局"))})
        assert [r["id"] for r in old_rows] == ["a1b2c3d4e5f6-001", "a1b2c3d4e5f6-002"]
    # ... and a reader opened after it sees only the new one.
    assert led_by(tmp_path, "呼和浩特市公安局") == []
    assert led_by(tmp_path, "聊城市公安局") == ["0f0e0d0c0b0a-001"]


def test_previous_generation_is_kept_and_older_ones_removed(tmp_path: Path) -> None:
    first = build_store(tmp_path, [hohhot_plan()]).generation
    second = build_store(tmp_path, [hohhot_plan()]).generation
    assert generations(tmp_path) == {first, second}
    third = build_store(tmp_path, [liaocheng_plan()]).generation
    assert generations(tmp_path) == {second, third}
    assert (tmp_path / "CURRENT").read_text(encoding="utf-8") == third + "\n"


def test_a_second_concurrent_build_is_refused(tmp_path: Path) -> None:
    refused: list[str] = []

    def documents() -> Iterator[Document]:
        yield hohhot_plan()
        # The first build is now writing and holds the lock.
        try:
            build_store(tmp_path, [liaocheng_plan()])
        except StoreBusy as exc:
            refused.append(str(exc))

    build_store(tmp_path, documents())
    assert refused == [f"another build is writing {tmp_path}; wait for it to finish"]
    assert led_by(tmp_path, "呼和浩特市公安局") == ["a1b2c3d4e5f6-001", "a1b2c3d4e5f6-002"]


def test_a_build_from_another_process_is_refused(tmp_path: Path) -> None:
    import fcntl

    tmp_path.mkdir(exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'a'); "
            "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()",
            str(tmp_path / ".lock"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(StoreBusy, match="another build is writing"):
            build_store(tmp_path, [hohhot_plan()])
    finally:
        holder.communicate("")  # closing stdin ends the holder, which frees the lock
    assert holder.returncode == 0
    assert fcntl  # imported for the reader: the lock is an fcntl.flock
    build_store(tmp_path, [hohhot_plan()])  # free again


def test_a_killed_build_leaves_the_previous_graph(tmp_path: Path) -> None:
    live = build_store(tmp_path, [hohhot_plan()]).generation
    # What a build killed before the switch leaves: a half-written generation (its name recorded as the store's
    # own before it was made), CURRENT untouched.
    from kg.store_files import record_generation

    stray = tmp_path / "gen-20000101T000000000000Z-99999"
    record_generation(tmp_path, stray.name)
    stray.mkdir()
    (stray / "000001.sst").write_bytes(b"\0garbage")
    (tmp_path / "CURRENT.tmp").write_text("gen-20000101T000000000000Z-99999", encoding="utf-8")
    assert led_by(tmp_path, "呼和浩特市公安局") == ["a1b2c3d4e5f6-001", "a1b2c3d4e5f6-002"]
    with open_store(tmp_path) as store:
        assert store.generation == live
    # The next build cleans the leftover.
    new = build_store(tmp_path, [liaocheng_plan()]).generation
    assert generations(tmp_path) == {live, new}


def test_a_build_that_fails_midway_changes_nothing(tmp_path: Path) -> None:
    live = build_store(tmp_path, [hohhot_plan()]).generation

    def documents() -> Iterator[Document]:
        yield liaocheng_plan()
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        build_store(tmp_path, documents())
    assert (tmp_path / "CURRENT").read_text(encoding="utf-8").strip() == live
    assert generations(tmp_path) == {live}
    assert led_by(tmp_path, "聊城市公安局") == []
    assert led_by(tmp_path, "呼和浩特市公安局") == ["a1b2c3d4e5f6-001", "a1b2c3d4e5f6-002"]


def test_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(StoreMissing, match=r"^no graph at .*: run `kg build PATH` first$"):
        open_store(tmp_path)
    with pytest.raises(StoreMissing):
        open_store(tmp_path / "nowhere")


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="not a store folder"):
        build_store(tmp_path / "file", [hohhot_plan()])


def test_closed_store_refuses_queries(tmp_path: Path) -> None:
    build_store(tmp_path, [hohhot_plan()])
    store = open_store(tmp_path)
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.select(COUNT_MEASURES)


def test_empty_build_is_a_valid_empty_graph(tmp_path: Path) -> None:
    build_store(tmp_path, [])
    with open_store(tmp_path) as store:
        assert store.select(COUNT_MEASURES) == [{"n": 0}]
        assert store.meta["documents"] == []


def test_importing_the_store_module_is_free() -> None:
    code = "import sys, kg.store; print(sorted(m for m in ('pyoxigraph', 'rdflib') if m in sys.modules))"
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"


def test_one_bulk_loader_or_two_give_the_same_union(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store

    docs = [hohhot_plan(), liaocheng_plan(), hohhot_plan("b1b2b3b4b5b6")]
    unions = []
    for threads in (1, 2):
        monkeypatch.setattr(kg.store, "load_threads", lambda jobs=None, n=threads: n)
        build_store(tmp_path / str(threads), docs)
        with open_store(tmp_path / str(threads)) as store:
            unions.append({(q.subject, q.predicate, q.object) for q in store.triples()})
            assert store.meta["triples"] == len(unions[-1])
    assert unions[0] == unions[1]


def test_a_reader_who_cannot_write_the_store_is_told_how_to_get_a_sparql_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import pyoxigraph

    import queries

    build_store(tmp_path, [hohhot_plan()])

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(pyoxigraph, "Store", refuse)  # what creating the index in a read-only folder meets
    with open_store(tmp_path) as store:
        assert queries.measure(store, "a1b2c3d4e5f6-001")["key"] == "一（一）"  # the questions need no index
        with pytest.raises(StoreError, match=r"cannot build the SPARQL index .*Permission denied.*kg build --sparql"):
            store.select("SELECT ?m WHERE { ?m a pa:Measure }")
    assert not [p for p in (tmp_path / open_store(tmp_path).generation).iterdir() if "sparql-" in p.name]
