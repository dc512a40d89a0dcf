"""Every named question is a SPARQL file with a Cypher twin, and every SPARQL file parses."""

from __future__ import annotations

import doctest
import importlib
from importlib import resources

import pytest

import queries


def rq_names() -> list[str]:
    return sorted(p.name[:-3] for p in resources.files("queries").iterdir() if p.name.endswith(".rq"))


def test_every_query_has_a_cypher_twin_and_is_listed() -> None:
    names = rq_names()
    assert names == sorted(queries.QUERY_NAMES)
    for name in names:
        assert queries.cypher(name).strip(), f"queries/{name}.cypher is empty"
        assert queries.sparql(name).lstrip().startswith("#"), f"queries/{name}.rq needs a comment saying its question"


@pytest.mark.parametrize("name", rq_names())
def test_sparql_parses_and_runs_on_an_empty_store(name: str) -> None:
    import pyoxigraph

    from ontology.ns import PREFIXES

    results = pyoxigraph.Store().query(queries.sparql(name), prefixes=PREFIXES)
    assert list(results) == []  # an empty store answers every question with no rows


@pytest.mark.parametrize("module", ["loaders", "loaders.topics", "loaders.checks", "loaders.numbers"])
def test_docstring_examples_run(module: str) -> None:
    failed, _ = doctest.testmod(importlib.import_module(module))
    assert failed == 0
