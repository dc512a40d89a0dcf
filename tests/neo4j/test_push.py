"""`kg neo4j push` without a server: a fake driver records every statement and its parameters."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from neo4j_fakes import FakeDriver, FakeServer

from kg import neo4j_io
from kg.cli import cli
from kg.neo4j_io import MARK, UnsafeName, allowed_labels, allowed_types, plan_graph, push
from kg.projection import Edge, Node, PropertyGraph

SENTINEL = "S3ntinel-pässwörd-🔑-never-shown"


def test_constraints_come_first_then_nodes_then_relationships(seed_graph: Any) -> None:
    server = FakeServer()
    summary = push(FakeDriver(server), seed_graph, batch_size=100)
    kinds = ["constraint" if c.startswith("CREATE CONSTRAINT") else "node" if "MERGE (n:" in c else "rel"
             for c, _ in server.calls]
    assert kinds == sorted(kinds, key=["constraint", "node", "rel"].index)
    constrained = {re.search(r"FOR \(n:`(\w+)`\)", c).group(1) for c, _ in server.calls if c.startswith("CREATE")}
    merged_on = {re.search(r"MERGE \(n:`(\w+)` \{id: row.id\}\)", c).group(1) for c, _ in server.calls
                 if "MERGE (n:" in c}
    matched_on = {lab for c, _ in server.calls for lab in re.findall(r"MATCH \(\w:`(\w+)` \{id: row\.\w+\}\)", c)}
    assert merged_on <= constrained and matched_on <= constrained  # every lookup uses a constraint's index
    assert {"Agency", "Measure", "Document", "Jurisdiction", "Topic", MARK} <= constrained
    assert summary.nodes == len(seed_graph.nodes) == len(server.nodes) == summary.nodes_created
    assert summary.relationships == len(seed_graph.edges) == len(server.relationships)
    assert all(MARK in labels for labels in server.nodes.values())


def test_every_value_is_a_parameter_and_names_come_from_the_vocabulary(seed_graph: Any) -> None:
    server = FakeServer()
    push(FakeDriver(server), seed_graph, batch_size=100)
    texts = {str(v) for node in seed_graph.nodes.values() for v in node.props.values() if not str(v).isascii()}
    statements = {c for c, _ in server.calls}
    assert len(statements) < 60  # templates, not one statement per row
    for cypher in statements:
        for name in re.findall(r"`([^`]*)`", cypher):
            assert name in allowed_labels() or name in allowed_types(), name
        for quoted in re.findall(r"'([^']*)'", cypher):
            raise AssertionError(f"a literal in a pushed statement: {quoted!r}")
        assert cypher.isascii() and not any(t in cypher for t in texts)  # no document text, no Chinese
    for _, params in server.calls:
        assert set(params) <= {"rows", "limit"}


def test_rows_go_in_batches_of_the_given_size(seed_graph: Any) -> None:
    server = FakeServer()
    push(FakeDriver(server), seed_graph, batch_size=50)
    sizes = [len(p["rows"]) for _, p in server.calls if "rows" in p]
    assert max(sizes) == 50 and sum(sizes) == len(seed_graph.nodes) + len(seed_graph.edges)


def test_a_second_push_sends_the_same_merges_and_creates_nothing(seed_graph: Any) -> None:
    server = FakeServer()
    first = push(FakeDriver(server), seed_graph)
    calls = list(server.calls)
    second = push(FakeDriver(server), seed_graph)
    assert server.calls[len(calls):] == calls
    assert first.nodes_created == len(seed_graph.nodes) and first.constraints_added > 0
    assert (second.nodes_created, second.relationships_created, second.constraints_added) == (0, 0, 0)
    assert second.nodes == first.nodes and second.relationships == first.relationships


def test_wipe_deletes_only_this_tools_nodes(seed_graph: Any) -> None:
    server = FakeServer()
    server.nodes["user-node"] = {"Person"}  # someone else's data in the same database
    push(FakeDriver(server), seed_graph)
    summary = push(FakeDriver(server), seed_graph, wipe=True)
    assert "user-node" in server.nodes
    assert summary.nodes_deleted == len(seed_graph.nodes) and summary.nodes_created == len(seed_graph.nodes)
    wipes = [c for c, _ in server.calls if "DELETE" in c]
    assert wipes and all(f"MATCH (n:`{MARK}`)" in c for c in wipes)


def test_a_label_outside_the_vocabulary_is_refused() -> None:
    for bad in ["Agency`) DETACH DELETE n //", "Evil"]:
        g = PropertyGraph({"x": Node("x", [bad], {"id": "x"})})
        with pytest.raises(UnsafeName):
            plan_graph(g)
    g = PropertyGraph({"a": Node("a", ["Agency"]), "m": Node("m", ["Measure"])}, [Edge("a", "LEADS]->(x", "m")])
    with pytest.raises(UnsafeName):
        plan_graph(g)


def test_a_node_is_merged_on_its_most_general_label() -> None:
    assert neo4j_io.primary_label(["Document", "Plan"]) == "Document"
    assert neo4j_io.primary_label(["Agency", "CollectiveBody"]) == "Agency"
    assert neo4j_io.primary_label(["Concept", "Topic"]) == "Concept"


# --------------------------------------------------------------------------- the CLI and the password


@pytest.fixture
def fake_connect(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {"server": FakeServer()}

    def connect(uri: str, user: str, password: str) -> FakeDriver:
        seen.update(uri=uri, user=user, password=password)
        return FakeDriver(seen["server"])

    monkeypatch.setattr(neo4j_io, "connect", connect)
    return seen


def _files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.mark.parametrize("how", ["env", "prompt"])
def test_the_password_is_never_shown_logged_or_written(
    how: str, runner: Any, seed_store: Path, fake_connect: dict[str, Any], caplog: pytest.LogCaptureFixture,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"NEO4J_PASSWORD": SENTINEL} if how == "env" else {"NEO4J_PASSWORD": None}
    caplog.set_level(logging.DEBUG)
    result = runner.invoke(cli, ["neo4j", "push", "--uri", "bolt://example:7687", "--user", "kg",
                                 "--store", str(seed_store)],
                           env=env, input=f"{SENTINEL}\n" if how == "prompt" else None)
    assert result.exit_code == 0, result.output
    assert fake_connect["password"] == SENTINEL and fake_connect["user"] == "kg"  # it did reach the driver
    assert "nodes" in result.stdout and "relationships" in result.stdout
    for text in (result.output, result.stdout, result.stderr, caplog.text):
        assert SENTINEL not in text
    for cypher, params in fake_connect["server"].calls:
        assert SENTINEL not in cypher and SENTINEL not in repr(params)
    assert not _files_containing(tmp_path, SENTINEL.encode()) and not _files_containing(seed_store, SENTINEL.encode())


def test_there_is_no_password_option(runner: Any) -> None:
    from kg.cli_export import push as push_command

    assert not [p for p in push_command.params if "password" in " ".join(p.opts)]
    result = runner.invoke(cli, ["neo4j", "push", "--help"])
    assert "NEO4J_PASSWORD" in result.output


def test_an_unreachable_server_is_one_line_without_the_password(
    runner: Any, seed_store: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """The real driver, a port nobody listens on: a one-line error, and the driver's own debug log
    does not carry the password either."""
    from neo4j import GraphDatabase, basic_auth

    def connect(uri: str, user: str, password: str) -> Any:
        return GraphDatabase.driver(uri, auth=basic_auth(user, password), max_transaction_retry_time=0.2,
                                    connection_timeout=2)

    monkeypatch.setattr(neo4j_io, "connect", connect)
    caplog.set_level(logging.DEBUG)
    result = runner.invoke(cli, ["neo4j", "push", "--uri", "bolt://127.0.0.1:9", "--store", str(seed_store)],
                           env={"NEO4J_PASSWORD": SENTINEL})
    assert result.exit_code == 1
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.output
    assert SENTINEL not in result.output and SENTINEL not in caplog.text
