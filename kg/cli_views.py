"""`kg view` (interactive HTML graph) and `kg plot` (PNG charts). Heavy imports happen inside the commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kg.cli_common import (
    UserError,
    jurisdiction_option,
    open_store_or_fail,
    place_or_none,
    resolve_or_fail,
    store_option,
)

KIND_NAMES = ("agency", "measure", "document", "target", "outcome", "topic")


def _project(store: Any) -> Any:
    from kg.projection import project

    return project(store.triples())


@click.command()
@click.option("--agency", "-a", metavar="NAME", help="One agency's neighbourhood (市公安局, 呼和浩特市公安局).")
@click.option("--depth", type=click.IntRange(min=1, max=6), default=2, show_default=True,
              help="With --agency: how many steps out (2: its measures, their other agencies and documents).")
@click.option("--overlap", "overlap_", is_flag=True, help="Agencies only; an edge's width is the measures two share.")
@click.option("--min-shared", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --overlap: hide pairs sharing fewer measures.")
@click.option("--with-collective", is_flag=True,
              help="With --overlap: keep collective lower levels (各旗县区 …), which share nearly every measure.")
@click.option("--topic", "-t", metavar="TOPIC", help="Everyone on one topic (禁毒, drug control), across places.")
@click.option("--hide", multiple=True, type=click.Choice(KIND_NAMES),
              help="Leave out a kind of node (repeatable). The whole graph hides topics unless --with-topics.")
@click.option("--with-topics", is_flag=True, help="Whole graph: also show topics (their lines cross every place).")
@click.option("--physics", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="auto: physics for graphs up to 300 nodes, a fixed computed layout above (stays responsive).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="graph.html", show_default=True,
              help="HTML file to write (self-contained, works offline).")
@jurisdiction_option
@store_option
def view(agency: str | None, depth: int, overlap_: bool, min_shared: int, with_collective: bool,
         topic: str | None, hide: tuple[str, ...], with_topics: bool, physics: str, output: str,
         jurisdiction: str | None, store_path: str) -> None:
    """Write an interactive graph (HTML) to open in a browser: hover for the measure text and evidence.

    \b
      kg view                                    # agencies, measures, documents, targets, outcomes
      kg view --agency 市公安局 -j 呼和浩特市 --depth 2
      kg view --overlap --min-shared 2           # agencies only, edges = shared measures
      kg view --topic 禁毒                        # everyone on one topic, across places
    """
    from kg import views
    from kg.resolve import describe_matches, resolve_agency, resolve_topic

    chosen = [name for name, given in (("--agency", agency), ("--overlap", overlap_), ("--topic", topic)) if given]
    if len(chosen) > 1:
        raise UserError(f"choose one view: {' or '.join(chosen)}")
    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        place_iri = place.iri if place else None
        pg = _project(store)
        if agency:
            hits = resolve_or_fail(resolve_agency, store, agency, place)
            note = describe_matches(agency, hits)
            if note:
                click.echo(note, err=True)
            graph = views.agency_view(pg, [h.iri for h in hits], depth, hide)
        elif overlap_:
            graph = views.overlap_view(pg, place_iri, min_shared, with_collective)
        elif topic:
            found = resolve_or_fail(resolve_topic, store, topic)
            graph = views.topic_view(pg, found.iri, place_iri, hide)
        else:
            hidden = set(hide) | (set() if with_topics else {"topic"})
            graph = views.graph_view(pg, place_iri, sorted(hidden))
    if not graph.nodes:
        raise UserError("nothing to show: the view is empty (try a lower --min-shared or another place)")
    path = views.write_html(graph, output, physics)
    click.echo(f"wrote {path}: {len(graph.nodes)} nodes, {len(graph.edges)} edges; open it in a browser "
               "(works offline)")


@click.group()
def plot() -> None:
    """Charts as PNG: who shares measures with whom, who carries how much."""


def _plot_agencies(store: Any, jurisdiction: str | None, with_collective: bool) -> tuple[Any, list[dict]]:
    """The place a chart is about (or None) and its agencies with their role counts, collectives dropped
    unless asked for: what both charts start from."""
    import queries
    from kg.resolve import all_agencies

    place = place_or_none(store, jurisdiction)
    agencies = queries.agencies(store, place.iri if place else None)
    if not with_collective:
        collective = {a.iri for a in all_agencies(store) if a.collective}
        agencies = [a for a in agencies if a["agency"] not in collective]
    return place, agencies


@plot.command("overlap")
@click.option("--top", type=click.IntRange(min=2), default=30, show_default=True,
              help="At most this many agencies (those in the most measures).")
@click.option("--with-collective", is_flag=True, help="Keep collective lower levels (各旗县区 …).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="overlap.png", show_default=True)
@jurisdiction_option
@store_option
def plot_overlap(top: int, with_collective: bool, output: str, jurisdiction: str | None, store_path: str) -> None:
    """Heatmap: how many measures each pair of agencies shares."""
    import queries
    from kg import plots

    with open_store_or_fail(store_path) as store:
        place, agencies = _plot_agencies(store, jurisdiction, with_collective)
        pairs = queries.overlap_top(store)
    if len(agencies) < 2:
        raise UserError("fewer than two agencies to compare" + (f" in {place.name}" if place else ""))
    path = plots.overlap_heatmap(agencies, pairs, Path(output), top=top,
                                 title=f"共同措施 shared measures{' · ' + place.name if place else ''}")
    click.echo(f"wrote {path}")


@plot.command("workload")
@click.option("--top", type=click.IntRange(min=1), default=30, show_default=True,
              help="At most this many agencies (those in the most measures).")
@click.option("--with-collective", is_flag=True, help="Keep collective lower levels (各旗县区 …).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="workload.png", show_default=True)
@jurisdiction_option
@store_option
def plot_workload(top: int, with_collective: bool, output: str, jurisdiction: str | None, store_path: str) -> None:
    """Bar chart: measures per agency, stacked by role (lead, co, guide, implement)."""
    from kg import plots

    with open_store_or_fail(store_path) as store:
        place, agencies = _plot_agencies(store, jurisdiction, with_collective)
    if not agencies:
        raise UserError("no agency takes part in a measure" + (f" in {place.name}" if place else ""))
    path = plots.workload_bars(agencies, Path(output), top=top,
                               title=f"各机构承担措施 measures per agency{' · ' + place.name if place else ''}")
    click.echo(f"wrote {path}")
