"""Namespace IRIs and instance IRIs of the pingan-kg graph, as plain strings.

No rdflib here: the CLI, the triple writer and the queries import this module,
and it must cost nothing. The IRI patterns are the vocabulary contract in
``ontology/README.md``; change them there first.
"""

from __future__ import annotations

from urllib.parse import quote

__all__ = [
    "DCT",
    "ID",
    "OA",
    "ORG",
    "OWL",
    "PA",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "ROLE_IRIS",
    "SH",
    "SKOS",
    "XSD",
    "agency_iri",
    "assignment_iri",
    "doc_graph_iri",
    "doc_iri",
    "evidence_iri",
    "measure_iri",
    "place_iri",
    "role_iri",
]

PA = "https://w3id.org/pingan-kg/ns#"
ID = "https://w3id.org/pingan-kg/id/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"

# Prefix name -> namespace, for SPARQL (Store.select passes these as default prefixes)
# and for shortening IRIs in human-readable reports.
PREFIXES: dict[str, str] = {
    "pa": PA,
    "id": ID,
    "org": ORG,
    "skos": SKOS,
    "dct": DCT,
    "prov": PROV,
    "oa": OA,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "sh": SH,
}

# Role code (loaders.model.ROLES) -> role individual.
ROLE_IRIS: dict[str, str] = {
    "lead": PA + "Lead",
    "co": PA + "CoResponsible",
    "guide": PA + "Guide",
    "implement": PA + "Implement",
}


def _safe(segment: str) -> str:
    # Ids are meant to be ASCII (hex digests, "<doc>-001"), but a hand-made id with a
    # space or a Chinese character must still give a valid IRI, so percent-encode
    # everything outside RFC 3986 "unreserved".
    return quote(segment, safe="-._~")


def _digest(name: str) -> str:
    # Names are Chinese and may hold brackets (各县(市区)党委); a hash keeps the IRI
    # ASCII and stable. 16 hex digits = 64 bits: collisions are not a practical concern.
    import hashlib  # here: its import (OpenSSL) is ≈ 7 ms of every command, and only agency and place IRIs need it

    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:16]


def doc_iri(doc_id: str) -> str:
    return f"{ID}doc/{_safe(doc_id)}"


def doc_graph_iri(doc_id: str) -> str:
    """The named graph holding every triple of one document."""
    return f"{ID}doc/{_safe(doc_id)}/graph"


def measure_iri(measure_id: str) -> str:
    return f"{ID}measure/{_safe(measure_id)}"


def assignment_iri(measure_id: str, n: int) -> str:
    """The n-th (1-based) assignment of a measure."""
    return f"{measure_iri(measure_id)}/a{n}"


def evidence_iri(measure_id: str, k: int) -> str:
    """The k-th (1-based) distinct quote selector of a measure: its assignments and targets that cite the same
    words on the same line share one, numbered in the order first cited."""
    return f"{measure_iri(measure_id)}/e{k}"


def agency_iri(canonical_name: str) -> str:
    return f"{ID}agency/{_digest(canonical_name)}"


def place_iri(name: str) -> str:
    return f"{ID}place/{_digest(name)}"


def role_iri(role: str) -> str:
    """The role individual for a role code; KeyError names an unknown code."""
    try:
        return ROLE_IRIS[role]
    except KeyError:
        raise KeyError(f"unknown role {role!r}; expected one of {', '.join(ROLE_IRIS)}") from None


def target_iri(measure_id: str, n: int) -> str:
    """The n-th (1-based) target of a measure."""
    return f"{measure_iri(measure_id)}/t{n}"


def outcome_iri(doc_id: str, n: int) -> str:
    """The n-th (1-based) reported outcome of a document."""
    return f"{doc_iri(doc_id)}/o{n}"


def topic_iri(slug: str) -> str:
    """A concept of the topic scheme (ontology/topics.ttl), by its notation."""
    return f"{ID}topic/{_safe(slug)}"


TOPIC_SCHEME_GRAPH = f"{ID}topic/scheme/graph"
