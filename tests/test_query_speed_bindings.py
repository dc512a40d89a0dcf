"""Questions about one agency or one year are asked with the value bound in the query (``# @if`` lines and
``# @bindings``, so the evaluation starts from it) instead of asking about the whole graph and filtering: fast at
100k measures. These tests check that the rows stay exactly those of the whole-graph question, filtered as the
callers did before, and those of the previous formulations of the restructured queries (on the sample corpus).
No timings here: docs/scale.md has them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import queries
from kg.resolve import all_agencies
from kg.store import IRI, LOOKUP_MARK, _lookups, open_store
from kg.tables import target_text
from queries import _sorted_lists

# The formulations these queries had before they were restructured for speed (same question, same columns);
# the prefixes are predeclared by Store.select.
_PREVIOUS_TARGETS = """
SELECT ?id ?key ?heading ?metric ?comparator ?value ?unit ?deadline ?deadlineYear ?quote ?line
       ?title ?source ?jurisdiction ?order ?t
       (COALESCE(?leadNames, "") AS ?leads)
       (COALESCE(?agencyIris, "") AS ?agencies)
       (COALESCE(?topicIris, "") AS ?topics)
WHERE {
  ?m pa:hasTarget ?t ;
     pa:measureId ?id ;
     pa:key ?key ;
     pa:order ?order ;
     pa:inDocument ?d .
  ?t pa:metric ?metric ;
     pa:evidence ?ev .
  ?ev oa:exact ?quote ;
      pa:line ?line .
  OPTIONAL { ?t pa:comparator ?comparator }
  OPTIONAL { ?t pa:value ?value }
  OPTIONAL { ?t pa:unit ?unit }
  OPTIONAL { ?t pa:deadline ?deadline }
  OPTIONAL { ?t pa:deadlineYear ?deadlineYear }
  OPTIONAL { ?m pa:heading ?heading }
  ?d pa:source ?source .
  OPTIONAL { ?d dct:title ?title }
  OPTIONAL { ?d pa:jurisdiction/skos:prefLabel ?jurisdiction }
  {
    SELECT ?m (GROUP_CONCAT(DISTINCT ?leadName; SEPARATOR="、") AS ?leadNames)
    WHERE { ?m pa:hasTarget [] . OPTIONAL { ?lead pa:leads ?m ; skos:prefLabel ?leadName } }
    GROUP BY ?m
  }
  {
    SELECT ?m (GROUP_CONCAT(DISTINCT STR(?agency); SEPARATOR=" ") AS ?agencyIris)
    WHERE { ?m pa:hasTarget [] . OPTIONAL { ?agency pa:leads|pa:coResponsibleFor|pa:guides|pa:implements ?m } }
    GROUP BY ?m
  }
  {
    SELECT ?m (GROUP_CONCAT(DISTINCT STR(?topic); SEPARATOR=" ") AS ?topicIris)
    WHERE { ?m pa:hasTarget [] . OPTIONAL { ?m dct:subject/skos:broader* ?topic } }
    GROUP BY ?m
  }
}
ORDER BY ?source ?order ?t
"""

_PREVIOUS_OVERLAP_TOP = """
SELECT ?agencyA ?nameA ?agencyB ?nameB ?jurisdiction ?shared ?nA ?nB
       (?shared / (?nA + ?nB - ?shared) AS ?jaccard) ?collective
WHERE {
  {
    SELECT ?agencyA ?agencyB (COUNT(DISTINCT ?m) AS ?shared)
    WHERE {
      VALUES ?pA { pa:leads pa:coResponsibleFor pa:guides pa:implements }
      VALUES ?pB { pa:leads pa:coResponsibleFor pa:guides pa:implements }
      ?agencyA ?pA ?m .
      ?agencyB ?pB ?m .
      FILTER(STR(?agencyA) < STR(?agencyB))
    }
    GROUP BY ?agencyA ?agencyB
  }
  {
    SELECT ?agencyA (COUNT(DISTINCT ?mA) AS ?nA)
    WHERE {
      VALUES ?p { pa:leads pa:coResponsibleFor pa:guides pa:implements }
      ?agencyA ?p ?mA .
    }
    GROUP BY ?agencyA
  }
  {
    SELECT ?agencyB (COUNT(DISTINCT ?mB) AS ?nB)
    WHERE {
      VALUES ?p { pa:leads pa:coResponsibleFor pa:guides pa:implements }
      ?agencyB ?p ?mB .
    }
    GROUP BY ?agencyB
  }
  ?agencyA skos:prefLabel ?nameA ;
           pa:jurisdiction/skos:prefLabel ?jurisdiction .
  ?agencyB skos:prefLabel ?nameB .
  BIND(EXISTS { ?agencyA a pa:CollectiveBody } || EXISTS { ?agencyB a pa:CollectiveBody } AS ?collective)
}
ORDER BY DESC(?shared) DESC(?jaccard) ?nameA ?nameB
"""

_PREVIOUS_OUTCOMES = """
SELECT ?agency ?o ?agencyName ?asWritten ?metric ?value ?unit ?period ?periodYear ?quote ?line
       ?title ?source ?jurisdiction ?docYear (GROUP_CONCAT(DISTINCT STR(?topic); SEPARATOR=" ") AS ?topics)
WHERE {
  ?d pa:hasOutcome ?o ;
     pa:source ?source .
  ?o pa:metric ?metric ;
     pa:value ?value ;
     pa:unit ?unit ;
     pa:evidence ?ev .
  ?ev oa:exact ?quote ;
      pa:line ?line .
  OPTIONAL { ?o pa:period ?period }
  OPTIONAL { ?o pa:asWritten ?asWritten }
  OPTIONAL { ?o pa:periodYear ?periodYear }
  OPTIONAL { ?o pa:reportedBy ?agency . ?agency skos:prefLabel ?agencyName }
  OPTIONAL { ?o dct:subject/skos:broader* ?topic }
  OPTIONAL { ?d dct:title ?title }
  OPTIONAL { ?d pa:year ?docYear }
  OPTIONAL { ?d pa:jurisdiction/skos:prefLabel ?jurisdiction }
}
GROUP BY ?agency ?o ?agencyName ?asWritten ?metric ?value ?unit ?period ?periodYear ?quote ?line
         ?title ?source ?jurisdiction ?docYear
ORDER BY ?source ?o
"""


@pytest.fixture(scope="module")
def store(seed_store: Path) -> Any:
    with open_store(seed_store) as s:
        yield s


@pytest.fixture(scope="module")
def agencies(store: Any) -> list[str]:
    return [a.iri for a in all_agencies(store)]


def test_an_if_line_is_a_comment_unless_its_parameter_is_bound() -> None:
    text = queries.sparql("targets")
    assert queries._sparql_with("targets", frozenset()) == text
    lines = re.findall(r"^[ \t]*# @if \?(\w+): (.*)$", text, re.MULTILINE)
    assert {name for name, _ in lines} == {"agency", "lead", "topic", "due", "place"}
    bound = queries._sparql_with("targets", frozenset({"agency"}))
    assert "# @if ?agency:" not in bound and "# @if ?lead:" in bound and "# @if ?due:" in bound
    pattern = "?agency pa:leads|pa:coResponsibleFor|pa:guides|pa:implements ?m ."
    assert any(line.strip() == pattern for line in bound.splitlines())
    for name in queries.QUERY_NAMES:  # every parameter an @if line names is described in the file's comment
        text = queries.sparql(name)
        for param in re.findall(r"^[ \t]*# @if \?(\w+):", text, re.MULTILINE):
            assert f"?{param}" in text.split("PREFIX", 1)[0], (name, param)


def test_targets_are_those_of_the_previous_query(store: Any) -> None:
    assert store.select(queries.sparql("targets")) == store.select(_PREVIOUS_TARGETS)


def test_targets_bound_to_an_agency_a_lead_or_a_year_are_the_filtered_whole(store: Any, agencies: list[str]) -> None:
    whole = queries.targets(store)
    raw = store.select(queries.sparql("targets"))
    assert whole and len(whole) == len(raw) and [r["t"] for r in whole] == [r["t"] for r in raw]
    for row, plain in zip(whole, raw, strict=True):  # the same row, its lists sorted, with how the target reads
        assert {k: v for k, v in row.items() if k not in ("leads", "agencies", "topics", "target")} == {
            k: v for k, v in plain.items() if k not in ("leads", "agencies", "topics")}
        assert row["target"] == target_text(plain.get("comparator"), plain.get("value"), plain.get("unit"),
                                            plain.get("deadline"))
        assert sorted(row["leads"].split("、")) == row["leads"].split("、") == sorted(plain["leads"].split("、"))
        for column in ("agencies", "topics"):
            assert row[column].split() == sorted(plain[column].split())
    topics = {t for r in whole for t in r["topics"].split()}
    assert len(topics) > 3
    for topic in topics:
        assert queries.targets(store, topic=topic) == [r for r in whole if topic in r["topics"].split()]
        for year in (2015, 2020):
            assert queries.targets(store, topic=topic, due=year) == [
                r for r in whole if topic in r["topics"].split() and r["deadlineYear"] is not None
                and r["deadlineYear"] <= year]
    for agency in agencies:
        takes_part = [r for r in whole if agency in r["agencies"].split()]
        assert queries.targets(store, agency) == takes_part
        led = {r["id"] for r in queries.measures_by_agency(store, agency, "lead")}
        assert queries.targets(store, lead=agency) == [r for r in takes_part if r["id"] in led]
    for year in (2000, 2010, 2015, 2020, 2030):
        due = [r for r in whole if r["deadlineYear"] is not None and r["deadlineYear"] <= year]
        assert queries.targets(store, due=year) == due
        for agency in agencies[:20]:
            assert queries.targets(store, agency, due=year) == [r for r in due if agency in r["agencies"].split()]
    assert any(queries.targets(store, due=y) for y in (2015, 2020)) and any(r["deadlineYear"] is None for r in whole)


def test_the_pairs_of_one_agency_are_the_filtered_whole_list(store: Any, agencies: list[str]) -> None:
    whole = store.select(queries.sparql("overlap_top"))
    previous = store.select(_PREVIOUS_OVERLAP_TOP)
    assert sorted(whole, key=repr) == sorted(previous, key=repr)
    assert whole == sorted(whole, key=queries._pair_order)  # the ORDER BY is total: same order every time
    assert queries.overlap_top(store) == whole
    with_partners = 0
    for agency in agencies:
        mine = queries.overlap_top(store, agency)
        assert mine == [r for r in whole if agency in (r["agencyA"], r["agencyB"])]
        with_partners += bool(mine)
    assert with_partners > 50


def test_outcomes_of_one_agency_are_the_filtered_whole_and_the_previous_rows(store: Any, agencies: list[str]) -> None:
    whole = queries.outcomes(store)
    # the same rows; the topics inside a row are sorted (their order in the SPARQL answer follows the evaluation)
    assert whole == [_sorted_lists(r, (("topics", " "),)) for r in store.select(_PREVIOUS_OUTCOMES)]
    credited = 0
    for agency in agencies:
        mine = queries.outcomes(store, agency)
        assert mine == [r for r in whole if r["agency"] == agency]
        credited += bool(mine)
    assert credited >= 2


def test_topic_agencies_of_one_agency_in_its_place_are_the_filtered_rows(store: Any) -> None:
    for agency in all_agencies(store):
        place_rows = queries.topic_agencies(store, None, agency.place)
        assert queries.topic_agencies(store, None, agency.place, agency.iri) == [
            r for r in place_rows if r["agency"] == agency.iri]


def _code_lines(text: str) -> list[str]:
    """A query's lines without their comments (and what follows a # in an IRI, which these checks never need)."""
    return [line.split("#", 1)[0].strip() for line in text.splitlines()]


def _mandatory_after_optional(text: str) -> list[str]:
    """Triple patterns that come after an OPTIONAL in the same group (comments aside)."""
    found, depth, optional_at = [], 0, set()
    for line in _code_lines(text):
        if not line:
            continue
        if line.startswith("OPTIONAL"):
            optional_at.add(depth)
        elif depth in optional_at and line.startswith(("?", "<", "[")):
            found.append(line)
        depth += line.count("{") - line.count("}")
        optional_at = {d for d in optional_at if d <= depth}
    return found


def test_no_query_file_puts_a_required_pattern_after_an_optional() -> None:
    """pyoxigraph 0.5 joins a required pattern written after an OPTIONAL in a way that grows with the square of
    the graph: `kg track 禁毒` took 145 s at 20k measures (0.8 s with the pattern first) and did not finish in
    five minutes at 100k. Moving the pattern up gives the same rows whenever it shares no variable with the
    OPTIONAL that the OPTIONAL alone binds, as here."""
    offenders = {name: _mandatory_after_optional(queries.sparql(name)) for name in queries.QUERY_NAMES}
    assert {name: lines for name, lines in offenders.items() if lines} == {}
    assert _mandatory_after_optional("{\n ?m a pa:Measure .\n OPTIONAL { ?m pa:heading ?h }\n ?m pa:key ?k .\n}")


def test_no_query_file_filters_with_not_exists() -> None:
    """pyoxigraph 0.5 runs a FILTER NOT EXISTS body in the written order without the outer values first: `kg gaps`
    looked at every lead assignment again for each measure (8 s at 2k measures). MINUS says the same here."""
    assert [name for name in queries.QUERY_NAMES if "NOT EXISTS" in "\n".join(_code_lines(queries.sparql(name)))] == []
    assert "NOT EXISTS" in queries.sparql("measures_without_lead")  # named in its comment, not its code


def test_gaps_are_the_measures_no_assignment_makes_anyone_lead(store: Any) -> None:
    measures = {r["id"] for r in store.select("SELECT ?id WHERE { ?m a pa:Measure ; pa:measureId ?id }")}
    led = {r["id"] for r in store.select(
        "SELECT DISTINCT ?id WHERE { ?m pa:measureId ?id ; pa:hasAssignment ?a . ?a pa:role pa:Lead }")}
    gaps = [r["id"] for r in queries.measures_without_lead(store)]
    assert len(gaps) == len(set(gaps)) and set(gaps) == measures - led
    assert 0 < len(gaps) < len(measures)


def test_track_measures_on_a_topic_are_those_tagged_with_it_or_a_narrower_one(store: Any) -> None:
    narrower = store.select(
        "SELECT ?topic ?n WHERE { ?topic a pa:Topic . ?n skos:broader* ?topic }")
    subjects = store.select("SELECT ?id ?s WHERE { ?m pa:measureId ?id ; dct:subject ?s }")
    for topic in {r["topic"] for r in narrower}:
        under = {r["n"] for r in narrower if r["topic"] == topic}
        tagged = {r["id"] for r in subjects if r["s"] in under}
        rows = queries.topic_measures(store, topic)
        assert {r["id"] for r in rows} == tagged, topic
        assert all(r["topic"] == topic for r in rows)


def test_gaps_of_one_place_are_the_filtered_whole_list(store: Any) -> None:
    """With a place bound, gaps.rq keeps the measures of the place's documents (an `# @if ?place:` line): same
    rows."""
    whole = queries.measures_without_lead(store)
    places = {r["place"] for r in whole}
    assert len(places) >= 2
    for place in places:
        assert queries.measures_without_lead(store, place) == [r for r in whole if r["place"] == place]
    assert "# @if ?place:" in queries.sparql("measures_without_lead")


def test_an_agencys_measure_ids_are_those_it_has_a_role_in(store: Any, agencies: list[str]) -> None:
    """`kg overlap A B` counts each agency's measures with the id-only query: the same measures as the detailed
    list it used before, and the ?nA that `kg overlap --top` counts."""
    counts = {r["agencyA"]: r["nA"] for r in store.select(queries.sparql("overlap_top"))}
    for agency in agencies:
        ids = queries.agency_measure_ids(store, agency)
        assert ids == {r["id"] for r in queries.measures_by_agency(store, agency)}
        assert len(ids) == counts.get(agency, len(ids))
    assert sum(agency in counts for agency in agencies) > 50


def _marked_lookups(name: str) -> list[str]:
    return [line for line in queries.sparql(name).splitlines() if line.rstrip().endswith(LOOKUP_MARK)]


def _without_lookup_marks(text: str) -> str:
    """The query with its `# @lookup` marks made plain comments: plain OPTIONALs and patterns."""
    return "\n".join(line.replace(LOOKUP_MARK, "#") for line in text.splitlines())


def _lookup_blocks(name: str) -> list[list[str]]:
    """The lines between each "# @lookup {" and "# @lookup }" of a query file."""
    blocks: list[list[str]] = []
    inside = False
    for line in queries.sparql(name).splitlines():
        if line.strip() == f"{LOOKUP_MARK} {{":
            assert not inside, name
            inside = True
            blocks.append([])
        elif line.strip() == f"{LOOKUP_MARK} }}":
            assert inside, name
            inside = False
        elif inside:
            blocks[-1].append(line)
    assert not inside, name
    return blocks


def test_a_lookup_mark_sits_only_on_a_one_line_optional_of_triple_patterns() -> None:
    """A `# @lookup` OPTIONAL is sent to pyoxigraph as LATERAL { OPTIONAL { … } }: the same rows only for a body
    of triple patterns (no FILTER, no nested group), so that is all the mark may sit on."""
    marked = {name: _marked_lookups(name) for name in queries.QUERY_NAMES}
    assert sum(map(len, marked.values())) >= 4
    for name, lines in marked.items():
        for line in lines:
            body = line.split("#", 1)[0].strip()
            assert re.fullmatch(r"OPTIONAL \{ [^{}]* \}", body) and "FILTER" not in body.upper(), (name, line)
    rewritten = _lookups(queries.sparql("measures_by_agency"))
    assert "  LATERAL { OPTIONAL { ?m pa:heading ?heading } }\n" in rewritten and LOOKUP_MARK not in rewritten


def test_a_lookup_block_holds_only_triple_patterns() -> None:
    """A "# @lookup {" … "# @lookup }" block goes to pyoxigraph as LATERAL { … }: the same join as writing the
    patterns in place only when they are triple patterns alone (no FILTER, OPTIONAL, BIND, VALUES or group)."""
    blocks = {name: _lookup_blocks(name) for name in queries.QUERY_NAMES}
    assert blocks["targets"] and len(blocks["targets"][0]) >= 8
    for name, found in blocks.items():
        for block in found:
            for line in _code_lines("\n".join(block)):
                assert not line or (line.startswith(("?", "<", "pa:", "oa:", "dct:", "skos:")) and "{" not in line
                                    and "}" not in line), (name, line)
    rewritten = _lookups(queries.sparql("targets"))
    assert "  LATERAL {\n  ?m pa:measureId ?id ;" in rewritten and LOOKUP_MARK not in "".join(_code_lines(rewritten))
    assert "\n  }\n  OPTIONAL { ?t pa:comparator ?comparator }" in rewritten


def test_looking_up_row_by_row_gives_the_rows_of_the_plain_optional(store: Any, agencies: list[str]) -> None:
    """Each query with `# @lookup` lines answers the same rows, in the same order, as the file without the marks
    (plain OPTIONALs), with the parameters the CLI binds."""
    def both(name: str, bindings: dict | None = None) -> tuple[list, list]:
        text = queries.sparql(name)
        return store.select(text, bindings), store.select(_without_lookup_marks(text), bindings)

    names = {name for name in queries.QUERY_NAMES if _marked_lookups(name) or _lookup_blocks(name)}
    assert {"measures_by_agency", "overlap", "measures_without_lead", "targets"} <= names
    compared = 0
    for agency in agencies:
        for name, bindings in (("measures_by_agency", {"agency": IRI(agency)}),
                               ("measures_by_agency", {"agency": IRI(agency), "role": "lead"}),
                               ("overlap", {"agencyA": IRI(agency), "agencyB": IRI(agencies[0])})):
            marked, plain = both(name, bindings)
            assert marked == plain, (name, bindings)
            compared += bool(marked)
    assert compared > 100
    # The order of the names inside a GROUP_CONCAT list follows the evaluation (the callers sort them).
    lists = (("leads", "、"), ("partners", "、"), ("agencies", " "), ("topics", " "))
    for name in names:
        marked, plain = both(name)
        assert [_sorted_lists(r, lists) for r in marked] == [_sorted_lists(r, lists) for r in plain], name
    due = queries._sparql_with("targets", frozenset({"due"}))
    for year in (2015, 2020):
        marked_rows = store.select(due, {"due": year})
        assert marked_rows == store.select(_without_lookup_marks(due), {"due": year}) and marked_rows
