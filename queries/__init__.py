"""Named questions: one SPARQL file each (with its Cypher twin beside it) and a thin function returning rows.

Every function takes an open store (``kg.store.open_store``) and returns ``list[dict]``. Parameters are
bound by the store's substitution mechanism, never spliced into query text.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.store import Store

__all__ = [
    "QUERY_NAMES",
    "agencies",
    "agency_index",
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


def overlap(store: Store, agency_a: str, agency_b: str) -> list[dict]:
    """Measures both agencies (IRIs) take part in, with each one's role."""
    return store.select(sparql("overlap"), {"agencyA": _iri(agency_a), "agencyB": _iri(agency_b)})


def overlap_top(store: Store) -> list[dict]:
    """All agency pairs that share at least one measure, most shared first."""
    return store.select(sparql("overlap_top"))


def agencies(store: Store, place: str | None = None) -> list[dict]:
    """Every agency with its measure counts by role; ``place`` is a jurisdiction IRI."""
    return store.select(sparql("agencies"), {"place": _iri(place)} if place else None)


def measures_without_lead(store: Store, place: str | None = None) -> list[dict]:
    """Measures no agency leads; ``place`` is a jurisdiction IRI."""
    return store.select(sparql("measures_without_lead"), {"place": _iri(place)} if place else None)


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


def targets(store: Store, agency: str | None = None, topic: str | None = None) -> list[dict]:
    """Targets (quantitative obligations) with their measure and lead agencies, one row each; ``agency``
    keeps the measures that agency takes part in, ``topic`` those on that topic or a narrower one (IRIs)."""
    rows = store.select(sparql("targets"))
    return _having(_having(rows, "agencies", agency), "topics", topic)


def outcomes(store: Store, agency: str | None = None, topic: str | None = None) -> list[dict]:
    """Reported outcomes with the agency credited, one row each; filters are IRIs."""
    rows = store.select(sparql("outcomes"))
    if agency:
        rows = [r for r in rows if r.get("agency") == agency]
    return _having(rows, "topics", topic)


def topic_index(store: Store) -> list[dict]:
    return store.select(sparql("topic_index"))


def topic_measures(store: Store, topic: str | None = None, place: str | None = None) -> list[dict]:
    """Measures about a topic (or a narrower one) with their leads and partners; filters are IRIs."""
    return store.select(sparql("topic_measures"), _optional(topic=topic, place=place))


def topic_agencies(store: Store, topic: str | None = None, place: str | None = None) -> list[dict]:
    """Per topic and place, the agencies carrying it by role and how many measures each."""
    return store.select(sparql("topic_agencies"), _optional(topic=topic, place=place))


def lint_measures(store: Store) -> list[dict]:
    return store.select(sparql("lint_measures"))


def lint_agencies(store: Store) -> list[dict]:
    return store.select(sparql("lint_agencies"))


def documents(store: Store) -> list[dict]:
    return store.select(sparql("documents"))
