"""`kg neo4j push` against a real Neo4j 5 / Aura. Runs only when NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD
are set (e.g. `docker run -p 7687:7687 -e NEO4J_AUTH=neo4j/secret-pass neo4j:5`); it writes into, and
wipes, the :PinganKG nodes of NEO4J_DATABASE (default: the server's default database)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import queries
from kg.cli import cli

LIVE = all(os.environ.get(v) for v in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"))
pytestmark = pytest.mark.skipif(not LIVE, reason="no Neo4j server: set NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD "
                                                 "to run the live push tests")


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    from neo4j import GraphDatabase, basic_auth

    with GraphDatabase.driver(os.environ["NEO4J_URI"],
                              auth=basic_auth(os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"])) as d:
        yield d


def _query(driver: Any, cypher: str, **params: Any) -> list[dict]:
    records, _, _ = driver.execute_query(cypher, params, database_=os.environ.get("NEO4J_DATABASE") or None)
    return [r.data() for r in records]


def _counts(driver: Any) -> tuple[int, int]:
    nodes = _query(driver, "MATCH (n:PinganKG) RETURN count(n) AS n")[0]["n"]
    rels = _query(driver, "MATCH (:PinganKG)-[r]->(:PinganKG) RETURN count(r) AS n")[0]["n"]
    return nodes, rels


def _push(runner: Any, store: Path, *extra: str) -> Any:
    result = runner.invoke(cli, ["neo4j", "push", "--store", str(store), *extra])
    assert result.exit_code == 0, result.output
    return result


def test_push_twice_gives_the_same_graph_as_the_store(runner: Any, seed_store: Path, seed_graph: Any,
                                                      driver: Any) -> None:
    _push(runner, seed_store, "--wipe")
    first = _counts(driver)
    assert first == (len(seed_graph.nodes), len(seed_graph.edges))
    again = _push(runner, seed_store)
    assert _counts(driver) == first
    assert "(0 new)" in again.stdout


def test_wipe_removes_only_pingan_kg_nodes(runner: Any, seed_store: Path, seed_graph: Any, driver: Any) -> None:
    _query(driver, "MERGE (:PinganKGWipeProbe {id: 'probe'})")
    try:
        _push(runner, seed_store, "--wipe")
        assert _query(driver, "MATCH (p:PinganKGWipeProbe {id: 'probe'}) RETURN count(p) AS n")[0]["n"] == 1
        assert _counts(driver) == (len(seed_graph.nodes), len(seed_graph.edges))
    finally:
        _query(driver, "MATCH (p:PinganKGWipeProbe) DETACH DELETE p")


def test_the_guide_queries_answer_as_the_cli_does(runner: Any, seed_store: Path, driver: Any) -> None:
    from kg.store import open_store

    _push(runner, seed_store)
    cypher = queries.cypher("measures_by_agency")
    rows = _query(driver, cypher, agency="呼和浩特市公安局", role="LEADS")
    with open_store(seed_store) as store:
        (police,) = [a for a in queries.agencies(store) if a["name"] == "呼和浩特市公安局"]
        expected = {r["id"] for r in queries.measures_by_agency(store, police["agency"], "lead")}
    assert {r["id"] for r in rows} == expected and len(expected) == 6
    no_lead = _query(driver, queries.cypher("measures_without_lead"), jurisdiction=None)
    with open_store(seed_store) as store:
        assert {r["id"] for r in no_lead} == {r["id"] for r in queries.measures_without_lead(store, None)}


def test_the_overlap_questions_pair_agencies_per_place_as_the_cli_does(runner: Any, seed_store: Path,
                                                                        driver: Any) -> None:
    from kg.store import open_store

    _push(runner, seed_store)
    top = _query(driver, queries.cypher("overlap_top"), jurisdiction=None)
    partners = _query(driver, queries.cypher("partners"), agency="呼和浩特市公安局")
    with open_store(seed_store) as store:
        shown, _ = queries.top_pairs(store, 10)
        (police,) = [a for a in queries.agencies(store) if a["name"] == "呼和浩特市公安局"]
        expected_partners = {((r["nameB"] if r["agencyA"] == police["agency"] else r["nameA"]), r["jurisdiction"],
                              r["shared"]) for r in queries.overlap_top(store, police["agency"])}
    assert [(r["agencyA"], r["agencyB"], r["jurisdiction"], r["shared"], r["nA"], r["nB"]) for r in top] == \
        [(r["nameA"], r["nameB"], r["jurisdiction"], r["shared"], r["nA"], r["nB"]) for r in shown]
    assert {(r["partner"], r["jurisdiction"], r["shared"]) for r in partners} == expected_partners


def test_the_targets_twin_keeps_what_kg_targets_keeps(runner: Any, seed_store: Path, driver: Any) -> None:
    """Each option of `kg targets` (and the leads `kg agency` lists) against its parameter of targets.cypher."""
    from kg.store import open_store

    _push(runner, seed_store)
    with open_store(seed_store) as store:
        (police,) = [a["agency"] for a in queries.agencies(store) if a["name"] == "呼和浩特市公安局"]
        (drugs,) = {t["topic"] for t in queries.topic_index(store) if t["zh"] == "禁毒"}
        (liaocheng,) = {p["place"] for p in queries.jurisdiction_index(store) if p["name"] == "聊城市"}
        cases = [({}, {}), ({"year": 2020}, {"due": 2020}), ({"agency": "呼和浩特市公安局"}, {"agency": police}),
                 ({"agency": "呼和浩特市公安局", "role": "LEADS"}, {"lead": police}),
                 ({"topic": "禁毒"}, {"topic": drugs}),
                 ({"jurisdiction": "聊城市", "year": 2025}, {"place": liaocheng, "due": 2025})]
        expected = [[(r["id"], r["metric"], r["deadline"], sorted(r["leads"].split("、")) if r["leads"] else [],
                      r["jurisdiction"]) for r in queries.targets(store, **kept)] for _, kept in cases]
    assert all(expected[1:]) and len(expected[0]) > max(len(e) for e in expected[1:])
    for (params, _), want in zip(cases, expected, strict=True):
        rows = _query(driver, queries.cypher("targets"),
                      **{"year": None, "agency": None, "role": None, "topic": None, "jurisdiction": None, **params})
        got = [(r["id"], r["metric"], r["deadline"], sorted(r["leads"]), r["jurisdiction"]) for r in rows]
        assert got == want, params
