"""Named questions: one SPARQL file each, with its SQL and Cypher twins beside it, and a thin function returning
rows.

Every function takes an open store (``kg.store.open_store``) and returns ``list[dict]``. The store answers from
its question tables (``queries/<name>.sql`` over kg/tables.py: milliseconds at any size) when it has them, and
from SPARQL (``queries/<name>.rq``) otherwise or when ``store.prefer_sparql`` is set; both give the same rows
(tests/test_sql_twins.py). Parameters are bound by the store's substitution mechanism (SQL named parameters,
SPARQL bindings), never spliced into query text. A ``.sql`` file may hold lines ``-- @if :name: SQL``, kept only
when :name is bound, as the ``.rq`` files do with ``# @if``.

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
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kg.store import Store

__all__ = [
    "QUERY_NAMES",
    "agencies",
    "agency_categories",
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
    "sql",
    "top_pairs",
]

ROLE_ORDER = {"lead": 0, "co": 1, "guide": 2, "implement": 3}

QUERY_NAMES = (
    "agencies",
    "agency_categories",
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
    return _text(f"{name}.rq")


@cache
def cypher(name: str) -> str:
    """The Cypher twin ``queries/<name>.cypher``: the same question for Neo4j Browser."""
    return _text(f"{name}.cypher")


@cache
def sql(name: str) -> str:
    """The SQL twin ``queries/<name>.sql``: the same question over the store's tables (kg/tables.py)."""
    return _text(f"{name}.sql")


def _text(file: str) -> str:
    # the files are installed beside this one (editable or wheel, never zipped: see ontology._asset)
    return (Path(__file__).parent / file).read_text(encoding="utf-8")


_IF_LINE = re.compile(r"^([ \t]*)# @if \?(\w+): (.*)$", re.MULTILINE)
_SQL_IF_LINE = re.compile(r"^([ \t]*)-- @if :(\w+): (.*)$", re.MULTILINE)


@cache
def _sparql_with(name: str, bound: frozenset[str]) -> str:
    """``queries/<name>.rq`` with the ``# @if ?x:`` lines of the bound parameters turned into query text."""
    return _IF_LINE.sub(lambda m: m.group(1) + m.group(3) if m.group(2) in bound else m.group(0), sparql(name))


@cache
def _sql_with(name: str, bound: frozenset[str], columns: tuple[str, ...] | None = None) -> str:
    """``queries/<name>.sql`` with the ``-- @if :x:`` lines of the bound parameters turned into query text;
    with ``columns``, only those of its result columns.

    The question is wrapped as a subquery, which SQLite flattens into the outer one (so the columns left out
    are never computed, and the subquery's ORDER BY becomes the outer query's: tests/test_sql_twins.py checks
    that the rows come in the same order)."""
    text = _SQL_IF_LINE.sub(lambda m: m.group(1) + m.group(3) if m.group(2) in bound else m.group(0), sql(name))
    if columns is None:
        return text
    listed = ", ".join('"' + column.replace('"', '""') + '"' for column in columns)
    return f"SELECT {listed} FROM (\n{text}\n)"


class _Key(str):
    """A parameter that is an IRI (an agency, a place, a topic): bound as an IRI in SPARQL, as its key in SQL."""


def _key(iri: str | None) -> _Key | None:
    """An optional IRI parameter: None (left unbound) when not given."""
    return _Key(iri) if iri else None


def _ask(store: Store, name: str, sparql_name: str | None = None, columns: tuple[str, ...] | None = None,
         **params: Any) -> Sequence[dict]:
    """The rows of question ``name`` with the given parameters (None ones are left unbound).

    From the store's tables (``queries/<name>.sql``) when it has them, else from SPARQL
    (``queries/<sparql_name or name>.rq``); the two give the same rows (tests/test_sql_twins.py). ``columns``
    keeps only those columns of each row, in the same order: a big answer then costs only what the caller shows
    (most of its time is spent turning SQLite's values into Python ones), and from the tables it comes as a
    kg.tables.Answer, a sequence of rows that are made dicts only when read one by one."""
    bound = {k: v for k, v in params.items() if v is not None}
    if not _from_tables(store):
        from kg.store import IRI

        bindings = {k: IRI(v) if isinstance(v, _Key) else v for k, v in bound.items()}
        rows = store.select(_sparql_with(sparql_name or name, frozenset(bindings)), bindings or None)
        return rows if columns is None else [{c: row.get(c) for c in columns} for row in rows]
    from kg.tables import key_of

    values = {k: key_of(v) if isinstance(v, _Key) else v for k, v in bound.items()}
    tables = store.tables
    assert tables is not None  # _from_tables said so
    if columns is not None and "collective" not in columns:
        # a caller that names its columns reads them (kg targets, kg track: tens of thousands of rows at 100k
        # measures): the rows stay tuples until it asks for one (kg.tables.Answer)
        return tables.answer(_sql_with(name, frozenset(values), columns), values)
    return _collective_as_bool(tables.rows(_sql_with(name, frozenset(values), columns), values))


def _collective_as_bool(rows: list[dict]) -> list[dict]:
    """SQLite has no booleans: EXISTS gives 0 or 1 where SPARQL gives true or false."""
    if rows and "collective" in rows[0]:
        for row in rows:
            row["collective"] = bool(row["collective"])
    return rows


def _from_tables(store: Store) -> bool:
    """Whether ``_ask`` answers from the tables, whose lists (leads, agencies, topics) are sorted already."""
    return not store.prefer_sparql and store.tables is not None


def agency_index(store: Store) -> list[dict]:
    return _ask(store, "agency_index")


def jurisdiction_index(store: Store) -> list[dict]:
    return _ask(store, "jurisdiction_index")


MEASURES_BY_AGENCY_COLUMNS = ("agency", "role", "id", "key", "heading", "basis", "asWritten", "quote", "line",
                              "title", "source", "jurisdiction", "order")


def measures_by_agency(store: Store, agency: str, role: str | None = None, place: str | None = None,
                       columns: tuple[str, ...] | None = None) -> Sequence[dict]:
    """Measures the agency (IRI) takes part in, optionally only in one role and only in the documents of one place
    (IRI), in document order; each row's jurisdiction is its document's. ``columns`` (of
    MEASURES_BY_AGENCY_COLUMNS) keeps only those columns and, from the tables, gives a kg.tables.Answer (see
    _ask): kg agency reads thousands of rows at 100k measures column by column."""
    return _ask(store, "measures_by_agency", columns=columns, agency=_Key(agency), role=role or None,
                place=_key(place))


def agency_measure_ids(store: Store, agency: str, place: str | None = None) -> set[str]:
    """The ids of the measures the agency (IRI) takes part in, in any role (in the documents of ``place``, an
    IRI, when given)."""
    return {row["id"] for row in _ask(store, "agency_measure_ids", agency=_Key(agency), place=_key(place))}


def agency_categories(store: Store, agency: str) -> list[str]:
    """The categories (公安, 检察 …) of the agency (IRI), sorted."""
    return [row["category"] for row in _ask(store, "agency_categories", agency=_Key(agency))]


def overlap(store: Store, agency_a: str, agency_b: str, place: str | None = None) -> list[dict]:
    """Measures both agencies (IRIs) take part in, with each one's role and the document's jurisdiction (only
    the documents of ``place``, an IRI, when given)."""
    return _ask(store, "overlap", agencyA=_Key(agency_a), agencyB=_Key(agency_b), place=_key(place))


def overlap_top(store: Store, agency: str | None = None, place: str | None = None) -> list[dict]:
    """All agency pairs that share at least one measure, most shared first; with ``agency`` (IRI) only the
    pairs it is in, with ``place`` (IRI) only the pairs counted in that place's documents: the same rows, in the
    same order, as filtering all of them, without computing them all (from the tables; SPARQL filters the place)."""
    if agency is None and place is None:
        return _ask(store, "overlap_top")
    if _from_tables(store):
        # overlap_top.sql with :agency and :place bound
        return sorted(_ask(store, "overlap_top", agency=_key(agency), place=_key(place)), key=_pair_order)
    # partners.rq for one agency (its ?place is the grouped one: a bound value there would clash with its BIND)
    rows = (_ask(store, "overlap_top") if agency is None
            else sorted(_ask(store, "overlap_top", "partners", agency=_Key(agency)), key=_pair_order))
    if place is None:
        return rows
    name = next((r["name"] for r in jurisdiction_index(store) if r["place"] == place), None)
    return [r for r in rows if r["jurisdiction"] == name]


def top_pairs(store: Store, top: int, with_collective: bool = False,
              place: str | None = None) -> tuple[list[dict], int]:
    """The first ``top`` rows of overlap_top (without the pairs a collective lower level is in, unless
    ``with_collective``; only those of ``place``, an IRI, when given), and how many such rows there are in all.

    From the tables, SQLite counts the rows and hands over only the first ``top``: at 100k measures there are
    10k pairs, and making each a Python row was half of `kg overlap --top 10`."""
    if not _from_tables(store):
        rows = [r for r in overlap_top(store, None, place) if with_collective or not r["collective"]]
        return rows[:top], len(rows)
    from kg.tables import key_of

    tables = store.tables
    assert tables is not None  # _from_tables said so
    # overlap_top.sql without its ORDER BY (SQLite would sort every pair before counting them), which is
    # written again below over the result columns (agencyA and agencyB are the keys behind one prefix)
    values = {"place": key_of(place)} if place else {}
    text, order, _ = _sql_with("overlap_top", frozenset(values)).rpartition("\nORDER BY ")
    assert order, "overlap_top.sql ends with its ORDER BY"
    pairs = f"SELECT * FROM (\n{text}\n)" + ("" if with_collective else " WHERE NOT collective")
    (total,) = tables.db.execute(f"SELECT COUNT(*) FROM ({pairs})", values).fetchone()
    rows = tables.rows(pairs + " ORDER BY shared DESC, jaccard DESC, nameA, nameB, agencyA, agencyB, jurisdiction"
                               " LIMIT :top", {**values, "top": top})
    return _collective_as_bool(rows), total


def _pair_order(row: dict) -> tuple:
    """overlap_top.rq's ORDER BY (strings compare by code point in SPARQL as in Python)."""
    return (-row["shared"], -row["jaccard"], row["nameA"], row["nameB"], row["agencyA"], row["agencyB"],
            row["jurisdiction"])


def agencies(store: Store, place: str | None = None) -> list[dict]:
    """Every agency with its measure counts by role; ``place`` is a jurisdiction IRI."""
    return _ask(store, "agencies", place=_key(place))


def measures_without_lead(store: Store, place: str | None = None) -> list[dict]:
    """Measures no agency leads; ``place`` is a jurisdiction IRI."""
    return _ask(store, "measures_without_lead", place=_key(place))


def measure(store: Store, measure_id: str) -> dict | None:
    rows = _ask(store, "measure", id=measure_id)
    return rows[0] if rows else None


def measure_assignments(store: Store, measure_id: str) -> list[dict]:
    rows = _ask(store, "measure_assignments", id=measure_id)

    def position(row: dict) -> tuple[int, int]:
        # assignment IRIs end in /a<n>; sort numerically, not as strings (a10 after a9)
        tail = str(row["a"]).rsplit("/a", 1)[-1]
        return (ROLE_ORDER.get(row["role"], 9), int(tail) if tail.isdigit() else 0)

    return sorted(rows, key=position)


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
    columns: tuple[str, ...] | None = None,
    place: str | None = None,
) -> Sequence[dict]:
    """Targets (quantitative obligations) with their measure and lead agencies, one row each; ``agency``
    keeps the measures that agency takes part in, ``lead`` those it leads, ``topic`` those on that topic or a
    narrower one (IRIs), ``due`` the targets due by the end of that year (a stated deadline), ``place`` those
    of that place's documents (IRI); ``columns`` keeps only those columns (see _ask).

    Each is bound in the query, which then starts from it. The lists in a row (``leads`` names joined by 、,
    ``agencies`` and ``topics`` IRIs joined by spaces) are sorted: their order in the SPARQL answer follows
    its evaluation, which changes with what is bound. ``target`` is how the target reads in one cell
    (kg.tables.target_text of comparator, value, unit and deadline: the tables hold it, made from the same values
    when the store is built)."""
    params = {"agency": _key(agency), "lead": _key(lead), "topic": _key(topic), "due": due, "place": _key(place)}
    if _from_tables(store):
        return _ask(store, "targets", columns=columns, **params)
    from kg.tables import target_text

    rows = [_sorted_lists(row) for row in _ask(store, "targets", **params)]
    for row in rows:
        row["target"] = target_text(row.get("comparator"), row.get("value"), row.get("unit"), row.get("deadline"))
    return rows if columns is None else [{c: row.get(c) for c in columns} for row in rows]


_LISTS = (("leads", "、"), ("agencies", " "), ("topics", " "))


def _sorted_lists(row: dict, lists: tuple[tuple[str, str], ...] = _LISTS) -> dict:
    for column, separator in lists:
        value = row.get(column)
        if value and separator in value:
            row[column] = separator.join(sorted(value.split(separator)))
    return row


def outcomes(store: Store, agency: str | None = None, topic: str | None = None) -> list[dict]:
    """Reported outcomes with the agency credited, one row each; filters are IRIs (the agency is bound in the
    query, which then starts from it; the topic is filtered here, on the ?topics list, whose IRIs are sorted)."""
    rows = _ask(store, "outcomes", agency=_key(agency))
    if not _from_tables(store):
        rows = [_sorted_lists(row, (("topics", " "),)) for row in rows]
    return _having(rows, "topics", topic)


def topic_index(store: Store) -> list[dict]:
    return _ask(store, "topic_index")


def topic_measures(store: Store, topic: str | None = None, place: str | None = None,
                   columns: tuple[str, ...] | None = None) -> Sequence[dict]:
    """Measures about a topic (or a narrower one) with their leads and partners; filters are IRIs; ``columns``
    keeps only those columns (see _ask). The names in ``leads`` and ``partners`` (joined by 、) are sorted: their
    order in the SPARQL answer follows its evaluation."""
    rows = _ask(store, "topic_measures", topic=_key(topic), place=_key(place), columns=columns)
    if _from_tables(store):
        return rows
    return [_sorted_lists(row, (("leads", "、"), ("partners", "、"))) for row in rows]


def topic_agencies(
    store: Store, topic: str | None = None, place: str | None = None, agency: str | None = None
) -> list[dict]:
    """Per topic and place, the agencies carrying it by role and how many measures each; filters are IRIs.

    The agency goes first among the bindings: pyoxigraph 0.5 starts from the VALUES written first, and from the
    place (8k measures at 100k) one agency's topics took 0.46 s, from the agency 0.19 s, same rows."""
    return _ask(store, "topic_agencies", agency=_key(agency), topic=_key(topic), place=_key(place))


def lint_measures(store: Store) -> list[dict]:
    return _ask(store, "lint_measures")


def lint_agencies(store: Store) -> list[dict]:
    return _ask(store, "lint_agencies")


def documents(store: Store) -> list[dict]:
    return _ask(store, "documents")
