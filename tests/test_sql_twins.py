"""Every question answered from the tables (queries/*.sql) gives the rows its SPARQL file gives (queries/*.rq)
over the SPARQL index of the same store: on the sample corpus and on a generated one with a dozen places, for
every agency, place and topic as the parameter. The CLI reads the tables; `kg sparql` users and the benchmark's
rdflib side read the SPARQL files; a difference between the two would be a wrong answer somewhere."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from seedpaths import ROOT, SEEDS

import queries
from kg.build import build_from_paths
from kg.store import Store, open_store

sys.path.insert(0, str(ROOT / "benchmarks"))
from make_corpus import write_corpus  # noqa: E402
from test_places import UNPLACED  # noqa: E402

# Columns whose list order the SPARQL files leave to the evaluation (GROUP_CONCAT) and the callers do not sort.
UNORDERED_LISTS = {"places": "、", "written": "、", "warnings": " | "}
# Each question's ORDER BY, as columns: the rows must come in this order both ways (ties may come either way).
ORDER: dict[str, tuple[str, ...]] = {
    "agency_index": ("name", "alt"),
    "jurisdiction_index": ("name", "alt"),
    "topic_index": ("notation",),
    "measures_by_agency": ("source", "order", "role"),
    "overlap": ("source", "order"),
    "overlap_top": ("shared", "jaccard", "nameA", "nameB", "agencyA", "agencyB", "jurisdiction"),
    "agencies": ("lead", "measures", "name"),
    "measures_without_lead": ("source", "order"),
    "measure_assignments": ("role", "a"),
    "targets": ("source", "order", "t"),
    "outcomes": ("source", "o"),
    "topic_measures": ("docYear", "source", "order"),
    "topic_agencies": ("topicLabel", "jurisdiction", "role", "measures", "name"),
    "lint_measures": ("source", "order"),
    "lint_agencies": ("name",),
    "documents": ("source",),
    "agency_measure_ids": (),
    "agency_categories": (),
    "measure": (),
}


def _normal(value: Any, column: str) -> Any:
    if isinstance(value, float):
        return round(value, 9)  # SPARQL divides decimals, SQLite doubles: the last digits may differ
    if column in UNORDERED_LISTS and isinstance(value, str):
        separator = UNORDERED_LISTS[column]
        return separator.join(sorted(value.split(separator)))
    return value


def _normal_rows(rows: list[dict] | set | dict | None) -> list[dict]:
    if rows is None:
        return []
    if isinstance(rows, dict):
        rows = [rows]
    if isinstance(rows, set):
        return [{"value": v} for v in sorted(rows)]
    if rows and not isinstance(rows[0], dict):
        return [{"value": v} for v in rows]
    return [{k: _normal(v, k) for k, v in row.items()} for row in rows]


def _key(row: dict, columns: tuple[str, ...]) -> tuple:
    return tuple(str(row.get(c)) for c in columns)


def assert_same(name: str, ask: Callable[[Store], Any], tables: Store, sparql: Store) -> None:
    from_tables, from_sparql = _normal_rows(ask(tables)), _normal_rows(ask(sparql))
    assert len(from_tables) == len(from_sparql), name
    for a, b in zip(from_tables, from_sparql, strict=True):
        assert list(a) == list(b), f"{name}: columns differ"
    as_set = Counter(tuple(sorted((k, str(v)) for k, v in r.items())) for r in from_tables)
    assert as_set == Counter(tuple(sorted((k, str(v)) for k, v in r.items())) for r in from_sparql), name
    columns = ORDER[name]
    assert [_key(r, columns) for r in from_tables] == [_key(r, columns) for r in from_sparql], f"{name}: order"


def questions(store: Store) -> Iterator[tuple[str, Callable[[Store], Any]]]:
    """(question name, a call of it) for every question and every value of its parameters found in ``store``."""
    agencies = sorted({r["agency"] for r in queries.agency_index(store)})
    places = sorted({r["place"] for r in queries.jurisdiction_index(store)})
    topics = sorted({r["topic"] for r in queries.topic_index(store)})
    measures = sorted({r["id"] for r in queries.lint_measures(store)})[:20]
    measures += sorted({r["id"] for r in queries.measures_by_agency(store, agencies[0])})[:20]
    for name in ("agency_index", "jurisdiction_index", "topic_index", "lint_measures", "lint_agencies", "documents",
                 "overlap_top", "agencies", "measures_without_lead", "targets", "outcomes", "topic_measures",
                 "topic_agencies"):
        yield name, getattr(queries, name)
    for agency in agencies:
        yield "measures_by_agency", lambda s, a=agency: queries.measures_by_agency(s, a)
        yield "measures_by_agency", lambda s, a=agency: queries.measures_by_agency(s, a, "lead")
        yield "agency_measure_ids", lambda s, a=agency: queries.agency_measure_ids(s, a)
        yield "agency_categories", lambda s, a=agency: queries.agency_categories(s, a)
        yield "overlap_top", lambda s, a=agency: queries.overlap_top(s, a)
        yield "targets", lambda s, a=agency: queries.targets(s, agency=a)
        yield "targets", lambda s, a=agency: queries.targets(s, lead=a)
        yield "outcomes", lambda s, a=agency: queries.outcomes(s, a)
    for a, b in zip(agencies, agencies[1:] + agencies[:1], strict=True):
        yield "overlap", lambda s, a=a, b=b: queries.overlap(s, a, b)
    placed = [(r["place"], r["agency"]) for r in queries.agency_index(store) if r["place"]]
    for place in places:
        here = sorted({a for p, a in placed if p == place})[:3]
        for a, b in zip(here, here[1:] + here[:1], strict=True):
            yield "measures_by_agency", lambda s, a=a, p=place: queries.measures_by_agency(s, a, None, p)
            yield "agency_measure_ids", lambda s, a=a, p=place: queries.agency_measure_ids(s, a, p)
            yield "overlap", lambda s, a=a, b=b, p=place: queries.overlap(s, a, b, p)
        yield "agencies", lambda s, p=place: queries.agencies(s, p)
        yield "measures_without_lead", lambda s, p=place: queries.measures_without_lead(s, p)
        yield "topic_measures", lambda s, p=place: queries.topic_measures(s, None, p)
        yield "topic_agencies", lambda s, p=place: queries.topic_agencies(s, None, p)
        yield "targets", lambda s, p=place: queries.targets(s, place=p)
        yield "overlap_top", lambda s, p=place: queries.overlap_top(s, None, p)
        for agency in here[:2]:
            yield "overlap_top", lambda s, a=agency, p=place: queries.overlap_top(s, a, p)
        yield "targets", lambda s, p=place, y=2015: queries.targets(s, due=y, place=p)
        for agency in agencies[:3]:
            yield "topic_agencies", lambda s, p=place, a=agency: queries.topic_agencies(s, None, p, a)
    for topic in topics:
        yield "targets", lambda s, t=topic: queries.targets(s, topic=t)
        yield "outcomes", lambda s, t=topic: queries.outcomes(s, topic=t)
        yield "topic_measures", lambda s, t=topic: queries.topic_measures(s, t)
        yield "topic_agencies", lambda s, t=topic: queries.topic_agencies(s, t)
    for year in (2004, 2015, 2020):
        yield "targets", lambda s, y=year: queries.targets(s, due=y)
    for measure_id in measures:
        yield "measure", lambda s, m=measure_id: queries.measure(s, m)
        yield "measure_assignments", lambda s, m=measure_id: queries.measure_assignments(s, m)


def _both(store_path: Path) -> tuple[Store, Store]:
    tables, sparql = open_store(store_path), open_store(store_path)
    sparql.prefer_sparql = True
    return tables, sparql


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("twins")
    write_corpus(root / "plans", measures=600, seed=11)
    # and a plan that states no place: its agencies and measures have no jurisdiction (tests/test_places.py)
    (root / "plans" / "unplaced.txt").write_text(UNPLACED, encoding="utf-8")
    build_from_paths([root / "plans", SEEDS], root / "store", jobs=1, sparql=True)
    return root / "store"


def test_the_tables_answer_every_question_as_sparql_does_on_the_seeds(seed_store: Path) -> None:
    tables, sparql = _both(seed_store)
    asked = Counter()
    with tables, sparql:
        for name, ask in questions(tables):
            assert_same(name, ask, tables, sparql)
            asked[name] += 1
    assert set(asked) == set(ORDER)  # every question was asked
    assert asked["measures_by_agency"] > 100  # once for each of the seeds' agencies, twice


def test_the_tables_answer_every_question_as_sparql_does_on_a_generated_corpus(corpus_store: Path) -> None:
    tables, sparql = _both(corpus_store)
    with tables, sparql:
        assert len(queries.jurisdiction_index(tables)) > 10
        for name, ask in questions(tables):
            assert_same(name, ask, tables, sparql)


def test_every_question_has_a_sql_twin_that_says_its_question() -> None:
    for name in queries.QUERY_NAMES:
        if name == "partners":  # overlap_top.sql with :agency bound (see its comment)
            continue
        text = queries.sql(name)
        assert text.startswith("-- "), f"queries/{name}.sql needs a comment saying its question"
        assert f"{name}.rq" in text.split("\n\n")[0], f"queries/{name}.sql should name the SPARQL file it twins"


def test_asking_for_some_columns_gives_those_columns_of_the_same_rows_in_the_same_order(corpus_store: Path) -> None:
    # kg targets and kg track ask only for what they print (queries._ask's columns): SQLite then leaves out
    # the joins and the values nobody reads, and the rows must still be the whole answer's, in its order
    from kg.cli_obligations import _TRACK_MEASURE, _TRACK_TARGET, TARGET_COLUMNS

    tables, sparql = _both(corpus_store)
    shown = tuple(TARGET_COLUMNS["table"])  # what select_targets asks for
    with tables, sparql:
        topic = next(r["topic"] for r in queries.topic_index(tables) if queries.topic_measures(tables, r["topic"]))
        agency = sorted({r["agency"] for r in queries.agency_index(tables)})[0]
        place = sorted({r["place"] for r in queries.jurisdiction_index(tables)})[0]
        calls = [
            (shown, lambda s, c: queries.targets(s, due=2015, columns=c)),
            (shown + ("t",), lambda s, c: queries.targets(s, agency=agency, columns=c)),
            (_TRACK_TARGET, lambda s, c: queries.targets(s, topic=topic, columns=c)),
            (shown, lambda s, c: queries.targets(s, place=place, columns=c)),
            (_TRACK_MEASURE, lambda s, c: queries.topic_measures(s, topic, columns=c)),
        ]
        for columns, ask in calls:
            whole = ask(tables, None)
            assert len(whole) > 10
            for store in (tables, sparql):
                some = ask(store, columns)
                assert [list(r) for r in some] == [list(columns)] * len(whole)
                assert _normal_rows(some) == _normal_rows([{c: r[c] for c in columns} for r in whole])


def test_the_top_pairs_are_the_first_rows_of_all_pairs_and_the_count_is_all_of_them(corpus_store: Path) -> None:
    # kg overlap --top N: from the tables SQLite counts the pairs and gives only the first N (queries.top_pairs)
    tables, sparql = _both(corpus_store)
    with tables, sparql:
        every = queries.overlap_top(tables)
        plain = [r for r in every if not r["collective"]]
        assert 10 < len(plain) < len(every)  # the generated plans have collective lower levels among the pairs
        for with_collective, expected in ((False, plain), (True, every)):
            for top in (1, 5, len(expected), len(expected) + 3):
                for store in (tables, sparql):
                    rows, total = queries.top_pairs(store, top, with_collective)
                    assert total == len(expected)
                    assert _normal_rows(rows) == _normal_rows(expected[:top])
        # kg overlap --top N -j PLACE: the pairs counted in that place's documents
        names = {r["place"]: r["name"] for r in queries.jurisdiction_index(tables)}
        for place, name in sorted(names.items())[:3]:
            here = [r for r in plain if r["jurisdiction"] == name]
            assert here
            for store in (tables, sparql):
                rows, total = queries.top_pairs(store, 5, False, place)
                assert total == len(here) and _normal_rows(rows) == _normal_rows(here[:5])


def test_a_place_bound_in_the_targets_question_keeps_exactly_that_place_s_targets(corpus_store: Path) -> None:
    # kg targets -j, kg track -j and kg agency -j bind the place in the query instead of filtering every target
    tables, sparql = _both(corpus_store)
    with tables, sparql:
        names = {r["place"]: r["name"] for r in queries.jurisdiction_index(tables)}
        every = queries.targets(tables)
        for place, name in sorted(names.items())[:4]:
            expected = [r for r in every if r["jurisdiction"] == name]
            assert expected
            for store in (tables, sparql):
                assert _normal_rows(queries.targets(store, place=place)) == _normal_rows(expected)
