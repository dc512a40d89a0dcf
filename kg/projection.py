"""The one mapping from the RDF graph to a property graph, for networkx, pyvis and Neo4j alike.

- every IRI with an ``rdf:type`` becomes a node; each type's local name is a label (pa:Agency → ``Agency``,
  oa:TextQuoteSelector → ``TextQuoteSelector``); its IRI is the ``id`` property;
- a predicate whose object is such a node becomes a relationship, its local name in UPPER_SNAKE
  (pa:coResponsibleFor → ``CO_RESPONSIBLE_FOR``, pa:inDocument → ``IN_DOCUMENT``, dct:subject → ``SUBJECT``);
- a literal becomes a property named by the predicate's local name (``prefLabel``, ``measureId``); a
  predicate with several values becomes a list (``altLabel``); a language-tagged literal other than
  Chinese or untagged is suffixed with its tag (``prefLabel_en``).

One rule is specific, and says why: an assignment (pa:Assignment) is the RDF way of putting properties on a
relationship, so its basis, written name and evidence (file, line, quote) are copied onto the agency's
shortcut edge (``LEADS`` …) it stands for — where a Cypher user looks for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ontology.ns import PA, RDF

__all__ = ["Edge", "Node", "PropertyGraph", "label_of", "project", "relationship_type", "to_networkx"]

_TYPE = RDF + "type"
_SHORTCUTS = {PA + "Lead": "LEADS", PA + "CoResponsible": "CO_RESPONSIBLE_FOR", PA + "Guide": "GUIDES",
              PA + "Implement": "IMPLEMENTS"}


@dataclass
class Node:
    id: str
    labels: list[str] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class Edge:
    source: str
    type: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class PropertyGraph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def nodes_with(self, label: str) -> list[Node]:
        return [n for n in self.nodes.values() if label in n.labels]


# A graph has a few dozen predicates and types and millions of triples: each name is worked out once.
@cache
def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def label_of(type_iri: str) -> str:
    """pa:Agency → Agency."""
    return local_name(type_iri)


@cache
def relationship_type(predicate: str) -> str:
    """pa:coResponsibleFor → CO_RESPONSIBLE_FOR."""
    name = local_name(predicate)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


@cache
def _property_name(predicate: str, language: str | None) -> str:
    name = local_name(predicate)
    return f"{name}_{language}" if language and language != "zh" else name


def project(triples: Iterable[Any]) -> PropertyGraph:
    """Project RDF triples (pyoxigraph quads or triples) into a property graph."""
    from pyoxigraph import Literal, NamedNode

    from kg.store import _default_converter

    to_python = _default_converter()
    types: dict[str, list[str]] = {}
    links: list[tuple[str, str, str]] = []
    literals: list[tuple[str, str, Any]] = []
    for t in triples:
        s, o = t.subject, t.object
        if type(s) is not NamedNode:
            continue
        p = t.predicate.value
        kind = type(o)
        if kind is NamedNode:
            if p == _TYPE:
                types.setdefault(s.value, []).append(label_of(o.value))
            else:
                links.append((s.value, p, o.value))
        elif kind is Literal:
            literals.append((s.value, _property_name(p, o.language), to_python(o)))
    graph = PropertyGraph({iri: Node(iri, sorted(set(labels)), {"id": iri}) for iri, labels in sorted(types.items())})
    for s, name, value in sorted(literals, key=lambda x: (x[0], x[1], str(x[2]))):
        node = graph.nodes.get(s)
        if node is None:
            continue
        if name in node.props and name != "id":
            old = node.props[name]
            node.props[name] = (old if isinstance(old, list) else [old]) + [value]
        else:
            node.props[name] = value
    for node in graph.nodes.values():  # names that may hold several values are always lists
        if "altLabel" in node.props and not isinstance(node.props["altLabel"], list):
            node.props["altLabel"] = [node.props["altLabel"]]
    shortcut_edges: dict[tuple[str, str, str], Edge] = {}
    for s, p, o in sorted(set(links)):
        if s in graph.nodes and o in graph.nodes:
            edge = Edge(s, relationship_type(p), o)
            graph.edges.append(edge)
            shortcut_edges[(s, edge.type, o)] = edge
    _copy_assignments_onto_shortcuts(graph, links, shortcut_edges)
    return graph


def _copy_assignments_onto_shortcuts(graph: PropertyGraph, links: list[tuple[str, str, str]],
                                     edges: dict[tuple[str, str, str], Edge]) -> None:
    out: dict[str, dict[str, str]] = {}
    for s, p, o in links:
        out.setdefault(s, {})[local_name(p)] = o
    for s, p, o in links:
        if local_name(p) != "hasAssignment":
            continue
        a = out.get(o, {})
        edge = edges.get((a.get("agency", ""), _SHORTCUTS.get(a.get("role", ""), ""), s))
        if edge is None:
            continue
        assignment = graph.nodes[o].props
        evidence = graph.nodes.get(a.get("evidence", ""), Node("")).props
        edge.props.update({"basis": assignment.get("basis"), "asWritten": assignment.get("asWritten"),
                           "quote": evidence.get("exact"), "line": evidence.get("line"),
                           "sourceFile": evidence.get("sourceFile")})


def to_networkx(graph: PropertyGraph) -> Any:
    """A networkx MultiDiGraph: node attributes are the properties plus ``labels``; edge key is the type."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for node in graph.nodes.values():
        g.add_node(node.id, labels=list(node.labels), **{k: v for k, v in node.props.items() if k != "id"})
    for edge in graph.edges:
        g.add_edge(edge.source, edge.target, key=edge.type, type=edge.type, **edge.props)
    return g
