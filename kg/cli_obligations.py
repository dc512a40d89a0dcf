"""Obligations and results: `kg targets`, `kg outcomes`, `kg track TOPIC`, `kg compare PLACE PLACE`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from kg.cli_common import (
    UserError,
    format_option,
    jurisdiction_option,
    open_store_or_fail,
    place_or_none,
    resolve_or_fail,
    store_option,
)

if TYPE_CHECKING:
    from kg.tables import Answer


def _unique(rows: list[dict], key: str) -> list[dict]:
    """One row per ``key``: optional filter variables left unbound repeat a row per binding."""
    seen: dict[Any, dict] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())


def _topic_or_none(store: Any, typed: str | None) -> Any:
    from kg.resolve import resolve_topic

    return resolve_or_fail(resolve_topic, store, typed) if typed else None


def _agencies_or_none(store: Any, typed: str | None, place: Any) -> list | None:
    from kg.resolve import resolve_agency

    return resolve_or_fail(resolve_agency, store, typed, place) if typed else None


def _number(value: float | None) -> str:
    from kg.tables import number_text

    return number_text(value)


def select_targets(store: Any, agency: str | None, topic: str | None, place: Any, due: int | None,
                   columns: Sequence[str] | None = None) -> tuple:
    """Target rows for the filters, and the notes that say how the filters were understood. With ``columns``
    (those the caller shows) the rows hold only what those need."""
    import queries
    from kg.resolve import describe_matches

    topic_hit = _topic_or_none(store, topic)
    hits = _agencies_or_none(store, agency, place)
    several = hits is not None and len(hits) > 1
    # what it shows, and "t" (a row's key) when the answers of several agencies are merged
    asked = None if columns is None else tuple(dict.fromkeys([*columns] + (["t"] if several else [])))
    # the agency, the topic, the year and the place are bound in the query (it starts from them)
    answers = [queries.targets(store, hit.iri if hit else None, topic_hit.iri if topic_hit else None, due,
                               columns=asked, place=place.iri if place is not None else None)
               for hit in hits or [None]]
    # one answer is printed as it comes (a kg.tables.Answer, column by column); several are merged
    rows: Sequence[dict] = answers[0] if not several else _unique([r for a in answers for r in a], "t")
    notes = [n for n in [describe_matches(agency, hits) if hits else None] if n]
    scope = []
    if hits:
        scope.append("measures of " + "、".join(h.label for h in hits))
    if topic_hit:
        scope.append(f"topic {topic_hit.label}")
    if place:
        scope.append(place.name)
    if due is not None:
        scope.append(f"due by {due}")
    notes.append(f"{len(rows)} target(s)" + (f" ({'; '.join(scope)})" if scope else ""))
    return rows, notes


@click.command()
@click.option("--agency", "-a", metavar="NAME", help="Only measures this agency takes part in.")
@click.option("--due", type=int, metavar="YEAR", help="Only targets due by the end of YEAR (a stated deadline).")
@click.option("--topic", "-t", metavar="TOPIC", help="Only this topic (禁毒, 电信诈骗, drug-control …).")
@jurisdiction_option
@format_option
@store_option
def targets(agency: str | None, due: int | None, topic: str | None, jurisdiction: str | None, fmt: str,
            store_path: str) -> None:
    """Quantitative obligations: what must reach which value, by when, and who leads the measure.

    \b
      kg targets --due 2015
      kg targets --agency 市公安局 -j 呼和浩特市
    """
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        columns = TARGET_COLUMNS["table" if fmt == "table" else "full"]
        rows, notes = select_targets(store, agency, topic, place, due, columns)
    emit(rows, columns, fmt, notes=notes,
         meta={"agency": agency, "due": due, "topic": topic})


TARGET_COLUMNS = {
    "table": ["id", "jurisdiction", "key", "metric", "target", "leads"],
    "full": ["id", "jurisdiction", "key", "heading", "metric", "comparator", "value", "unit", "deadline",
             "deadlineYear", "leads", "quote", "line", "title", "source"],
}


@click.command()
@click.option("--agency", "-a", metavar="NAME", help="Only outcomes credited to this agency.")
@click.option("--topic", "-t", metavar="TOPIC", help="Only this topic.")
@jurisdiction_option
@format_option
@store_option
def outcomes(agency: str | None, topic: str | None, jurisdiction: str | None, fmt: str, store_path: str) -> None:
    """Results the reports claim: metric, value, period, and the agency credited."""
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        rows = select_outcomes(store, agency, topic, place)
    emit(rows, OUTCOME_COLUMNS["table" if fmt == "table" else "full"], fmt,
         notes=[f"{len(rows)} reported outcome(s)"])


OUTCOME_COLUMNS = {
    "table": ["jurisdiction", "agencyName", "period", "metric", "result"],
    "full": ["jurisdiction", "agencyName", "asWritten", "period", "periodYear", "metric", "value", "unit", "quote",
             "line", "title", "source"],
}


def select_outcomes(store: Any, agency: str | None, topic: str | None, place: Any) -> list[dict]:
    """Outcome rows for the filters (agency and topic as typed, place resolved), one per outcome."""
    import queries

    topic_hit = _topic_or_none(store, topic)
    hits = _agencies_or_none(store, agency, place)
    rows: list[dict] = []
    for hit in hits or [None]:
        rows.extend(queries.outcomes(store, hit.iri if hit else None, topic_hit.iri if topic_hit else None))
    rows = _unique(rows, "o")
    if place is not None:
        rows = [r for r in rows if r.get("jurisdiction") == place.name]
    for row in rows:
        row["result"] = " ".join(x for x in (_number(row.get("value")), row.get("unit") or "") if x)
    return rows


# What track_rows reads of the targets and measures it lists (an answer is 15–20k rows of each at 100k measures)
_TRACK_TARGET = ("id", "metric", "target")
_TRACK_MEASURE = ("id", "docYear", "jurisdiction", "leads", "partners", "key", "heading", "source")
# A track row's fields (TRACK_COLUMNS shows them; an obligation has no quote, an outcome no id)
_TRACK_FIELDS = ("year", "jurisdiction", "kind", "who", "partners", "what", "targets", "id", "source", "quote")


def _tuples(rows: Sequence[dict], columns: tuple[str, ...]) -> Sequence[tuple]:
    """Each row's values of ``columns``, as tuples: straight from SQLite when the rows came from the tables
    (a kg.tables.Answer: its tuples when it has just those columns, else its columns zipped), without making a
    dict of each."""
    from kg.tables import Answer

    if isinstance(rows, Answer):
        return rows.tuples if rows.names == columns else list(zip(*map(rows.column, columns), strict=True))
    return [tuple(map(row.get, columns)) for row in rows]


def track_rows(store: Any, topic: Any, place: Any) -> Answer:
    """Obligations (measures on the topic, with their targets) and reported outcomes, in time order.

    The rows are a kg.tables.Answer of _TRACK_FIELDS: at 100k measures a topic has 15–20k of them, built and
    printed as tuples (a dict is made of a row only when one is read)."""
    import queries
    from kg.tables import Answer

    by_measure: dict[str, list[str]] = {}
    for mid, metric, target in _tuples(queries.targets(store, None, topic.iri, columns=_TRACK_TARGET,
                                                       place=place.iri if place else None), _TRACK_TARGET):
        by_measure.setdefault(mid, []).append(f"{metric} {target}".strip())
    targets = {mid: "；".join(texts) for mid, texts in by_measure.items()}
    measures = queries.topic_measures(store, topic.iri, place.iri if place else None, columns=_TRACK_MEASURE)
    rows = [(year, jurisdiction, "obligation", leads or "(no lead)", partners or "", f"{key} {heading or ''}".strip(),
             targets.get(mid, ""), mid, source, None)
            for mid, year, jurisdiction, leads, partners, key, heading, source in _tuples(measures, _TRACK_MEASURE)]
    for o in _unique(queries.outcomes(store, None, topic.iri), "o"):
        if place is not None and o.get("jurisdiction") != place.name:
            continue
        rows.append((o.get("periodYear") or o.get("docYear"), o.get("jurisdiction"), "outcome",
                     o.get("agencyName") or o.get("asWritten") or "", "",
                     f"{o['metric']} {_number(o.get('value'))} {o.get('unit') or ''}".strip(), "", None, o["source"],
                     o["quote"]))
    # year (none last), obligations before outcomes, source; SQLite's order (document order) within a source
    rows.sort(key=lambda r: (r[0] is None, r[0] or 0, r[2] != "obligation", r[8]))
    return Answer(_TRACK_FIELDS, rows)


@click.command()
@click.argument("topic")
@jurisdiction_option
@format_option
@store_option
def track(topic: str, jurisdiction: str | None, fmt: str, store_path: str) -> None:
    """One topic over time: the obligations (who, what target, by when) and the reported outcomes.

    \b
      kg track 电信诈骗 --jurisdiction 呼和浩特市
      kg track 禁毒
    """
    from kg.output import emit
    from kg.resolve import resolve_topic

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        topic_hit = resolve_or_fail(resolve_topic, store, topic)
        rows = track_rows(store, topic_hit, place)
    emit(rows, TRACK_COLUMNS["table" if fmt == "table" else "full"], fmt, notes=track_notes(rows, topic_hit, place),
         meta={"topic": topic_hit.notation})


TRACK_COLUMNS = {
    "table": ["year", "jurisdiction", "kind", "who", "what", "targets"],
    "full": ["year", "jurisdiction", "kind", "who", "partners", "what", "targets", "id", "source", "quote"],
}


def track_notes(rows: Answer, topic: Any, place: Any) -> list[str]:
    n_ob = rows.column("kind").count("obligation")
    return [f"{topic.label} ({topic.en}){' in ' + place.name if place else ''}: "
            f"{n_ob} obligation(s), {len(rows) - n_ob} reported outcome(s), oldest first"]


def _short(name: str, place: str) -> str:
    """呼和浩特市公安局 → 公安局 when comparing places side by side."""
    return name[len(place):] if name.startswith(place) and len(name) > len(place) else name


def compare_rows(store: Any, places: list[Any], topic: Any) -> list[dict]:
    import queries

    cells: dict[str, dict[str, list[str]]] = {}
    labels: dict[str, str] = {}
    for place in places:
        for r in queries.topic_agencies(store, topic.iri if topic else None, place.iri):
            if r["role"] not in ("lead", "co"):
                continue
            labels[r["topic"]] = r["topicLabel"]
            column = f"{place.name}:{r['role']}"
            cells.setdefault(r["topic"], {}).setdefault(column, []).append(
                f"{_short(r['name'], place.name)}({r['measures']})")
    rows = []
    for topic_iri in sorted(cells, key=lambda t: labels[t]):
        row: dict[str, Any] = {"topic": labels[topic_iri]}
        for place in places:
            for role in ("lead", "co"):
                row[f"{place.name}:{role}"] = "、".join(cells[topic_iri].get(f"{place.name}:{role}", [])) or "—"
        rows.append(row)
    return rows


@click.command()
@click.argument("place_a")
@click.argument("place_b")
@click.option("--topic", "-t", metavar="TOPIC", help="Only this topic (and its narrower topics).")
@format_option
@store_option
def compare(place_a: str, place_b: str, topic: str | None, fmt: str, store_path: str) -> None:
    """Two places side by side: which agencies lead and help on each topic (measures in brackets).

    \b
      kg compare 呼和浩特市 聊城市
      kg compare 呼和浩特 聊城 --topic 禁毒
    """
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        places = [place_or_none(store, place_a), place_or_none(store, place_b)]
        if places[0].iri == places[1].iri:
            raise UserError(f"{place_a} and {place_b} are the same place")
        topic_hit = _topic_or_none(store, topic)
        rows = compare_rows(store, places, topic_hit)
    emit(rows, compare_columns(places), fmt, notes=compare_notes(rows, places, topic_hit),
         meta={"places": [p.name for p in places]})


def compare_columns(places: list[Any]) -> list[str]:
    return ["topic"] + [f"{p.name}:{role}" for p in places for role in ("lead", "co")]


def compare_notes(rows: list[dict], places: list[Any], topic: Any) -> list[str]:
    note = f"{places[0].name} vs {places[1].name}: {len(rows)} topic(s)"
    if topic:
        note += f" under {topic.label}"
    return [note]
