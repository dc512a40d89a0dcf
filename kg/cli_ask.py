"""`kg ask "市公安局牵头哪些措施？"`: a question in plain Chinese, answered with the rows of the matching command."""

from __future__ import annotations

import sys
from typing import Any

import click

from kg.cli_common import UserError, format_option, open_store_or_fail, resolve_or_fail, store_option
from kg.neutralise import terminal_text

# the named queries each kind of question runs (shown by --show-query)
QUERIES = {
    "measures": ["measures_by_agency"],
    "overlap": ["overlap"],
    "gaps": ["measures_without_lead"],
    "targets": ["targets"],
    "outcomes": ["outcomes"],
    "track": ["topic_measures", "targets", "outcomes"],
    "compare": ["topic_agencies"],
}


def answer(store: Any, u: Any, fmt: str) -> tuple[list[dict], list[str], list[str], dict]:
    """Rows, columns, notes and JSON meta for an understood question: the row functions of the commands."""
    from kg.cli import GAP_COLUMNS, MEASURE_COLUMNS, OVERLAP_COLUMNS, _pair_overlap, gap_rows, measure_rows
    from kg.cli_obligations import (
        OUTCOME_COLUMNS,
        TARGET_COLUMNS,
        TRACK_COLUMNS,
        compare_columns,
        compare_notes,
        compare_rows,
        select_outcomes,
        select_targets,
        track_notes,
        track_rows,
    )
    from kg.resolve import resolve_place, resolve_topic

    width = "table" if fmt == "table" else "full"
    place = resolve_or_fail(resolve_place, store, u.place) if u.place else None
    topic = resolve_or_fail(resolve_topic, store, u.topic) if u.topic else None
    agency = u.agencies[0] if u.agencies else None
    if u.kind == "measures":
        rows, notes, hits = measure_rows(store, agency, u.role, place)
        meta = {"agency": agency, "matched": [h.name for h in hits], "role": u.role}
        return rows, MEASURE_COLUMNS[width], notes, meta
    if u.kind == "overlap":
        rows, notes, meta = _pair_overlap(store, u.agencies[0], u.agencies[1], place)
        return rows, OVERLAP_COLUMNS[width], notes, meta
    if u.kind == "gaps":
        rows, notes = gap_rows(store, place)
        return rows, GAP_COLUMNS[width], notes, {}
    if u.kind == "targets":
        rows, notes = select_targets(store, agency, u.topic, place, u.year, TARGET_COLUMNS[width])
        return rows, TARGET_COLUMNS[width], notes, {"agency": agency, "due": u.year, "topic": u.topic}
    if u.kind == "outcomes":
        rows = select_outcomes(store, agency, u.topic, place)
        if u.year is not None:
            rows = [r for r in rows if r.get("periodYear") == u.year]
        note = f"{len(rows)} reported outcome(s)" + (f" (period {u.year})" if u.year is not None else "")
        return rows, OUTCOME_COLUMNS[width], [note], {}
    if u.kind == "track":
        rows = track_rows(store, topic, place)
        return rows, TRACK_COLUMNS[width], track_notes(rows, topic, place), {"topic": topic.notation}
    if u.kind == "compare":
        places = [resolve_or_fail(resolve_place, store, p) for p in u.places]
        rows = compare_rows(store, places, topic)
        return rows, compare_columns(places), compare_notes(rows, places, topic), {"places": [p.name for p in places]}
    raise UserError(f"no answer for question kind {u.kind}")  # pragma: no cover - understand() never gives one


def _query_text(kind: str) -> dict[str, dict[str, str]]:
    import queries

    # partners.rq's SQL twin is overlap_top.sql with :agency bound
    return {name: {"sparql": queries.sparql(name), "sql": queries.sql("overlap_top" if name == "partners" else name),
                   "cypher": queries.cypher(name)} for name in QUERIES[kind]}


def _print_queries(texts: dict[str, dict[str, str]], err: bool) -> None:
    for name, text in texts.items():
        click.echo(f"\n# SPARQL: queries/{name}.rq", err=err)
        click.echo(text["sparql"].rstrip(), err=err)
        click.echo(f"\n-- SQL over the store's tables (what answered here): queries/{name}.sql", err=err)
        click.echo(text["sql"].rstrip(), err=err)
        click.echo(f"\n// Cypher (Neo4j Browser): queries/{name}.cypher", err=err)
        click.echo(text["cypher"].rstrip(), err=err)


@click.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--show-query", is_flag=True,
              help="After the answer, print the SPARQL, its SQL twin (what answered) and its Cypher twin.")
@format_option
@store_option
def ask(question: tuple[str, ...], show_query: bool, fmt: str, store_path: str) -> None:
    """Ask in plain Chinese; get the rows of the matching command. Offline, no model.

    \b
      kg ask 市公安局牵头哪些措施？
      kg ask 呼和浩特市公安局和市司法局在哪些工作上有交叉？
      kg ask 哪些措施没有牵头单位
      kg ask 2020年前要完成哪些指标？
      kg ask 禁毒工作由哪些部门负责
      kg ask 呼和浩特和聊城在校园安全上的分工有什么不同
      kg ask 呼市公安局2023年报告了哪些成效 --show-query

    A question the graph cannot answer is refused (exit status 1) with the kinds of question it can answer;
    a name that stands for several agencies or places lists them for you to choose.
    """
    from kg.ask import AskRefusal, understand, vocabulary_from_store
    from kg.output import emit

    typed = " ".join(question)
    with open_store_or_fail(store_path) as store:
        try:
            understood = understand(typed, vocabulary_from_store(store))
        except AskRefusal as exc:
            click.echo(terminal_text(f"{typed}: {exc}"), err=True)
            sys.exit(1)
        rows, columns, notes, meta = answer(store, understood, fmt)
    line = understood.describe()
    shown = terminal_text(line)
    texts = _query_text(understood.kind) if show_query else {}
    if fmt == "table":
        click.echo(shown)
        emit(rows, columns, fmt, notes=notes)
        _print_queries(texts, err=False)
        return
    click.echo(shown, err=True)
    if fmt == "json":
        meta = {**meta, "question": typed, "understood": {"kind": understood.kind,
                "command": "kg " + " ".join(understood.command()), "description": line}}
        if texts:
            meta["queries"] = texts
    emit(rows, columns, fmt, notes=notes, meta=meta)
    if fmt == "csv":
        _print_queries(texts, err=True)
