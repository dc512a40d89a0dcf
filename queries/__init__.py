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
    "jurisdiction_index",
    "measure",
    "measure_assignments",
    "measures_by_agency",
    "measures_without_lead",
    "overlap",
    "overlap_top",
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
