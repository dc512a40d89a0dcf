"""Named questions: one SPARQL file each (with its Cypher twin beside it) and a thin function returning rows.

Every function takes an open store (``kg.store.open_store``) and returns ``list[dict]``. Parameters are
bound by the store's substitution mechanism, never spliced into query text.

A query file may hold lines ``# @if ?name: PATTERN``: a comment (so the file runs as written, every such
parameter unbound) unless the caller binds ?name, when the line becomes PATTERN. That lets an optional
parameter start the evaluation (``?agency pa:leads ?m .``) instead of filtering the whole answer at the end;
the values themselves still go in only through the bindings (``# @bindings``, see ``kg.store.Store.select``).
A one-line ``OPTIONAL { … }  # @lookup``, and triple patterns between the lines ``# @lookup {`` and ``# @lookup }``,
are looked up row by row in the store (``kg.store.LOOKUP_MARK``); to any other SPARQL tool the marks are comments.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.store import Store

__all__ = [
    "QUERY_NAMES",
    "agencies",
    "agency_index",
    "agency_measure_ids",
    "cypher",
    "documents",
    "lint_agencies",
    "lint_measures",
    "outcomes",
    "targets",
    "topic_agencies",
    "topic_index",
    "topic_measures",
    "jurisdiction_index",
    "measure",
    "measure_assignments",
    "measures_by_agency",
    "measures_without_lead",
    "overlap",
    "overlap_top",
    "sparql",
]

ROLE_ORDER = {"lead": 0, "co": 1, "guide": 2, "implement": 3}

QUERY_NAMES = (
    "agencies",
    "agency_index",
    "agency_measure_ids",
    "documents",
    "jurisdiction_index",
    "lint_agencies",
    "lint_measures",
    "measure",
    "measure_assignments",
    "measures_by_agency",
    "measures_without_lead",
    "outcomes",
    "overlap",
    "overlap_top",
    "partners",
    "targets",
    "topic_agencies",
    "topic_index",
    "topic_measures",
)


@cache
def sparql(name: str) -> str:
    """The text of ``queries/<name>.rq``."""
    return resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


@cache
def cypher(name: str) -> str:
    """The Cypher twin ``queries/<name>.cypher``: the same question for Neo4j Browser."""
    return resources.files(__name__).joinpath(f"{name}.cypher").read_text(encoding="utf-8")


_IF_LINE = re.compile(r"^([ \t]*)# @if \?(\w+): (.*)$", re.MULTILINE)


@cache
def _sparql_with(name: str, bound: frozenset[str]) -> str:
    """``queries/<name>.rq`` with the ``# @if ?x:`` lines of the bound parameters turned into query text."""
    return _IF_LINE.sub(lambda m: m.group(1) + m.group(3) if m.group(2) in bound else m.group(0), sparql(name))


def _select(store: Store, name: str, bindings: dict[str, Any] | None) -> list[dict]:
    """Run a named query whose optional parameters are marked ``# @if``, with only those bound."""
    return store.select(_sparql_with(name, frozenset(bindings or ())), bindings or None)


def _iri(value: str) -> Any:
    from kg.store import IRI

    return IRI(value)


def agency_index(store: Store) -> list[dict]:
    return store.select(sparql("agency_index"))


def jurisdiction_index(store: Store) -> list[dict]:
    return store.select(sparql("jurisdiction_index"))


def measures_by_agency(store: Store, agency: str, role: str | None = None) -> list[dict]:
    """Measures the agency (IRI) takes part in, optionally only in one role, in document order."""
    bindings: dict[str, Any] = {"agency": _iri(agency)}
    if role:
        bindings["role"] = role
    return store.select(sparql("measures_by_agency"), bindings)


def agency_measure_ids(store: Store, agency: str) -> set[str]:
    """The ids of the measures the agency (IRI) takes part in, in any role."""
    return {row["id"] for row in store.select(sparql("agency_measure_ids"), {"agency": _iri(agency)})}


def overlap(store: Store, agency_a: str, agency_b: str) -> list[dict]:
    """Measures both agencies (IRIs) take part in, with each one's role."""
    return store.select(sparql("overlap"), {"agencyA": _iri(agency_a), "agencyB": _iri(agency_b)})


def overlap_top(store: Store, agency: str | None = None) -> list[dict]:
    """All agency pairs that share at least one measure, most shared first; with ``agency`` (IRI) only the
    pairs it is in: the same rows, in the same order, as filtering all of them, without computing them all."""
    if agency is None:
        return store.select(sparql("overlap_top"))
    return sorted(store.select(sparql("partners"), {"agency": _iri(agency)}), key=_pair_order)


def _pair_order(row: dict) -> tuple:
    """overlap_top.rq's ORDER BY (strings compare by code point in SPARQL as in Python)."""
    return (-row["shared"], -row["jaccard"], row["nameA"], row["nameB"], row["agencyA"], row["agencyB"],
            row["jurisdiction"])


def agencies(store: Store, place: str | None = None) -> list[dict]:
    """Every agency with its measure counts by role; ``place`` is a jurisdiction IRI."""
    return store.select(sparql("agencies"), {"place": _iri(place)} if place else None)


def measures_without_lead(store: Store, place: str | None = None) -> list[dict]:
    """Measures no agency leads; ``place`` is a jurisdiction IRI."""
    return _select(store, "measures_without_lead", _optional(place=place))


def measure(store: Store, measure_id: str) -> dict | None:
    rows = store.select(sparql("measure"), {"id": measure_id})
    return rows[0] if rows else None


def measure_assignments(store: Store, measure_id: str) -> list[dict]:
    rows = store.select(sparql("measure_assignments"), {"id": measure_id})

    def position(row: dict) -> tuple[int, int]:
        # assignment IRIs end in /a<n>; sort numerically, not as strings (a10 after a9)
        tail = str(row["a"]).rsplit("/a", 1)[-1]
        return (ROLE_ORDER.get(row["role"], 9), int(tail) if tail.isdigit() else 0)

    return sorted(rows, key=position)


def _optional(**values: Any) -> dict[str, Any] | None:
    """Bindings for the parameters that were given; IRIs are wrapped so they bind as IRIs."""
    bound = {name: _iri(value) for name, value in values.items() if value}
    return bound or None


def _having(rows: list[dict], column: str, iri: str | None) -> list[dict]:
    """Rows whose space-separated IRI list ``column`` contains ``iri`` (all rows when ``iri`` is None)."""
    if not iri:
        return rows
    return [r for r in rows if iri in (r.get(column) or "").split()]


def targets(
    store: Store,
    agency: str | None = None,
    topic: str | None = None,
    due: int | None = None,
    lead: str | None = None,
) -> list[dict]:
    """Targets (quantitative obligations) with their measure and lead agencies, one row each; ``agency``
    keeps the measures that agency takes part in, ``lead`` those it leads, ``topic`` those on that topic or a
    narrower one (IRIs), ``due`` the targets due by the end of that year (a stated deadline).

    Each is bound in the query, which then starts from it. The lists in a row (``leads`` names joined by 、,
    ``agencies`` and ``topics`` IRIs joined by spaces) are sorted: their order in the query's answer follows
    its evaluation, which changes with what is bound."""
    bindings = _optional(agency=agency, lead=lead, topic=topic) or {}
    if due is not None:
        bindings["due"] = due
    return [_sorted_lists(row) for row in _select(store, "targets", bindings)]


_LISTS = (("leads", "、"), ("agencies", " "), ("topics", " "))


def _sorted_lists(row: dict, lists: tuple[tuple[str, str], ...] = _LISTS) -> dict:
    for column, separator in lists:
        value = row.get(column)
        if value and separator in value:
            row[column] = separator.join(sorted(value.split(separator)))
    return row


def outcomes(store: Store, agency: str | None = None, topic: str | None = None) -> list[dict]:
    """Reported outcomes with the agency credited, one row each; filters are IRIs (the agency is bound in the
    query, which then starts from it; the topic is filtered here, on the ?topics list)."""
    rows = _select(store, "outcomes", _optional(agency=agency))
    for row in rows:
        # The whole-graph join this query used before listed an outcome's topics in the reverse order of the
        # lookups that now make the list; keep the order the rows always had.
        if row.get("topics"):
            row["topics"] = " ".join(reversed(row["topics"].split(" ")))
    return _having(rows, "topics", topic)


def topic_index(store: Store) -> list[dict]:
    return store.select(sparql("topic_index"))


def topic_measures(store: Store, topic: str | None = None, place: str | None = None) -> list[dict]:
    """Measures about a topic (or a narrower one) with their leads and partners; filters are IRIs. The names in
    ``leads`` and ``partners`` (joined by 、) are sorted: their order in the query's answer follows its evaluation."""
    rows = store.select(sparql("topic_measures"), _optional(topic=topic, place=place))
    return [_sorted_lists(row, (("leads", "、"), ("partners", "、"))) for row in rows]


def topic_agencies(
    store: Store, topic: str | None = None, place: str | None = None, agency: str | None = None
) -> list[dict]:
    """Per topic and place, the agencies carrying it by role and how many measures each; filters are IRIs.

    The agency goes first among the bindings: pyoxigraph 0.5 starts from the VALUES written first, and from the
    place (8k measures at 100k) one agency's topics took 0.46 s, from the agency 0.19 s, same rows."""
    return store.select(sparql("topic_agencies"), _optional(agency=agency, topic=topic, place=place))


def lint_measures(store: Store) -> list[dict]:
    return store.select(sparql("lint_measures"))


def lint_agencies(store: Store) -> list[dict]:
    return store.select(sparql("lint_agencies"))


def documents(store: Store) -> list[dict]:
    return store.select(sparql("documents"))
