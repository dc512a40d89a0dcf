"""Document text and typed names are data, never code: SPARQL and Cypher take them only as parameters,
`kg sparql` cannot change the graph, HTML views escape them, file names never come from them, and the
Neo4j password is never printed, logged, written or put on a command line.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from reliability_kit import DEEP, KG, ROOT, SEED_DIR, one_line, record

from kg.cli import cli

HOSTILE_TYPED = [
    '"} . ?s ?p ?o #',
    "') OR 1=1 --",
    '" } ; DELETE WHERE { ?s ?p ?o } #',
    "} UNION { ?s ?p ?o }",
    "MATCH (n) DETACH DELETE n //",
    "<script>alert(1)</script>",
    "市公安局\n') OR 1=1 --",
    "{name}%s$agency${jndi:ldap://x}",
]

# Names that survive the loader's cleaning as agencies (checked in the test), a title with markup, and a
# line that would be a triple if pasted into N-Triples unescaped.
HOSTILE_PLAN = """呼和浩特市<script>alert(1)</script>平安建设实施方案
一、主要任务
（一）加强巡逻防控。每天巡逻。（责任单位：市公安局、"} . ?s ?p ?o #局）
（二）加强宣传。"> <http://evil.example/s> <http://evil.example/p> "x" .（牵头单位：{name}局；配合单位：%s局、${jndi:ldap://x}局）
"""
HOSTILE_AGENCIES = ['"}.?s?p?o#局', "{name}局", "%s局", "${jndi:ldap://x}局"]


def error_line(result: Result) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    return lines[0]


# ------------------------------------------------------------------ static: no query built from text


def test_named_queries_have_no_python_placeholders() -> None:
    for path in sorted((ROOT / "queries").glob("*.rq")) + sorted((ROOT / "queries").glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\(|%s|%d", text), f"{path.name} has a Python placeholder"


_QUERY_METHODS = {"select", "query", "run", "execute_query"}


def _built_string(node: ast.AST) -> bool:
    """An f-string, a concatenation, a % format or a .format() call: text assembled at run time."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"


def test_no_query_is_assembled_from_strings_at_the_call() -> None:
    offenders = []
    for path in sorted((ROOT / "kg").glob("*.py")) + [ROOT / "queries" / "__init__.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _QUERY_METHODS
                and node.args
                and _built_string(node.args[0])
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], f"queries built from strings (use bindings/parameters): {offenders}"


# ------------------------------------------------------------------ typed names


COMMANDS_TAKING_A_NAME = [
    ("measures", ["measures", "--agency", "{}"], r"^Error: no agency named"),
    ("agency", ["agency", "{}"], r"^Error: no agency named"),
    ("overlap", ["overlap", "{}", "市公安局"], r"^Error: no agency named"),
    ("targets --agency", ["targets", "--agency", "{}"], r"^Error: no agency named"),
    ("show", ["show", "{}"], r"^Error: no measure"),
    ("agencies -j", ["agencies", "-j", "{}"], r"^Error: no (place|jurisdiction)"),
]


@pytest.mark.parametrize(
    ("label", "args", "expected"), COMMANDS_TAKING_A_NAME, ids=[c[0] for c in COMMANDS_TAKING_A_NAME]
)
def test_hostile_typed_names_are_only_looked_up(
    runner: CliRunner, seed_store: Path, label: str, args: list[str], expected: str
) -> None:
    for typed in HOSTILE_TYPED:
        result = runner.invoke(cli, [a.replace("{}", typed) for a in args] + ["--store", str(seed_store)])
        line = error_line(result)
        assert re.search(expected, line), line
        assert one_line(line)
        record("untrusted text", f"hostile name typed to kg {label}", "one 'no … named' line, exit 1")
    # and the graph is what it was
    assert "呼和浩特市公安局" in runner.invoke(cli, ["agencies", "--format", "json", "--store", str(seed_store)]).stdout


_UPDATES = [
    "INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP ALL",
    "LOAD <http://evil.example/graph.ttl>",
    "SELECT * WHERE { ?s ?p ?o } ; DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <urn:x>\nINSERT { ?s x:p 1 } WHERE { ?s ?p ?o }",
]


def test_kg_sparql_refuses_every_update(runner: CliRunner, seed_store: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = runner.invoke(cli, ["sparql", count, "--format", "json", "--store", str(seed_store)]).stdout
    for update in _UPDATES:
        result = runner.invoke(cli, ["sparql", update, "--store", str(seed_store)])
        assert result.exit_code == 1 and one_line(result.output.strip()), result.output
        record("untrusted text", "SPARQL update given to kg sparql", "refused in one line; graph unchanged")
    assert runner.invoke(cli, ["sparql", count, "--format", "json", "--store", str(seed_store)]).stdout == before


# ------------------------------------------------------------------ hostile text inside a document


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "hostile.txt").write_text(HOSTILE_PLAN, encoding="utf-8")
    store = root / "store"
    result = CliRunner().invoke(cli, ["build", str(root / "hostile.txt"), str(SEED_DIR), "--store", str(store)])
    assert result.exit_code in (0, 1) and "built" in result.stdout, result.output
    return store


def test_hostile_text_in_a_document_stays_a_literal(runner: CliRunner, hostile_store: Path) -> None:
    evil = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?s), "evil") || CONTAINS(STR(?o), "evil") ' \
           '&& isIRI(?o)) }'
    out = runner.invoke(cli, ["sparql", evil, "--format", "json", "--store", str(hostile_store)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["rows"] == [{"n": 0}]
    record("untrusted text", "N-Triples line and SPARQL syntax inside a plan", "no IRI made from it; literals only")


def test_hostile_agency_names_in_a_document_are_found_as_parameters(runner: CliRunner, hostile_store: Path) -> None:
    names = [r["name"] for r in json.loads(runner.invoke(
        cli, ["agencies", "--format", "json", "--store", str(hostile_store)]).stdout)["rows"]]
    for written in HOSTILE_AGENCIES:
        (name,) = [n for n in names if n.endswith(written)]  # kept verbatim, only qualified by the place
        result = runner.invoke(cli, ["measures", "--agency", name, "--format", "json", "--store", str(hostile_store)])
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)["rows"]
        assert [r["asWritten"] for r in rows] == [written], rows  # found by value, as a parameter, and only it
        record("untrusted text", "hostile agency name inside a plan", "stored verbatim; queried as a parameter")


def test_html_view_escapes_document_text(hostile_store: Path, tmp_path: Path) -> None:
    page = tmp_path / "graph.html"
    result = CliRunner().invoke(cli, ["view", "-o", str(page), "--store", str(hostile_store)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "alert(1)" in html  # the title is there, escaped
    record("untrusted text", "<script> in a plan's title, kg view", "escaped in the HTML")


def test_export_file_names_never_come_from_document_text(hostile_store: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "neo4j-import"):
        folder = tmp_path / fmt
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(folder), "--store", str(hostile_store)])
        assert result.exit_code == 0, result.output
        written = [p.relative_to(folder).as_posix() for p in folder.rglob("*")]
        assert written and all(re.fullmatch(r"[A-Za-z0-9_.\-/]+", name) for name in written), written
        record("untrusted text", f"kg export --format {fmt} of a hostile plan", "file names from the vocabulary only")


# ------------------------------------------------------------------ secrets


def _all_options(command: click.Command, path: str = "kg") -> list[tuple[str, click.Parameter]]:
    found = [(path, p) for p in command.params]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _all_options(sub, f"{path} {name}")
    return found


def test_no_command_takes_a_password_on_its_command_line() -> None:
    offenders = [
        f"{path} {'/'.join(p.opts)}"
        for path, p in _all_options(cli)
        if any(re.search(r"pass|secret|token", o, re.I) for o in [*getattr(p, "opts", []), p.name or ""])
    ]
    assert offenders == [], offenders


SECRET = "s3cr3t-Pa55w0rd-9f1e7c"


# An unreachable server costs the driver ~30 s of retries: CI tries a malformed URI, the deep profile all three.
NEO4J_URIS = ["bolt://127.0.0.1:9", "neo4j+s://nowhere.invalid:7687", "not-a-uri"] if DEEP else ["not-a-uri"]


@pytest.mark.parametrize("uri", NEO4J_URIS)
def test_the_neo4j_password_never_leaves_the_process(hostile_store: Path, tmp_path: Path, uri: str) -> None:
    if "neo4j" not in cli.commands:
        pytest.skip("no `kg neo4j` command yet")
    env = {**os.environ, "NEO4J_PASSWORD": SECRET, "NEO4J_URI": uri, "PYTHONPATH": str(ROOT)}
    # Every logger at DEBUG to stderr, the driver's included: a password in any log record would show.
    code = (
        "import logging, sys; logging.basicConfig(level=logging.DEBUG, stream=sys.stderr); "
        "from kg.cli import main; main()"
    )
    done = subprocess.run(
        [KG[0], "-c", code, "neo4j", "push", "--store", str(hostile_store)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert SECRET not in done.stdout and SECRET not in done.stderr
    assert one_line(done.stderr.strip().splitlines()[-1])
    for path in [*tmp_path.rglob("*"), *hostile_store.rglob("*")]:
        if path.is_file() and path.stat().st_size < 50 * 2**20:
            assert SECRET.encode() not in path.read_bytes(), f"the password was written to {path}"
    record("secrets", f"kg neo4j push to an unreachable or bad URI ({uri}), DEBUG logging on",
           "password in no output, log or file")
