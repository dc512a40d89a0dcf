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
from kg.neutralise import terminal_text

KIND_NAMES = ("agency", "measure", "document", "target", "outcome", "topic")
# Above this many measures a view of the whole graph says first what it will cost: at 100k measures it took 151 s
# and 5 GB, for a page of 173k nodes no browser draws well (a view of one place or agency takes seconds; the
# overlap view, agencies only, 25 s).
WHOLE_GRAPH_WARNING = 20_000


def _project(store: Any, documents: set[str] | None = None, predicates: frozenset[str] | None = None) -> Any:
    """The property graph of the store, or of the union of some documents' graphs (ids) and the topic scheme;
    with ``predicates`` (IRIs), of those predicates' triples only."""
    from kg.projection import project

    return project(store.triples(documents, predicates))


def _agency_facts(store: Any) -> dict[str, Any]:
    """What the whole graph says of each agency (places, written names, measures by role and place), from the
    questions' answers: a view drawn from some documents says it of the agencies it shows."""
    import queries
    from kg.resolve import all_agencies
    from kg.views import AgencyFacts

    facts = {a.iri: AgencyFacts(dict(a.places), sorted(a.written, key=str), {}) for a in all_agencies(store)}
    edges = (("lead", "LEADS"), ("co", "CO_RESPONSIBLE_FOR"), ("guide", "GUIDES"), ("implement", "IMPLEMENTS"))
    for row in queries.agencies(store):
        known = facts.get(row["agency"])
        if known is not None:
            known.measures[row["jurisdiction"] or ""] = {edge: int(row[role]) for role, edge in edges if row[role]}
    return facts


class _Documents:
    """Which documents a view needs, from the store's tables (None: all of them, when it has no tables)."""

    def __init__(self, store: Any) -> None:
        self.tables = None if store.prefer_sparql else store.tables

    def of_place(self, place: str | None) -> set[str] | None:
        return self.tables.documents_in(place) if self.tables is not None and place else None

    def about(self, topic: str, place: str | None) -> set[str] | None:
        if self.tables is None:
            return None
        return self.of_place(place) if place else self.tables.documents_about([topic])

    def agency_view(self, store: Any, agencies: list[str], depth: int, hide: tuple[str, ...]) -> Any:
        """The property graph an agency view needs: the documents naming the agencies, then those of every
        agency or topic the view reaches out from, until no more are needed (every other node has all of its
        edges in its own document)."""
        from kg import views

        if self.tables is None:
            return _project(store)
        documents = self.tables.documents_naming(agencies)
        while True:
            pg = _project(store, documents)
            beyond = views.reach_beyond(pg, agencies, depth, hide)
            needed = self.tables.documents_naming(beyond["agency"]) | self.tables.documents_about(beyond["topic"])
            if needed <= documents:
                return pg
            documents |= needed


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
        # a view of one place, agency or topic projects the documents it shows, not the whole graph (at 100k
        # measures the whole graph is minutes); what it says of each agency comes from the whole graph's answers
        documents = _Documents(store)
        # --overlap reads the whole graph's role edges only (at 100k measures 25 s, a page of 335 agencies)
        whole = not agency and not topic and not overlap_ and place is None
        measures = sum(int(d.get("measures") or 0) for d in store.meta.get("documents", [])) if whole else 0
        if measures > WHOLE_GRAPH_WARNING:
            click.echo(f"warning: this view reads the whole graph ({measures:,} measures): expect minutes and a "
                       "page too big to draw well; -j PLACE, --agency NAME or --topic TOPIC shows a part of it "
                       "in seconds", err=True)
        facts = _agency_facts(store)
        if agency:
            hits = resolve_or_fail(resolve_agency, store, agency, place)
            note = describe_matches(agency, hits)
            if note:
                click.echo(terminal_text(note), err=True)
            iris = [h.iri for h in hits]
            graph = views.agency_view(documents.agency_view(store, iris, depth, hide), iris, depth, hide, facts)
        elif overlap_:
            pg = _project(store, documents.of_place(place_iri), views.OVERLAP_READS)
            graph = views.overlap_view(pg, place_iri, min_shared, with_collective, facts)
        elif topic:
            found = resolve_or_fail(resolve_topic, store, topic)
            graph = views.topic_view(_project(store, documents.about(found.iri, place_iri)), found.iri, place_iri,
                                     hide, facts)
        else:
            hidden = set(hide) | (set() if with_topics else {"topic"})
            graph = views.graph_view(_project(store, documents.of_place(place_iri)), place_iri, sorted(hidden),
                                     facts)
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
