"""The graph for other tools: RDF (Turtle, N-Triples, N-Quads, JSON-LD), GraphML, GEXF and CSV; read-only SPARQL.

RDF exports are the store's union graph (what every query reads), serialised by pyoxigraph (fast at 1M
triples; rdflib's Turtle writer takes a minute there). Reading one back gives a graph isomorphic to the store's
(``rdflib.compare.isomorphic``; tested). N-Quads keeps one named graph per document instead.

GraphML, GEXF and CSV are the property graph of kg.projection, the same one Neo4j gets.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kg.projection import PropertyGraph

if TYPE_CHECKING:
    from kg.sparql_limits import Answer, Limits

__all__ = [
    "LIST_SEPARATOR",
    "RDF_FORMATS",
    "QueryResult",
    "ReadOnlyError",
    "networkx_for_files",
    "check_sparql",
    "run_sparql",
    "write_csv",
    "write_gexf",
    "write_graphml",
    "write_ontology",
    "write_rdf",
]

RDF_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "nq": "N_QUADS", "jsonld": "JSON_LD"}
LIST_SEPARATOR = "|"  # GraphML, GEXF and CSV cells have no list type: 市公安局|公安局


def write_rdf(store: Any, fmt: str, out: IO[bytes]) -> None:
    """Write the store as RDF; ``fmt`` is a key of RDF_FORMATS."""
    from pyoxigraph import RdfFormat, serialize

    from ontology.ns import PREFIXES

    if fmt == "nq":
        out.write(store.dump_nquads())
        return
    if fmt == "nt" and not store.has_sparql_index:  # the cached graphs are N-Triples already: copy them through
        for chunk in store.union_chunks():
            out.write(chunk)
        return
    rdf_format = getattr(RdfFormat, RDF_FORMATS[fmt])
    triples = (q.triple for q in store.triples())
    prefixes = PREFIXES if fmt in ("ttl", "jsonld") else None
    serialize(triples, out, format=rdf_format, prefixes=prefixes)


def write_ontology(directory: Path) -> list[Path]:
    """Copy the ontology, the SHACL shapes and the topic scheme into ``directory``."""
    from ontology import ontology_path, shapes_path, topics_path

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for source in (ontology_path(), shapes_path(), topics_path()):
        target = directory / source.name
        shutil.copyfile(source, target)
        written.append(target)
    return written


# --------------------------------------------------------------------------- property-graph files


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def networkx_for_files(graph: PropertyGraph) -> Any:
    """kg.projection.to_networkx with lists joined (GraphML and GEXF have no list type) and no None values;
    each node's ``label`` is its Chinese name where it has one, so Gephi and yEd show it."""
    from kg.projection import to_networkx

    g = to_networkx(graph)
    for _, data in g.nodes(data=True):
        for key in [k for k, v in data.items() if v is None]:
            del data[key]
        for key, value in list(data.items()):
            data[key] = _flat(value)
    for node_id, data in g.nodes(data=True):
        data["label"] = str(data.get("prefLabel") or data.get("title") or data.get("key") or node_id)
    for _, _, data in g.edges(data=True):
        for key in [k for k, v in data.items() if v is None]:
            del data[key]
        for key, value in list(data.items()):
            data[key] = _flat(value)
    return g


def write_graphml(graph: PropertyGraph, out: IO[bytes]) -> None:
    import networkx as nx

    # infer_numeric_types: a key holding ints on some nodes and floats on others is declared double
    nx.write_graphml(networkx_for_files(graph), out, encoding="utf-8", infer_numeric_types=True)


def write_gexf(graph: PropertyGraph, out: IO[bytes]) -> None:
    import networkx as nx

    g = networkx_for_files(graph)
    for _, _, data in g.edges(data=True):
        # GEXF's own edge attribute "type" means directed/undirected; keep ours as relationship
        data["relationship"] = data.pop("type")
    nx.write_gexf(g, out, encoding="utf-8")


def write_csv(graph: PropertyGraph, directory: Path) -> list[Path]:
    """nodes.csv (id, labels, then every property) and edges.csv (source, type, target, properties); UTF-8
    with a BOM so spreadsheets show Chinese; lists joined with LIST_SEPARATOR; a cell that would start a
    spreadsheet formula has a single quote in front (kg.neutralise)."""
    directory.mkdir(parents=True, exist_ok=True)
    node_keys = sorted({k for n in graph.nodes.values() for k in n.props} - {"id"})
    edge_keys = sorted({k for e in graph.edges for k in e.props})
    nodes, edges = directory / "nodes.csv", directory / "edges.csv"
    with open(nodes, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["id", "labels", *node_keys])
        for n in graph.nodes.values():
            writer.writerow([_sheet(n.id), _sheet(LIST_SEPARATOR.join(n.labels))]
                            + [_sheet(n.props.get(k)) for k in node_keys])
    with open(edges, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["source", "type", "target", *edge_keys])
        for e in graph.edges:
            writer.writerow([_sheet(e.source), _sheet(e.type), _sheet(e.target)]
                            + [_sheet(e.props.get(k)) for k in edge_keys])
    return [nodes, edges]


def _sheet(value: Any) -> str:
    """A cell of nodes.csv/edges.csv: lists joined, then kg.neutralise.spreadsheet_cell (these files are for
    spreadsheets: a cell that would start a formula gets a single quote in front; plain numbers do not)."""
    from kg.neutralise import spreadsheet_cell

    if value is None:
        return ""
    value = _flat(value)
    return spreadsheet_cell(repr(value) if isinstance(value, float) else str(value))


# --------------------------------------------------------------------------- SPARQL


class ReadOnlyError(ValueError):
    """An update was given to a read-only command."""


@dataclass
class QueryResult:
    kind: str  # "select" | "ask" | "graph"
    columns: list[str]
    rows: list[dict[str, Any]]
    boolean: bool | None = None
    triples: list[Any] | None = None
    truncated: bool = False  # rows beyond Limits.max_rows were left out


def _is_update(text: str) -> bool:
    """Whether the text parses as a SPARQL Update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD).
    rdflib's parser only parses: nothing is executed, nothing is fetched."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # any parse failure: not an update
        return False
    return True


def _evaluate(index: Path | None, text: str, limits: Limits | None) -> Answer:
    """kg.sparql_limits.evaluate, with SERVICE refused first unless allowed, and a syntax error that is an
    update said to be one."""
    from kg.sparql_limits import Limits, QuerySyntaxError, evaluate, refuse_service

    limits = limits or Limits()
    refuse_service(text, limits.allow_service)
    try:
        return evaluate(index, text, limits)
    except QuerySyntaxError as exc:
        if _is_update(text):
            raise ReadOnlyError("kg sparql is read-only: this is a SPARQL update (INSERT/DELETE/LOAD/CLEAR/…); "
                                "only SELECT, ASK, CONSTRUCT and DESCRIBE are run") from None
        raise ValueError(f"not a SPARQL query: {exc}") from None


def check_sparql(text: str, limits: Limits | None = None) -> None:
    """Raise what ``run_sparql`` raises for an update, a syntax error or a SERVICE, without opening (or
    building) the store's SPARQL index: the query is run over an empty graph, under the same limits (over no
    triples a query of VALUES tables alone can still run away)."""
    _evaluate(None, text, limits)


def run_sparql(store: Any, text: str, limits: Limits | None = None) -> QueryResult:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE over the store's union graph, in a child process under
    ``limits`` (kg.sparql_limits; default: its defaults). An update is refused with ReadOnlyError, a SERVICE
    (unless allowed) with FederatedQuery, a syntax error is a ValueError with the parser's message; a query
    stopped at a limit raises QueryStopped. pyoxigraph's ``query`` parses its input as a query only, so an update
    can never run here whatever it looks like."""
    from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

    from kg.store import _to_python

    answer = _evaluate(store.sparql_index_path(), text, limits)
    if answer.kind == "ask":
        return QueryResult("ask", ["result"], [{"result": answer.boolean}], boolean=answer.boolean)
    if answer.kind == "select":
        results = parse_query_results(answer.body, QueryResultsFormat.TSV)
        names = [v.value for v in results.variables]
        rows = [{name: _to_python(solution[name]) for name in names} for solution in results]
        return QueryResult("select", names, rows, truncated=answer.truncated)
    triples = [quad.triple for quad in parse(answer.body, RdfFormat.N_TRIPLES)]
    rows = [{"subject": _to_python(t.subject), "predicate": t.predicate.value, "object": _to_python(t.object)}
            for t in triples]
    return QueryResult("graph", ["subject", "predicate", "object"], rows, triples=triples,
                       truncated=answer.truncated)


def serialize_triples(triples: list[Any], fmt: str) -> bytes:
    from pyoxigraph import RdfFormat, serialize

    from ontology.ns import PREFIXES

    if fmt == "nt":
        return serialize(triples, format=RdfFormat.N_TRIPLES)
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES)
