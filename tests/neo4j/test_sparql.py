"""`kg sparql`: read-only SPARQL over the graph, rows in the usual formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.cli import cli
from kg.store import open_store

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX pa: <https://w3id.org/pingan-kg/ns#> DELETE { ?a ?p ?o } INSERT { ?a pa:x 1 } WHERE { ?a ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "CREATE GRAPH <urn:g>",
    "DROP DEFAULT",
    "COPY DEFAULT TO <urn:g>",
    "MOVE DEFAULT TO <urn:g>",
    "ADD DEFAULT TO <urn:g>",
]


@pytest.mark.parametrize("update", UPDATES)
def test_an_update_is_refused_in_one_line(update: str, runner: Any, seed_store: Path) -> None:
    result = runner.invoke(cli, ["sparql", update, "--store", str(seed_store)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: kg sparql is read-only:") and result.stderr.count("\n") == 1


def test_the_store_is_unchanged_after_a_refused_update(runner: Any, seed_store: Path) -> None:
    count = ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json", "--store", str(seed_store)]
    before = json.loads(runner.invoke(cli, count).stdout)["rows"][0]["n"]
    runner.invoke(cli, ["sparql", "DELETE WHERE { ?s ?p ?o }", "--store", str(seed_store)])
    assert json.loads(runner.invoke(cli, count).stdout)["rows"][0]["n"] == before > 5000


def test_a_syntax_error_is_one_line(runner: Any, seed_store: Path) -> None:
    result = runner.invoke(cli, ["sparql", "SELEC ?x WHERE {}", "--store", str(seed_store)])
    assert result.exit_code == 1 and "not a SPARQL query" in result.stderr and "Traceback" not in result.output


def test_select_gives_rows_in_every_format(runner: Any, seed_store: Path) -> None:
    query = ("SELECT ?name WHERE { ?a a pa:Agency ; skos:prefLabel ?name ; pa:leads ?m } "
             "GROUP BY ?name ORDER BY DESC(COUNT(?m)) ?name LIMIT 1")
    as_json = runner.invoke(cli, ["sparql", query, "--format", "json", "--store", str(seed_store)])
    assert json.loads(as_json.stdout)["rows"] == [{"name": "呼和浩特市公安局"}]
    as_csv = runner.invoke(cli, ["sparql", query, "--format", "csv", "--store", str(seed_store)])
    assert as_csv.stdout.splitlines() == ["\ufeffname", "呼和浩特市公安局"]
    table = runner.invoke(cli, ["sparql", query, "--store", str(seed_store)])
    assert "呼和浩特市公安局" in table.stdout


def test_a_query_file_runs(runner: Any, seed_store: Path) -> None:
    result = runner.invoke(cli, ["sparql", "queries/agencies.rq", "--format", "json", "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert any(r["name"] == "呼和浩特市公安局" and r["lead"] == 6 for r in rows)


def test_ask_and_construct(runner: Any, seed_store: Path) -> None:
    ask = runner.invoke(cli, ["sparql", "ASK { ?a skos:prefLabel '呼和浩特市公安局' }", "--store", str(seed_store)])
    assert ask.stdout == "true\n"
    construct = ("CONSTRUCT { ?a skos:prefLabel ?n } WHERE { ?a skos:prefLabel ?n FILTER(?n = '呼和浩特市公安局') }")
    nt = runner.invoke(cli, ["sparql", construct, "--format", "nt", "--store", str(seed_store)])
    assert nt.stdout.count("\n") == 1 and '"呼和浩特市公安局"' in nt.stdout
    ttl = runner.invoke(cli, ["sparql", construct, "--store", str(seed_store)])
    assert "skos:prefLabel" in ttl.stdout


def test_the_first_sparql_question_builds_the_index_once_and_says_so(runner: Any, tmp_path: Path) -> None:
    from seedpaths import SEEDS

    store = tmp_path / "s"
    assert runner.invoke(cli, ["build", str(SEEDS), "--store", str(store)]).exit_code == 0
    (gen,) = [p for p in store.iterdir() if p.name.startswith("gen-")]
    assert not (gen / "sparql").exists()  # a build makes the tables only
    refused = runner.invoke(cli, ["sparql", "DELETE WHERE { ?s ?p ?o }", "--store", str(store)])
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1  # refused before any index is made
    assert not (gen / "sparql").exists()
    count = ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json", "--store", str(store)]
    first = runner.invoke(cli, count)
    assert first.exit_code == 0 and "building the SPARQL index" in first.stderr
    with open_store(store) as s:
        assert json.loads(first.stdout)["rows"] == [{"n": s.meta["triples"]}]
    assert (gen / "sparql").is_dir()
    again = runner.invoke(cli, count)
    assert again.stdout == first.stdout and "building" not in again.stderr
