"""The pingan-kg vocabulary: ``pingan.ttl`` (OWL), ``shapes.ttl`` (SHACL) and ``ns`` (IRIs)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ontology_path", "shapes_path", "topics_path"]


def _asset(name: str) -> Path:
    # The package is installed from a directory (editable or wheel), never a zip, so the
    # resource is a real file beside this one that rdflib and pySHACL can open by path (importlib.resources
    # would cost every command ≈ 5 ms of imports for the same path).
    return Path(__file__).with_name(name)


def ontology_path() -> Path:
    """Path of ``pingan.ttl``, the OWL ontology."""
    return _asset("pingan.ttl")


def shapes_path() -> Path:
    """Path of ``shapes.ttl``, the SHACL shapes a built graph must pass."""
    return _asset("shapes.ttl")


def topics_path() -> Path:
    """Path of ``topics.ttl``, the SKOS scheme of work topics (禁毒, 校园安全 …)."""
    return _asset("topics.ttl")
