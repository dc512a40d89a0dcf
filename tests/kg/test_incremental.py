"""Parallel and incremental builds: the same graph whatever the number of workers, and a rebuild that reads
only what changed yet equals a build from scratch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from seedpaths import SEEDS

import kg.build
import queries
from kg.build import build_from_paths
from kg.resolve import NotFound, resolve_agency
from kg.store import open_store

HOHHOT = "000_e915c20add5d7ca5.txt"
LIAOCHENG = "001_7701b9b31e01afc5.txt"
# A 责任单位 block of the Hohhot plan that spans two lines (the first measure, 二（一）).
BLOCK_LINE = "（责任单位：市委维稳办、市委防范办、市公安局、市民委、"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(SEEDS, folder)
    for path in folder.iterdir():
        path.chmod(0o644)  # the seeds are read-only; these copies get edited
    return folder


def graph_lines(store_path: Path) -> set[bytes]:
    """The store's document graphs as a set of N-Quads lines (no blank nodes, so equal sets are
    isomorphic graphs)."""
    with open_store(store_path) as store:
        return set(store.dump_nquads().splitlines())


def union_lines(store_path: Path) -> set[str]:
    with open_store(store_path) as store:
        return {str(q.subject) + str(q.predicate) + str(q.object) for q in store.triples()}


def table_rows(store_path: Path) -> dict[str, list[tuple]]:
    """Every row of every question table of the live generation, sorted (row order in a table means nothing)."""
    import sqlite3

    from kg.tables import FILE

    with open_store(store_path) as store:
        path = store.path / store.generation / FILE
    db = sqlite3.connect(path)
    try:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                 if not n.startswith("sqlite_")]
        return {n: sorted(db.execute(f"SELECT * FROM {n}"), key=repr) for n in names}
    finally:
        db.close()


def assert_same_store(store: Path, scratch: Path) -> None:
    """The store an incremental build left equals a build from scratch: document graphs, union, tables, counts."""
    assert graph_lines(store) == graph_lines(scratch)
    assert union_lines(store) == union_lines(scratch)
    assert table_rows(store) == table_rows(scratch)
    with open_store(store) as a, open_store(scratch) as b:
        assert a.meta["triples"] == b.meta["triples"] and a.meta["quads"] == b.meta["quads"]
        assert a.meta["documents"] == b.meta["documents"]


def fresh_build(corpus: Path, tmp_path: Path, name: str) -> Path:
    store = tmp_path / name
    build_from_paths([corpus], store, jobs=1, full=True)
    return store


def measures_of(store_path: Path, typed: str, place: str = "呼和浩特市") -> list[tuple[str, str]]:
    """(numbering key, role) of each measure the agency takes part in (ids change with the file's bytes)."""
    with open_store(store_path) as store:
        (hit,) = [h for h in resolve_agency(store, typed) if h.jurisdiction == place]
        return [(r["key"], r["role"]) for r in queries.measures_by_agency(store, hit.iri)]


def test_two_workers_build_the_same_store_as_one(corpus: Path, tmp_path: Path) -> None:
    one = build_from_paths([corpus], tmp_path / "one", jobs=1)
    two = build_from_paths([corpus], tmp_path / "two", jobs=2)
    assert graph_lines(tmp_path / "one") == graph_lines(tmp_path / "two")
    assert union_lines(tmp_path / "one") == union_lines(tmp_path / "two")
    with open_store(tmp_path / "one") as a, open_store(tmp_path / "two") as b:
        assert a.meta["documents"] == b.meta["documents"]  # same order too
    assert (one.documents, one.measures, one.triples) == (two.documents, two.measures, two.triples) == (5, 139,
                                                                                                       one.triples)


def test_an_unchanged_rebuild_reads_nothing_and_keeps_the_graph(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "s"
    first = build_from_paths([corpus], store, jobs=1)
    calls: list[Path] = []
    real = kg.build._read_one
    monkeypatch.setattr(kg.build, "_read_one", lambda path: (calls.append(path), real(path))[1])
    again = build_from_paths([corpus], store, jobs=1)
    assert again.mode == "unchanged" and again.parsed == 0 and calls == []
    assert again.generation == first.generation
    assert (again.documents, again.measures, again.triples) == (first.documents, first.measures, first.triples)
    # A touched file (new mtime, same bytes) is hashed, not parsed, and still changes nothing.
    (corpus / HOHHOT).touch()
    touched = build_from_paths([corpus], store, jobs=1)
    assert touched.mode == "unchanged" and calls == []


def test_a_changed_file_replaces_its_facts(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "s"
    build_from_paths([corpus], store, jobs=1)
    before = measures_of(store, "市民委")
    police_before = measures_of(store, "市公安局")
    path = corpus / HOHHOT
    text = path.read_text(encoding="utf-8")
    assert text.count(BLOCK_LINE) == 1
    path.write_text(text.replace(BLOCK_LINE, "（责任单位：市委维稳办、市委防范办、市公安局、"), encoding="utf-8")

    calls: list[Path] = []
    real = kg.build._read_one
    monkeypatch.setattr(kg.build, "_read_one", lambda p: (calls.append(p), real(p))[1])
    report = build_from_paths([corpus], store, jobs=1)
    assert report.mode == "incremental" and calls == [path]

    # 市民委 was named in that one block only: it is gone from the answers, not left behind
    assert len(before) == 1
    with pytest.raises(NotFound):
        measures_of(store, "市民委")
    assert measures_of(store, "市公安局") == police_before  # not doubled, not lost
    assert_same_store(store, fresh_build(corpus, tmp_path, "scratch"))


def test_a_deleted_file_takes_its_facts_along(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "s"
    build_from_paths([corpus], store, jobs=1)
    (corpus / LIAOCHENG).unlink()
    report = build_from_paths([corpus], store, jobs=1)
    assert report.mode == "incremental" and report.parsed == 0 and report.documents == 4
    with open_store(store) as s:
        assert not [a for a in resolve_agency(s, "市公安局") if a.jurisdiction == "聊城市"]
    assert_same_store(store, fresh_build(corpus, tmp_path, "scratch"))


def test_an_added_file_and_a_changed_loader_rebuild_correctly(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "s"
    (corpus / LIAOCHENG).rename(tmp_path / LIAOCHENG)
    build_from_paths([corpus], store, jobs=1)
    shutil.copy(tmp_path / LIAOCHENG, corpus / LIAOCHENG)
    added = build_from_paths([corpus], store, jobs=1)
    assert added.parsed == 1 and added.mode == "incremental"
    assert_same_store(store, fresh_build(corpus, tmp_path, "scratch"))


def test_a_store_with_a_sparql_index_keeps_it_up_to_date(corpus: Path, tmp_path: Path) -> None:
    """Built with --sparql, the store patches its index with each incremental build: after a change, a deletion
    and an addition the index holds exactly the union a build from scratch has (which comes from the cache), and
    SPARQL and the tables still agree."""
    from rdflib.compare import isomorphic

    store = tmp_path / "s"
    build_from_paths([corpus], store, jobs=1, sparql=True)
    path = corpus / HOHHOT
    path.write_text(path.read_text(encoding="utf-8").replace(BLOCK_LINE, "（责任单位：市公安局、"), encoding="utf-8")
    assert build_from_paths([corpus], store, jobs=1).mode == "incremental"
    (corpus / LIAOCHENG).rename(tmp_path / LIAOCHENG)
    assert build_from_paths([corpus], store, jobs=1).mode == "incremental"
    shutil.copy(tmp_path / LIAOCHENG, corpus / LIAOCHENG)
    assert build_from_paths([corpus], store, jobs=1).mode == "incremental"
    scratch = fresh_build(corpus, tmp_path, "scratch")
    with open_store(store) as s, open_store(scratch) as fresh:
        assert s.has_sparql_index and not fresh.has_sparql_index  # the index stays; a new store gets none
        assert isomorphic(s.union_graph(), fresh.union_graph())
        police = [h for h in resolve_agency(s, "市公安局") if h.jurisdiction == "呼和浩特市"][0]
        from_tables = queries.measures_by_agency(s, police.iri)
        s.prefer_sparql = True
        assert queries.measures_by_agency(s, police.iri) == from_tables
    assert_same_store(store, scratch)


def test_sparql_flag_adds_and_drops_the_index_without_reading_again(corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "s"
    build_from_paths([corpus], store, jobs=1)
    with open_store(store) as s:
        assert not s.has_sparql_index
    added = build_from_paths([corpus], store, jobs=1, sparql=True)
    assert added.parsed == 0 and added.mode == "incremental"
    with open_store(store) as s:
        assert s.has_sparql_index
        (count,) = s.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert count["n"] == s.meta["triples"] == added.triples
    again = build_from_paths([corpus], store, jobs=1)  # nothing changed and nothing asked: kept as it is
    assert again.mode == "unchanged"
    dropped = build_from_paths([corpus], store, jobs=1, sparql=False)
    assert dropped.parsed == 0
    with open_store(store) as s:
        assert not s.has_sparql_index


def test_a_store_of_the_older_layout_is_rebuilt_in_full_without_reading_again(corpus: Path, tmp_path: Path) -> None:
    # Layout 1 kept each document in a named graph of the database too; a generation without the layout mark
    # cannot be patched (no shared-triple counts), so the next build loads everything again from the cache.
    store = tmp_path / "s"
    build_from_paths([corpus], store, jobs=1)
    (gen,) = [p for p in store.iterdir() if p.name.startswith("gen-")]
    meta = json.loads((gen / "meta.json").read_text(encoding="utf-8"))
    del meta["layout"]
    (gen / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (corpus / LIAOCHENG).unlink()
    report = build_from_paths([corpus], store, jobs=1)
    assert report.mode == "full" and report.parsed == 0 and report.documents == 4
    assert union_lines(store) == union_lines(fresh_build(corpus, tmp_path, "scratch"))


def test_other_loader_code_invalidates_what_was_kept(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "s"
    build_from_paths([corpus], store, jobs=1)
    monkeypatch.setattr(kg.build, "code_fingerprint", lambda: "another-version")
    report = build_from_paths([corpus], store, jobs=1)
    assert report.mode == "full" and report.parsed == 5


def test_cli_says_nothing_changed(runner, corpus: Path, tmp_path: Path) -> None:
    from kg.cli import cli

    store = str(tmp_path / "s")
    first = runner.invoke(cli, ["build", str(corpus), "--store", store, "--jobs", "1"])
    assert first.exit_code == 0, first.output
    assert "built" in first.output and "5 documents, 139 measures" in first.output
    second = runner.invoke(cli, ["build", str(corpus), "--store", store, "--jobs", "1"])
    assert second.exit_code == 0 and second.stdout.startswith("nothing changed")


def test_the_benchmark_corpus_is_read_as_generated(tmp_path: Path) -> None:
    """The smoke test of benchmarks/: a small synthetic corpus, the same bytes from the same seed, every
    generated measure found, and a two-worker build of it."""
    from benchmarks.make_corpus import write_corpus

    files = write_corpus(tmp_path / "a", 150, seed=3)
    again = write_corpus(tmp_path / "b", 150, seed=3)
    assert [f.read_bytes() for f in files] == [f.read_bytes() for f in again]
    report = build_from_paths([tmp_path / "a"], tmp_path / "store", jobs=2)
    assert report.measures == 150 and not report.errors
    assert report.assignments > 150  # every plan names its responsible units
    with open_store(tmp_path / "store") as store:
        places = {r["name"] for r in queries.jurisdiction_index(store)}
    assert len(places) >= 3


def test_a_build_reports_each_file_it_reads_and_a_rebuild_with_nothing_to_read_reports_none(
        corpus: Path, tmp_path: Path) -> None:
    # what `kg build` shows on a terminal while it reads (kg.cli_common.ProgressLine)
    calls: list[tuple[int, int]] = []
    report = build_from_paths([corpus], tmp_path / "store", jobs=2, progress=lambda *call: calls.append(call))
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)] and report.parsed == 5
    (corpus / HOHHOT).write_text((corpus / HOHHOT).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    calls.clear()
    build_from_paths([corpus], tmp_path / "store", progress=lambda *call: calls.append(call))
    assert calls == [(1, 1)]
    calls.clear()
    assert build_from_paths([corpus], tmp_path / "store", progress=lambda *call: calls.append(call)).mode == (
        "unchanged")
    assert calls == []
