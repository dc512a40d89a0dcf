"""Check a built graph against ``ontology/shapes.ttl`` and say what is wrong in a few lines.

pySHACL's own report is a page per violation; users want one line each: the node,
the property, and the shape's message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ontology import ontology_path, shapes_path
from ontology.ns import PREFIXES, SH

if TYPE_CHECKING:
    import rdflib

    from kg.store import Store

__all__ = ["validate_graph", "validate_store"]

# Longest namespace first, so id: wins over a shorter prefix of it.
_SHORT = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def _short(term: object) -> str:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        for prefix, namespace in _SHORT:
            if term.startswith(namespace):
                return f"{prefix}:{term[len(namespace) :]}"
        return f"<{term}>"
    if isinstance(term, rdflib.BNode):
        return "[]"  # a blank path such as ^pa:hasAssignment; the message says which
    return str(term)


def _describe(data: rdflib.Graph, node: object) -> str:
    # Agency and place IRIs are hashes; the name makes the line readable.
    import rdflib

    label = data.value(node, rdflib.SKOS.prefLabel) if node is not None else None
    return f"{_short(node)} ({label})" if label is not None else _short(node)


def _shorten_iris(text: str) -> str:
    # Messages of SPARQL constraints quote whole IRIs ({?value}); prefixed names read better.
    for prefix, namespace in _SHORT:
        text = text.replace(namespace, prefix + ":")
    return text


def _path(graph: rdflib.Graph, path: object) -> str:
    import rdflib

    inverse = graph.value(path, rdflib.URIRef(SH + "inversePath")) if isinstance(path, rdflib.BNode) else None
    if inverse is not None:
        return "^" + _short(inverse)
    return _short(path) if path is not None else "-"


def validate_graph(data: rdflib.Graph) -> tuple[bool, str]:
    """Validate an rdflib graph; return (conforms, report with one line per problem)."""
    import rdflib
    from pyshacl import validate

    shapes = rdflib.Graph().parse(shapes_path())
    ontology = rdflib.Graph().parse(ontology_path())
    # ont_graph gives pySHACL the class hierarchy (pa:CollectiveBody ⊑ pa:Agency); no inference,
    # because the graph already states every type it needs and RDFS closure over a big graph is slow.
    conforms, results, _text = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        allow_warnings=True,
    )
    if not isinstance(results, rdflib.Graph):  # pySHACL's ValidationFailure: the shapes are broken
        return False, f"the shapes could not be run: {results}"
    sh = rdflib.Namespace(SH)
    lines: list[str] = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = _short(results.value(result, sh.resultSeverity)).removeprefix("sh:")
        focus = _describe(data, results.value(result, sh.focusNode))
        path = _path(results, results.value(result, sh.resultPath))
        message = _shorten_iris(str(results.value(result, sh.resultMessage) or "(no message)"))
        lines.append(f"{severity}: {focus} {path}: {message}")
    lines.sort()
    if not lines:
        return bool(conforms), "the graph conforms to the pingan-kg shapes"
    violations = sum(1 for line in lines if line.startswith("Violation"))
    head = f"{violations} violation(s), {len(lines) - violations} warning(s) or note(s)"
    return bool(conforms), "\n".join([head, *lines])


def validate_store(store: Store) -> tuple[bool, str]:
    """Validate the union of all document graphs of an open store."""
    return validate_graph(store.union_graph())
