"""Neo4j output of the property graph (kg.projection): driver push, Cypher script, admin-import CSVs.

All three write the same graph with the same statements:

- one named uniqueness constraint per label on ``id`` (``CREATE CONSTRAINT pingan_agency_id IF NOT EXISTS
  FOR (n:`Agency`) REQUIRE n.id IS UNIQUE``), created before any data;
- nodes grouped by label set, ``UNWIND $rows AS row MERGE (n:`Agency` {id: row.id}) SET n:`PinganKG`, n +=
  row.props``; a node with several labels (Document + Plan) is merged on its most general one, taken from
  the ontology's rdfs:subClassOf, so the same node is always found by the same label;
- relationships grouped by (source label, type, target label), so both ends are MATCHed on a constrained
  label and the lookup uses its index.

Labels and relationship types cannot be Cypher parameters. They come only from the projection of the
ontology's classes and properties, are checked against that fixed vocabulary and ``^[A-Za-z][A-Za-z0-9_]*$``
and are backticked; every value is a parameter (push) or an escaped literal (script). No text from a document
is ever spliced into Cypher.

Every node written also gets the label ``PinganKG``: ``--wipe`` deletes those and nothing else.

The neo4j driver is imported only inside :func:`connect`.
"""

from __future__ import annotations

import csv
import math
import re
import shlex
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from kg.neutralise import spreadsheet_cell
from kg.projection import PropertyGraph, label_of, relationship_type

__all__ = [
    "MARK",
    "Plan",
    "PushSummary",
    "UnsafeName",
    "connect",
    "constraint_statement",
    "cypher_literal",
    "node_statement",
    "plan_graph",
    "push",
    "relationship_statement",
    "restore_statements",
    "statement_templates",
    "wipe_statement",
    "write_admin_import",
    "write_cypher_script",
]

MARK = "PinganKG"  # the label every node this tool writes carries; --wipe deletes exactly these
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
DEFAULT_BATCH = 1000
WIPE_BATCH = 10_000


class UnsafeName(ValueError):
    """A label or relationship type that is not from the pingan-kg vocabulary: never written into Cypher."""


# --------------------------------------------------------------------------- vocabulary

# W3C terms the graph uses that ontology/*.ttl does not mention as IRIs (dct:subject links a measure to its
# topics). Declaring them in pingan.ttl would make this list unnecessary.
STANDARD_TERMS = ("http://purl.org/dc/terms/subject", "http://www.w3.org/ns/prov#wasDerivedFrom")


@cache
def _vocabulary() -> tuple[frozenset[str], frozenset[str], dict[str, frozenset[str]]]:
    """(labels, relationship types, ancestors by label) the ontology and topic scheme can produce."""
    from pyoxigraph import NamedNode, RdfFormat, parse

    from ontology import ontology_path, shapes_path, topics_path
    from ontology.ns import RDFS

    iris: set[str] = set(STANDARD_TERMS)
    parents: dict[str, set[str]] = {}
    for path in (ontology_path(), shapes_path(), topics_path()):
        for t in parse(path.read_bytes(), format=RdfFormat.TURTLE):
            for term in (t.subject, t.predicate, t.object):
                if isinstance(term, NamedNode):
                    iris.add(term.value)
            if t.predicate.value == RDFS + "subClassOf" and isinstance(t.object, NamedNode):
                parents.setdefault(label_of(t.subject.value), set()).add(label_of(t.object.value))

    def ancestors(label: str, seen: frozenset[str] = frozenset()) -> set[str]:
        out: set[str] = set()
        for parent in parents.get(label, ()):
            if parent not in seen:
                out |= {parent} | ancestors(parent, seen | {label})
        return out

    labels = frozenset({label_of(i) for i in iris} | {MARK})
    types = frozenset(relationship_type(i) for i in iris)
    return labels, types, {label: frozenset(ancestors(label)) for label in parents}


def allowed_labels() -> frozenset[str]:
    return _vocabulary()[0]


def allowed_types() -> frozenset[str]:
    return _vocabulary()[1]


def _checked(name: str, allowed: frozenset[str], what: str) -> str:
    if not NAME.fullmatch(name):
        raise UnsafeName(f"{what} {name!r} is not a plain name (^[A-Za-z][A-Za-z0-9_]*$); refusing to write it")
    if name not in allowed:
        raise UnsafeName(f"{what} {name!r} is not in the pingan-kg vocabulary (ontology/); refusing to write it")
    return name


def label(name: str) -> str:
    """A validated, backticked label: ``Agency`` → ```Agency```."""
    return f"`{_checked(name, allowed_labels(), 'label')}`"


def rel_type(name: str) -> str:
    """A validated, backticked relationship type."""
    return f"`{_checked(name, allowed_types(), 'relationship type')}`"


def primary_label(labels: Sequence[str]) -> str:
    """The label a node is merged on: its most general one (Document for Document+Plan, Agency for
    Agency+CollectiveBody, Concept for Concept+Topic), so every push finds the node by the same label."""
    ancestors = _vocabulary()[2]
    general = [lab for lab in labels if not any(other in ancestors.get(lab, ()) for other in labels)]
    return sorted(general or labels)[0]


def constraint_name(lab: str) -> str:
    """Agency → pingan_agency_id, TextQuoteSelector → pingan_text_quote_selector_id."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", lab).lower()
    return f"pingan_{snake}_id"


# --------------------------------------------------------------------------- statements


def constraint_statement(lab: str) -> str:
    return (f"CREATE CONSTRAINT {constraint_name(lab)} IF NOT EXISTS "
            f"FOR (n:{label(lab)}) REQUIRE n.id IS UNIQUE")


def _node_body(labels: Sequence[str]) -> str:
    primary = primary_label(labels)
    extra = "".join(f":{label(lab)}" for lab in [MARK, *sorted(set(labels) - {primary, MARK})])
    return f"MERGE (n:{label(primary)} {{id: row.id}})\nSET n{extra}, n += row.props"


def _relationship_body(source: str, type_: str, target: str) -> str:
    return (f"MATCH (a:{label(source)} {{id: row.source}})\n"
            f"MATCH (b:{label(target)} {{id: row.target}})\n"
            f"MERGE (a)-[r:{rel_type(type_)}]->(b)\n"
            f"SET r += row.props")


def node_statement(labels: Sequence[str]) -> str:
    """``UNWIND $rows AS row MERGE …`` for nodes with these labels; rows are ``{id, props}``."""
    return "UNWIND $rows AS row\n" + _node_body(labels)


def relationship_statement(source: str, type_: str, target: str) -> str:
    """``UNWIND $rows AS row MATCH … MERGE (a)-[r:TYPE]->(b)``; rows are ``{source, target, props}``."""
    return "UNWIND $rows AS row\n" + _relationship_body(source, type_, target)


def wipe_statement() -> str:
    """Delete a batch of this tool's nodes (and their relationships); run until it deletes nothing.

    A loop of bounded write transactions instead of ``CALL { … } IN TRANSACTIONS``: that form needs an
    auto-commit transaction (no driver retries) and its ``WITH`` import syntax is deprecated from 5.23, while
    the ``CALL (n) { … }`` replacement is not understood before 5.23. This runs on every Neo4j 5 and Aura.
    """
    return f"MATCH (n:{label(MARK)})\nWITH n LIMIT $limit\nDETACH DELETE n\nRETURN count(*) AS deleted"


# --------------------------------------------------------------------------- plan


@dataclass
class Plan:
    """The graph as statement groups: what push, the Cypher script and the CSVs all write."""

    labels: list[str] = field(default_factory=list)  # every label, for the constraints
    node_groups: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)
    edge_groups: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return sum(len(rows) for rows in self.node_groups.values())

    @property
    def edge_count(self) -> int:
        return sum(len(rows) for rows in self.edge_groups.values())

    def constraints(self) -> list[str]:
        return [constraint_statement(lab) for lab in self.labels]


def _value(value: Any) -> Any:
    """A property value Neo4j can store: lists homogeneous (else strings), no None inside."""
    if isinstance(value, list):
        items = [v for v in value if v is not None]
        kinds = {type(v) for v in items}
        if len(kinds) > 1 and not kinds <= {int, float}:
            items = [str(v) for v in items]
        return items
    return value


def _props(props: dict[str, Any], skip: Iterable[str] = ()) -> dict[str, Any]:
    out = {}
    for key, value in props.items():
        if key in skip or value is None:
            continue
        value = _value(value)
        if value == []:  # Neo4j cannot tell an empty list's element type; absent means empty
            continue
        out[key] = value
    return out


def plan_graph(graph: PropertyGraph) -> Plan:
    """Group the projection's nodes and edges into statements; validates every label and type."""
    plan = Plan()
    seen_labels: set[str] = {MARK}
    primary: dict[str, str] = {}
    for node in graph.nodes.values():
        if not node.labels:
            continue
        labels = tuple(sorted(set(node.labels)))
        for lab in labels:
            label(lab)  # validates: raises UnsafeName
        seen_labels.update(labels)
        key = (primary_label(labels), *[lab for lab in labels if lab != primary_label(labels)])
        plan.node_groups.setdefault(key, []).append({"id": node.id, "props": _props(node.props, skip=("id",))})
        primary[node.id] = key[0]
    for edge in graph.edges:
        if edge.source not in primary or edge.target not in primary:
            continue
        rel_type(edge.type)
        key3 = (primary[edge.source], edge.type, primary[edge.target])
        plan.edge_groups.setdefault(key3, []).append(
            {"source": edge.source, "target": edge.target, "props": _props(edge.props)})
    plan.labels = sorted(seen_labels)
    plan.node_groups = dict(sorted(plan.node_groups.items()))
    plan.edge_groups = dict(sorted(plan.edge_groups.items()))
    return plan


def statement_templates(plan: Plan | None = None) -> list[str]:
    """Every statement push can send (for the parser check): constraints, node and relationship MERGEs, wipe.

    Without a plan: one of each shape over the whole vocabulary's common labels."""
    if plan is None:
        plan = Plan(labels=["Agency", "Measure", MARK],
                    node_groups={("Agency", "CollectiveBody"): [], ("Measure",): []},
                    edge_groups={("Agency", "LEADS", "Measure"): []})
    return (plan.constraints()
            + [node_statement(key) for key in plan.node_groups]
            + [relationship_statement(*key) for key in plan.edge_groups]
            + [wipe_statement()])


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield list(rows[start:start + size])


# --------------------------------------------------------------------------- push


@dataclass
class PushSummary:
    nodes: int = 0  # node rows sent (each MERGEd)
    relationships: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    labels_added: int = 0
    constraints_added: int = 0
    nodes_deleted: int = 0  # by --wipe
    relationships_deleted: int = 0

    def add(self, counters: dict[str, int]) -> None:
        for name, value in counters.items():
            setattr(self, name, getattr(self, name) + value)

    def describe(self) -> str:
        text = (f"{self.nodes} nodes ({self.nodes_created} new), {self.relationships} relationships "
                f"({self.relationships_created} new), {self.properties_set} properties set")
        if self.constraints_added:
            text += f", {self.constraints_added} constraints created"
        if self.nodes_deleted or self.relationships_deleted:
            text = (f"wiped {self.nodes_deleted} nodes and {self.relationships_deleted} relationships; "
                    + text)
        return text


_COUNTERS = ("nodes_created", "relationships_created", "properties_set", "labels_added", "constraints_added",
             "nodes_deleted", "relationships_deleted")


def _run(tx: Any, cypher: str, params: dict[str, Any]) -> dict[str, int]:
    """The unit of work given to ``session.execute_write``: the driver retries it on transient errors."""
    counters = tx.run(cypher, params).consume().counters
    return {name: int(getattr(counters, name, 0) or 0) for name in _COUNTERS}


def connect(uri: str, user: str, password: str) -> Any:
    """A neo4j driver. The password goes to the driver only; it is never printed or logged here."""
    from neo4j import GraphDatabase, basic_auth

    return GraphDatabase.driver(uri, auth=basic_auth(user, password))


def push(driver: Any, graph: PropertyGraph | Plan, *, database: str | None = None, batch_size: int = DEFAULT_BATCH,
         wipe: bool = False, progress: Callable[[int], None] | None = None) -> PushSummary:
    """Write the graph to Neo4j: constraints, then nodes, then relationships, in batches of ``batch_size``.

    Idempotent (MERGE on the constrained id). ``wipe`` first deletes every ``PinganKG`` node, so the
    database then holds exactly this graph next to whatever else it had. ``progress`` is called with the
    number of rows each batch wrote."""
    plan = graph if isinstance(graph, Plan) else plan_graph(graph)
    summary = PushSummary()
    kwargs = {"database": database} if database else {}
    with driver.session(**kwargs) as session:
        if wipe:
            while True:
                counts = session.execute_write(_run, wipe_statement(), {"limit": WIPE_BATCH})
                summary.add({k: counts[k] for k in ("nodes_deleted", "relationships_deleted")})
                if not counts["nodes_deleted"]:
                    break
        for statement in plan.constraints():
            # schema changes cannot share a transaction with data, so each goes alone, before any data
            summary.add({"constraints_added": session.execute_write(_run, statement, {})["constraints_added"]})
        for labels, rows in plan.node_groups.items():
            statement = node_statement(labels)
            for batch in _batches(rows, batch_size):
                summary.add(session.execute_write(_run, statement, {"rows": batch}))
                summary.nodes += len(batch)
                if progress:
                    progress(len(batch))
        for key, rows in plan.edge_groups.items():
            statement = relationship_statement(*key)
            for batch in _batches(rows, batch_size):
                summary.add(session.execute_write(_run, statement, {"rows": batch}))
                summary.relationships += len(batch)
                if progress:
                    progress(len(batch))
    return summary


# --------------------------------------------------------------------------- Cypher script

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    # control characters, and the line/paragraph separators some editors break lines at
    if code < 0x20 or code == 0x7F or code in (0x2028, 0x2029):
        return f"\\u{code:04x}"
    return ch


_NEEDS_ESCAPE = re.compile(r"[\\'\x00-\x1f\x7f\u2028\u2029]")


def cypher_string(text: str) -> str:
    """A Cypher string literal: ``'it\\'s'``. Quotes, backslashes, line breaks and control characters are
    escaped; other characters (Chinese) are kept as they are, the script being UTF-8."""
    return "'" + _NEEDS_ESCAPE.sub(lambda m: _escape_char(m.group()), text) + "'"


def _key(name: str) -> str:
    """A map key: bare when it is a plain name, else backticked (a backtick doubled)."""
    return name if NAME.fullmatch(name) else "`" + name.replace("`", "``") + "`"


def cypher_literal(value: Any) -> str:
    """A Python value as a Cypher literal (str, int, float, bool, None, list, dict)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"toFloat({cypher_string(str(value).replace('inf', 'Infinity'))})"
        return repr(value)
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(str(k))}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as a Cypher literal")


def _unwind(rows: Sequence[dict[str, Any]]) -> str:
    return "UNWIND [\n" + ",\n".join("  " + cypher_literal(row) for row in rows) + "\n] AS row\n"


SCRIPT_HEADER = """\
// pingan-kg: the knowledge graph as Cypher (Neo4j 5 / Aura, no plugin needed).
// Run:   cypher-shell -a neo4j://localhost:7687 -u neo4j -d neo4j -f {name}
// or paste into Neo4j Browser (multi-statement editor). Running it twice leaves the same graph (MERGE).
// Every node carries the label :PinganKG; to remove exactly this graph later:
//   MATCH (n:PinganKG) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS
// ({nodes} nodes, {edges} relationships)
"""


def write_cypher_script(graph: PropertyGraph | Plan, out: TextIO, *, batch_size: int = 500,
                        name: str = "kg.cypher") -> Plan:
    """The push statements as a plain script: each ``$rows`` becomes an escaped literal list."""
    plan = graph if isinstance(graph, Plan) else plan_graph(graph)
    out.write(SCRIPT_HEADER.format(name=name, nodes=plan.node_count, edges=plan.edge_count))
    out.write("\n// constraints first: MERGE looks nodes up by them\n")
    for statement in plan.constraints():
        out.write(statement + ";\n")
    for labels, rows in plan.node_groups.items():
        out.write(f"\n// :{':'.join(labels)} ({len(rows)})\n")
        body = _node_body(labels)
        for batch in _batches(rows, batch_size):
            out.write(_unwind(batch) + body + ";\n")
    for key, rows in plan.edge_groups.items():
        out.write(f"\n// (:{key[0]})-[:{key[1]}]->(:{key[2]}) ({len(rows)})\n")
        body = _relationship_body(*key)
        for batch in _batches(rows, batch_size):
            out.write(_unwind(batch) + body + ";\n")
    return plan


# --------------------------------------------------------------------------- neo4j-admin import

DELIMITER_CANDIDATES = (";", "|", "\x1f")  # the first that no array element contains is used


@dataclass
class AdminImport:
    directory: Path
    node_files: list[Path]
    relationship_files: list[Path]
    array_delimiter: str
    database: str

    def delimiter_option(self) -> str:
        # neo4j-admin takes a character, 'TAB' or 'U+XXXX'
        d = self.array_delimiter
        return d if d.isprintable() else f"U+{ord(d):04X}"

    def command(self) -> str:
        """The exact Neo4j 5 command (the server stopped, the database empty or to be overwritten)."""
        args = ["neo4j-admin", "database", "import", "full"]
        args += [f"--nodes={p}" for p in self.node_files]
        args += [f"--relationships={p}" for p in self.relationship_files]
        args += [f"--array-delimiter={self.delimiter_option()}", "--multiline-fields=true", self.database]
        return " ".join(shlex.quote(a) for a in args)


def _type_of(values: list[Any]) -> str:
    flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
    kinds = {type(x) for x in flat}
    if kinds == {bool}:
        base = "boolean"
    elif kinds and kinds <= {int}:
        base = "long"
    elif kinds and kinds <= {int, float}:
        base = "double"
    else:
        base = "string"
    return base + ("[]" if any(isinstance(v, list) for v in values) else "")


def _cell(value: Any, typ: str, delimiter: str) -> str:
    """A CSV cell as neo4j-admin reads it. A string (each string of a list) goes through spreadsheet_cell, as
    in every CSV this tool writes: the files open in spreadsheets (they carry a BOM for that). Numbers and
    booleans are left as they are: -3 in a :long column is a number to neo4j-admin and to a spreadsheet alike.
    Neo4j gets the quote back off with the statements ``restore_statements`` writes after the constraints."""
    if value is None:
        return ""
    if typ.endswith("[]"):
        items = value if isinstance(value, list) else [value]
        return delimiter.join(_cell(x, typ[:-2], delimiter) for x in items)
    if typ == "boolean":
        return "true" if value else "false"
    if typ == "double":
        return repr(float(value))
    if typ == "long":
        return str(value)
    return spreadsheet_cell(str(value))


def _guarded(values: Iterable[Any], typ: str) -> bool:
    """Whether spreadsheet_cell put a quote in front of any string among ``values`` of a ``typ`` column."""
    if typ.removesuffix("[]") != "string":
        return False
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if item is not None and spreadsheet_cell(str(item)) != str(item):
                return True
    return False


def restore_statements(nodes: Iterable[tuple[str, str, bool]],
                       relationships: Iterable[tuple[str, str, bool]]) -> list[str]:
    """Cypher that takes the spreadsheet guard (a leading single quote, kg.neutralise) off the properties that
    got one in the admin-import CSVs, given as (label or relationship type, key, whether it holds a list; each
    string of a list is guarded on its own). Exact, because every string cell that begins with a quote got one
    more. Nodes are matched on the label of their file (the label they are merged on)."""
    quote = cypher_string("'")

    def fix(var: str, key: str, is_list: bool) -> str:
        prop = f"{var}.{_key(key)}"
        if is_list:
            return (f"WHERE any(x IN {prop} WHERE x STARTS WITH {quote}) "
                    f"SET {prop} = [x IN {prop} | CASE WHEN x STARTS WITH {quote} THEN substring(x, 1) ELSE x END]")
        return f"WHERE {prop} STARTS WITH {quote} SET {prop} = substring({prop}, 1)"

    return ([f"MATCH (n:{label(lab)}) {fix('n', key, is_list)}" for lab, key, is_list in sorted(set(nodes))]
            + [f"MATCH ()-[r:{rel_type(type_)}]->() {fix('r', key, is_list)}"
               for type_, key, is_list in sorted(set(relationships))])


def _columns(rows: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    keys: dict[str, list[Any]] = {}
    for row in rows:
        for k, v in row["props"].items():
            keys.setdefault(k, []).append(v)
    return [(k, _type_of(vs)) for k, vs in sorted(keys.items())]


def _pick_delimiter(plan: Plan) -> str:
    used: set[str] = set()
    for groups in (plan.node_groups.values(), plan.edge_groups.values()):
        for rows in groups:
            for row in rows:
                for v in row["props"].values():
                    if isinstance(v, list):
                        used.update(ch for x in v for ch in str(x) if ch in DELIMITER_CANDIDATES)
    for candidate in DELIMITER_CANDIDATES:
        if candidate not in used:
            return candidate
    raise ValueError("every array delimiter candidate occurs inside a list value")


def _header_name(name: str) -> str:
    # header fields are name:type separated by commas; property names are ASCII words from the ontology
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", name):
        raise UnsafeName(f"property {name!r} cannot be a neo4j-admin header field")
    return name


def write_admin_import(graph: PropertyGraph | Plan, directory: Path, *, database: str = "neo4j") -> AdminImport:
    """nodes_<Label>.csv and relationships_<TYPE>.csv with typed headers, UTF-8 with a BOM (neo4j-admin
    skips it; spreadsheets need it for Chinese), fields quoted by the csv module's rules (a quote doubled),
    which neo4j-admin reads by default; text with line breaks needs --multiline-fields=true."""
    plan = graph if isinstance(graph, Plan) else plan_graph(graph)
    directory.mkdir(parents=True, exist_ok=True)
    delimiter = _pick_delimiter(plan)
    by_label: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}
    for labels, rows in plan.node_groups.items():
        by_label.setdefault(labels[0], []).extend((labels, row) for row in rows)
    node_files = []
    guarded_nodes: set[tuple[str, str, bool]] = set()  # (label, key, list?) of properties with a guarded cell
    guarded_rels: set[tuple[str, str, bool]] = set()
    for primary, items in sorted(by_label.items()):
        columns = _columns([row for _, row in items])
        guarded_nodes.update((primary, k, t.endswith("[]")) for k, t in columns
                             if _guarded((row["props"].get(k) for _, row in items), t))
        path = directory / f"nodes_{primary}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["id:ID", ":LABEL"] + [f"{_header_name(k)}:{t}" for k, t in columns])
            for labels, row in items:
                all_labels = delimiter.join(sorted({*labels, MARK}))
                writer.writerow([row["id"], all_labels] + [_cell(row["props"].get(k), t, delimiter)
                                                           for k, t in columns])
        node_files.append(path)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for (_, type_, _), rows in plan.edge_groups.items():
        by_type.setdefault(type_, []).extend(rows)
    rel_files = []
    for type_, rows in sorted(by_type.items()):
        columns = _columns(rows)
        guarded_rels.update((type_, k, t.endswith("[]")) for k, t in columns
                            if _guarded((row["props"].get(k) for row in rows), t))
        path = directory / f"relationships_{type_}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([":START_ID", ":END_ID", ":TYPE"] + [f"{_header_name(k)}:{t}" for k, t in columns])
            for row in rows:
                writer.writerow([row["source"], row["target"], type_]
                                + [_cell(row["props"].get(k), t, delimiter) for k, t in columns])
        rel_files.append(path)
    result = AdminImport(directory, node_files, rel_files, delimiter, database)
    (directory / "import.sh").write_text(
        "#!/bin/sh\n# Load these CSVs into an empty Neo4j 5 database (stop the server first; add\n"
        "# --overwrite-destination to replace an existing database). Then create the constraints in\n"
        "# constraints.cypher (cypher-shell -f constraints.cypher).\nset -e\ncd \"$(dirname \"$0\")\"\n"
        + AdminImport(Path("."), [Path(p.name) for p in node_files], [Path(p.name) for p in rel_files],
                      delimiter, database).command() + "\n", encoding="utf-8")
    statements = plan.constraints() + restore_statements(guarded_nodes, guarded_rels)
    (directory / "constraints.cypher").write_text("".join(s + ";\n" for s in statements), encoding="utf-8")
    return result

