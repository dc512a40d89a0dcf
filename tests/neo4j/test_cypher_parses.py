"""Every Cypher statement the project emits is checked by Neo4j's own parser (tools/cypher-lint):
the push statements, the script and admin-import constraints, the Browser guide and headline file, and
every queries/*.cypher twin. A syntax error, or a deprecation warning, fails here."""

from __future__ import annotations

import io
from importlib import resources
from typing import Any

import pytest
from cypher_lint import lint, problems, unavailable

import queries
from kg.neo4j_guide import guide_statements, headline_cypher
from kg.neo4j_io import plan_graph, statement_templates, write_cypher_script
from kg.projection import Edge, Node, PropertyGraph

pytestmark = pytest.mark.skipif(unavailable() is not None, reason=unavailable() or "")

INJECTED = "'}) MATCH (n) DETACH DELETE n //"
NASTY = [INJECTED, 'a "quoted" \\ back\\slash', "line\nbreak\r\ttab", "`backtick`", "中文\u2028分隔\x00\x1f",
         "\\u0027 not an escape", "emoji 🔑 and \\", "';\nMATCH (n) DETACH DELETE n;\n//"]


def nasty_graph() -> PropertyGraph:
    g = PropertyGraph()
    for i, text in enumerate(NASTY):
        g.nodes[f"https://w3id.org/pingan-kg/id/agency/{i}"] = Node(
            f"https://w3id.org/pingan-kg/id/agency/{i}", ["Agency"],
            {"prefLabel": text, "altLabel": [text, "x"], "line": i, "value": 1.5, "flag": True})
    g.nodes["https://w3id.org/pingan-kg/id/measure/m"] = Node("https://w3id.org/pingan-kg/id/measure/m", ["Measure"],
                                                            {"text": INJECTED})
    g.edges.append(Edge("https://w3id.org/pingan-kg/id/agency/0", "LEADS", "https://w3id.org/pingan-kg/id/measure/m",
                        {"quote": INJECTED, "line": 3}))
    return g


def script(graph: PropertyGraph, batch_size: int = 500) -> str:
    out = io.StringIO()
    write_cypher_script(graph, out, batch_size=batch_size)
    return out.getvalue()


def formula_graph() -> PropertyGraph:
    """Values a spreadsheet would run as formulas: the admin-import CSVs guard them with a quote, and
    constraints.cypher takes it off again in Neo4j (kg.neutralise, kg.neo4j_io.restore_statements)."""
    g = PropertyGraph()
    g.nodes["https://w3id.org/pingan-kg/id/agency/f"] = Node(
        "https://w3id.org/pingan-kg/id/agency/f", ["Agency"],
        {"prefLabel": "=1+2局", "altLabel": ["@SUM(1)局", "x"], "prefLabel_zh-Hant": "-局", "line": -3})
    g.nodes["https://w3id.org/pingan-kg/id/measure/m"] = Node("https://w3id.org/pingan-kg/id/measure/m", ["Measure"],
                                                            {"text": "+HYPERLINK(1)"})
    g.edges.append(Edge("https://w3id.org/pingan-kg/id/agency/f", "LEADS", "https://w3id.org/pingan-kg/id/measure/m",
                        {"quote": "=cmd|' /C calc'!A0", "line": 3}))
    return g


@pytest.fixture(scope="module")
def checked(seed_graph: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Everything to check, in one node process (the parser's start-up costs ~1.5 s; each statement ~40 ms)."""
    from kg.neo4j_io import write_admin_import

    items: list[tuple[str, str]] = []
    folder = tmp_path_factory.mktemp("import")
    write_admin_import(plan_graph(formula_graph()), folder)
    items.append(("import/constraints", (folder / "constraints.cypher").read_text(encoding="utf-8")))
    for i, statement in enumerate(statement_templates(plan_graph(seed_graph))):
        items.append((f"push/{i}", statement))
    items.append(("push/generic", ";\n".join(statement_templates())))
    for name in sorted(p.name for p in resources.files("queries").iterdir() if p.name.endswith(".cypher")):
        items.append((f"queries/{name}", resources.files("queries").joinpath(name).read_text(encoding="utf-8")))
    for i, statement in enumerate(guide_statements()):
        items.append((f"guide/{i}", statement))
    items.append(("guide/headline", headline_cypher()))
    items.append(("script/nasty", script(nasty_graph(), batch_size=3)))
    for i, text in enumerate(NASTY):
        from kg.neo4j_io import cypher_literal

        items.append((f"literal/{i}", f"RETURN {cypher_literal({'v': text, 'list': [text]})} AS x"))
    return lint(items)


def _assert_clean(checked: dict[str, dict], prefix: str) -> None:
    found = {name: problems(r) for name, r in checked.items() if name.startswith(prefix)}
    assert found, f"nothing checked under {prefix}"
    bad = {name: p for name, p in found.items() if p}
    assert not bad, bad


def test_push_statements_parse(checked: dict[str, dict]) -> None:
    _assert_clean(checked, "push/")


def test_every_query_twin_parses(checked: dict[str, dict]) -> None:
    _assert_clean(checked, "queries/")
    assert len([n for n in checked if n.startswith("queries/")]) == len(queries.QUERY_NAMES)


def test_guide_and_headline_questions_parse(checked: dict[str, dict]) -> None:
    _assert_clean(checked, "guide/")


def test_injected_text_stays_one_string(checked: dict[str, dict]) -> None:
    """Document text that tries to close the string and run DETACH DELETE is, for the parser, one string:
    the script has exactly the statements we wrote and no error."""
    _assert_clean(checked, "script/")
    _assert_clean(checked, "literal/")
    plan = plan_graph(nasty_graph())
    batches = sum(-(-len(rows) // 3) for rows in [*plan.node_groups.values(), *plan.edge_groups.values()])
    assert checked["script/nasty"]["statements"] == len(plan.constraints()) + batches
    for i in range(len(NASTY)):
        assert checked[f"literal/{i}"]["statements"] == 1


def test_admin_import_constraints_and_the_statements_that_restore_guarded_values_parse(
        checked: dict[str, dict]) -> None:
    _assert_clean(checked, "import/")
    plan = plan_graph(formula_graph())
    # Agency: prefLabel, altLabel and prefLabel_zh-Hant; Measure: text; LEADS: quote
    assert checked["import/constraints"]["statements"] == len(plan.constraints()) + 5


def test_the_parser_does_catch_errors(checked: dict[str, dict]) -> None:
    """The check is not vacuous: a broken statement and an unescaped quote are reported."""
    result = lint([("broken", "MATCH (n:Agency RETURN n"), ("unescaped", f"RETURN '{INJECTED}' AS x")])
    assert problems(result["broken"])
    assert problems(result["unescaped"]) or result["unescaped"]["statements"] != 1
