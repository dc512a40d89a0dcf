"""`kg export`: RDF that round-trips, GraphML/GEXF that networkx reads, CSVs neo4j-admin can import."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

from kg.cli import cli
from kg.neo4j_io import MARK, cypher_literal, cypher_string, plan_graph, write_admin_import
from kg.projection import Node, PropertyGraph


# rdflib 7.6's own JSON-LD parser builds a ConjunctiveGraph, which rdflib itself deprecates: not ours to fix
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_rdf_export_reads_back_isomorphic_to_the_store(fmt: str, rdflib_format: str, runner: Any, seed_store: Path,
                                                       tmp_path: Path) -> None:
    import rdflib
    from rdflib.compare import isomorphic

    from kg.store import open_store

    out = tmp_path / f"kg.{fmt}"
    result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(out), "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    back = rdflib.Graph().parse(out, format=rdflib_format)
    with open_store(seed_store) as store:
        union = store.union_graph()
    assert len(back) == len(union) > 5000
    assert isomorphic(back, union)


def test_nquads_keeps_one_graph_per_document(runner: Any, seed_store: Path) -> None:
    result = runner.invoke(cli, ["export", "--format", "nq", "--store", str(seed_store)])
    graphs = {line.rsplit(" ", 2)[-2] for line in result.stdout.splitlines() if line}
    assert sum(g.endswith("/graph>") and "/doc/" in g for g in graphs) == 5


def test_nquads_of_a_generation_whose_document_graphs_are_gone_is_one_line_and_no_file(
    runner: Any, tmp_path: Path
) -> None:
    from seedpaths import SEEDS

    store, out = tmp_path / "s", tmp_path / "kg.nq"
    assert runner.invoke(cli, ["build", str(SEEDS), "--sparql", "--store", str(store)]).exit_code == 0
    for entry in (store / "cache").glob("*.nt"):
        entry.unlink()
    result = runner.invoke(cli, ["export", "--format", "nq", "-o", str(out), "--store", str(store)])
    assert result.exit_code == 1 and not out.exists()
    assert "are gone from" in result.output and "run `kg build` again" in result.output
    assert "Traceback" not in result.output
    # the union itself is intact in the SPARQL index: N-Triples still export
    assert runner.invoke(cli, ["export", "--format", "nt", "-o", str(tmp_path / "kg.nt"), "--store", str(store)]
                         ).exit_code == 0


def test_with_ontology_writes_the_vocabulary_alongside(runner: Any, seed_store: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", "--format", "ttl", "-o", str(tmp_path / "kg.ttl"), "--with-ontology",
                                 "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    assert {"kg.ttl", "pingan.ttl", "shapes.ttl", "topics.ttl"} <= {p.name for p in tmp_path.iterdir()}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_open_in_networkx(fmt: str, runner: Any, seed_store: Path, seed_graph: Any,
                                           tmp_path: Path) -> None:
    import networkx as nx

    out = tmp_path / f"kg.{fmt}"
    result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(out), "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert g.number_of_nodes() == len(seed_graph.nodes) and g.number_of_edges() == len(seed_graph.edges)
    police = [n for n, d in g.nodes(data=True) if d.get("prefLabel") == "呼和浩特市公安局"]
    assert len(police) == 1 and "市公安局" in g.nodes[police[0]]["altLabel"].split("|")
    kind = "type" if fmt == "graphml" else "relationship"
    assert sum(1 for _, _, d in g.out_edges(police[0], data=True) if d.get(kind) == "LEADS") == 6


def test_csv_export_has_nodes_and_edges(runner: Any, seed_store: Path, seed_graph: Any, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", "--format", "csv", "-o", str(tmp_path), "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "nodes.csv", encoding="utf-8-sig", newline="") as f:
        nodes = list(csv.DictReader(f))
    with open(tmp_path / "edges.csv", encoding="utf-8-sig", newline="") as f:
        edges = list(csv.DictReader(f))
    assert len(nodes) == len(seed_graph.nodes) and len(edges) == len(seed_graph.edges)
    assert any(n["prefLabel"] == "呼和浩特市公安局" and "Agency" in n["labels"] for n in nodes)


def test_directory_formats_need_a_folder(runner: Any, seed_store: Path) -> None:
    result = runner.invoke(cli, ["export", "--format", "neo4j-import", "--store", str(seed_store)])
    assert result.exit_code == 1 and "give a folder with -o" in result.output


# --------------------------------------------------------------------------- neo4j-admin import

HEADER_FIELD = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*)?:(?:ID|LABEL|START_ID|END_ID|TYPE)$"
                          r"|^[A-Za-z_][A-Za-z0-9_\-]*:(?:string|long|double|boolean)(?:\[\])?$")


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: spreadsheets show the Chinese; neo4j-admin skips it
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_admin_import_csvs_have_valid_headers_unique_ids_and_known_ends(runner: Any, seed_store: Path,
                                                                        seed_graph: Any, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", "--format", "neo4j-import", "-o", str(tmp_path), "--store",
                                 str(seed_store)])
    assert result.exit_code == 0, result.output
    command = next(line for line in result.stdout.splitlines() if line.startswith("neo4j-admin"))
    assert command.startswith("neo4j-admin database import full ") and command.endswith(" neo4j")
    # ';' unless a value holds one (inline-actor quotes can), then '|' or U+001F: the command says which
    delimiter = re.search(r"--array-delimiter=(.)", command).group(1)
    assert delimiter in (";", "|", "\x1f") and "--multiline-fields=true" in command
    ids: set[str] = set()
    for path in sorted(tmp_path.glob("nodes_*.csv")):
        header, rows = _read(path)
        assert header[:2] == ["id:ID", ":LABEL"] and all(HEADER_FIELD.match(h) for h in header), header
        assert f"--nodes={path}" in command
        for row in rows:
            assert len(row) == len(header) and row[0] not in ids
            ids.add(row[0])
            assert MARK in row[1].split(delimiter) and path.stem[len("nodes_"):] in row[1].split(delimiter)
    assert ids == set(seed_graph.nodes)
    n_rel = 0
    for path in sorted(tmp_path.glob("relationships_*.csv")):
        header, rows = _read(path)
        assert header[:3] == [":START_ID", ":END_ID", ":TYPE"] and all(HEADER_FIELD.match(h) for h in header)
        for row in rows:
            assert row[0] in ids and row[1] in ids and row[2] == path.stem[len("relationships_"):]
        n_rel += len(rows)
    assert n_rel == len(seed_graph.edges)
    header, rows = _read(tmp_path / "nodes_Agency.csv")
    alt = header.index("altLabel:string[]")
    police = next(r for r in rows if "呼和浩特市公安局" in r)
    assert "市公安局" in police[alt].split(delimiter)


def test_array_delimiter_is_one_that_no_value_contains(tmp_path: Path) -> None:
    g = PropertyGraph({"https://w3id.org/pingan-kg/id/agency/x": Node(
        "https://w3id.org/pingan-kg/id/agency/x", ["Agency"], {"prefLabel": "甲", "altLabel": ["a;b", "c|d", "e"]})})
    result = write_admin_import(plan_graph(g), tmp_path)
    assert result.array_delimiter == "\x1f" and "--array-delimiter=U+001F" in result.command()
    header, rows = _read(tmp_path / "nodes_Agency.csv")
    assert rows[0][header.index("altLabel:string[]")].split("\x1f") == ["a;b", "c|d", "e"]


# --------------------------------------------------------------------------- Cypher script


def test_cypher_strings_escape_what_could_end_them() -> None:
    assert cypher_string("it's") == "'it\\'s'"
    assert cypher_string("a\\b") == "'a\\\\b'"
    assert cypher_string("1\n2\r3\t") == "'1\\n2\\r3\\t'"
    assert cypher_string("\x00\u2028") == "'\\u0000\\u2028'"
    assert cypher_string("市公安局") == "'市公安局'"
    assert cypher_literal({"prefLabel_zh-Hant": ["a"], "n": 1, "x": 1.5, "ok": True, "none": None}) == (
        "{`prefLabel_zh-Hant`: ['a'], n: 1, x: 1.5, ok: true, none: null}")


def test_cypher_script_runs_the_push_statements_with_literal_rows(runner: Any, seed_store: Path,
                                                                  seed_graph: Any) -> None:
    result = runner.invoke(cli, ["export", "--format", "cypher", "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    script = result.stdout
    assert "$" not in script.replace("$(", "")  # no parameters: it pastes into Browser as it is
    first_merge = script.index("\nUNWIND")
    assert script.index("CREATE CONSTRAINT pingan_agency_id IF NOT EXISTS") < first_merge
    assert script.count("'呼和浩特市公安局'") >= 1
    assert sum(script.count(f"'{i}'") for i in list(seed_graph.nodes)[:50]) >= 50
