"""One agency's profile (`kg agency NAME`) and what a careful reader should check (`kg lint`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

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


def agency_profile(store: Any, hit: Any, place: Any = None) -> dict:
    """Everything the graph says about one agency: measures by role, topics, targets of the measures it
    leads, partners it shares measures with, and the outcomes reports credit to it. With ``place`` (one of the
    agency's places, for a name written in plans of several), its measures, topics and targets there."""
    import queries
    from kg.cli_obligations import _tuples, _unique
    from kg.resolve import all_topics

    # Every question below is asked about this one agency (bound in the query, which starts from it), not
    # about the whole graph and then filtered: at 100k measures that is seconds instead of many minutes.
    in_place = place.iri if place is not None else hit.place
    # tuples with their column names (a dict for every one of thousands of rows was a sixth of the command's time)
    measures = queries.measures_by_agency(store, hit.iri, None, in_place, queries.MEASURES_BY_AGENCY_COLUMNS)
    role_of = _tuples(measures, ("id", "role"))
    roles = Counter(role for _, role in role_of)
    led = {measure for measure, role in role_of if role == "lead"}
    targets = [r for r in _unique(queries.targets(store, lead=hit.iri, place=in_place), "t") if r["id"] in led]
    labels = {t.iri: t.label for t in all_topics(store)}
    topic_counts: Counter[str] = Counter()
    for row in queries.topic_agencies(store, None, in_place, hit.iri):
        if row["agency"] == hit.iri and row["topic"] in labels:
            topic_counts[labels[row["topic"]]] += row["measures"]
    partners = []
    # pairs are counted per place of the shared measures' documents: one row per partner and place
    for row in queries.overlap_top(store, hit.iri, place.iri if place is not None else None):
        other = row["nameB"] if row["agencyA"] == hit.iri else row["nameA"]
        partners.append({"partner": other, "jurisdiction": row["jurisdiction"], "shared": row["shared"],
                         "jaccard": row["jaccard"]})
    outcomes = _unique(queries.outcomes(store, hit.iri), "o")
    return {
        "agency": hit.name, "jurisdiction": place.name if place is not None else hit.jurisdiction,
        "writtenAs": sorted(hit.written - {hit.name}),
        "roles": {role: roles.get(role, 0) for role in ("lead", "co", "guide", "implement")},
        "measures": measures, "topics": dict(topic_counts.most_common()), "targets": targets,
        "partners": partners, "outcomes": outcomes,
    }


def _print_profile(p: dict, category: str | None) -> None:
    from kg.neutralise import terminal_text
    from kg.output import format_table

    also = f" · also written {'、'.join(p['writtenAs'])}" if p["writtenAs"] else ""
    where = f"（{p['jurisdiction']}）" if p["jurisdiction"] else "（no jurisdiction）"
    click.echo(terminal_text(f"{p['agency']}{where}{' · ' + category if category else ''}{also}"))
    click.echo("roles: " + ", ".join(f"{role} {n}" for role, n in p["roles"].items()))
    if p["topics"]:
        click.echo(terminal_text("topics: " + "、".join(f"{t}({n})" for t, n in p["topics"].items())))
    sections = [
        ("measures", p["measures"], ["id", "key", "heading", "role", "title"]),
        ("targets of the measures it leads", p["targets"], ["id", "key", "metric", "target"]),
        ("partners (shared measures)", p["partners"][:10],
         ["partner", *(["jurisdiction"] if len({r["jurisdiction"] for r in p["partners"]}) > 1 else []),
          "shared", "jaccard"]),
        ("reported outcomes", p["outcomes"], ["period", "metric", "value", "unit", "title"]),
    ]
    for title, rows, columns in sections:
        click.echo(f"\n{title}: {len(rows)}")
        if rows:
            click.echo(format_table(rows, columns), nl=False)


@click.command()
@click.argument("name")
@jurisdiction_option
@format_option
@store_option
def agency(name: str, jurisdiction: str | None, fmt: str, store_path: str) -> None:
    """One agency's profile: measures by role, topics, targets it owns, partners, reported outcomes.

    \b
      kg agency 呼和浩特市公安局      # its 2014 duties and its 2023 reported results together
      kg agency 市公安局 -j 聊城
    """
    import json

    from kg.output import format_csv
    from kg.resolve import describe_matches, resolve_agency

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        hits = resolve_or_fail(resolve_agency, store, name, place)
        if len(hits) > 1:
            raise UserError(describe_matches(name, hits) or f"{name} is ambiguous")
        hit = hits[0]
        profile = agency_profile(store, hit, place)
        import queries

        category = next(iter(queries.agency_categories(store, hit.iri)), None)
    profile["category"] = category
    if fmt == "json":
        profile["measures"] = list(profile["measures"])  # rows as dicts (an Answer keeps tuples)
        click.echo(json.dumps(profile, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        rows = ([{"section": "measure", "item": r["id"], "detail": r.get("heading"), "role": r["role"]}
                 for r in profile["measures"]]
                + [{"section": "target", "item": r["id"], "detail": r["metric"], "value": r["target"]}
                   for r in profile["targets"]]
                + [{"section": "partner", "item": r["partner"], "value": r["shared"]} for r in profile["partners"]]
                + [{"section": "outcome", "item": r.get("period"), "detail": r["metric"],
                    "value": f"{r['value']} {r['unit']}"} for r in profile["outcomes"]])
        click.echo(format_csv(rows, ["section", "item", "detail", "role", "value"]), nl=False)
    else:
        _print_profile(profile, category)


def lint_rows(store: Any) -> list[dict]:
    """Findings, one row each: the check, where (file and line or measure id), and what is wrong."""
    import queries

    rows: list[dict] = []
    for d in queries.documents(store):
        for warning in filter(None, (d.get("warnings") or "").split(" | ")):
            rows.append({"check": "document", "where": Path(d["source"]).name, "finding": warning})
    for m in queries.lint_measures(store):
        where = f"{Path(m['source']).name} {m['key']} {m['id']}"
        if m["assignments"] == 0:
            finding = "no responsible unit: neither a label nor an actor in the text"
        elif m["leads"] == 0:
            finding = f"no lead among its {m['assignments']} assignment(s)"
        else:
            finding = f"{m['leads']} leads: check which unit really leads"
        rows.append({"check": "measure", "where": where, "finding": finding})
    for a in queries.lint_agencies(store):
        places = [p for p in (a.get("places") or "").split("、") if p]
        if a["nPlaces"] > 1:
            rows.append({"check": "agency", "where": a["name"],
                         "finding": f"one name tied to {a['nPlaces']} places ({'、'.join(places)}): resolve it"})
        elif places and not a["name"].startswith(places[0]):
            rows.append({"check": "agency", "where": a["name"],
                         "finding": f"not qualified by its place {places[0]}: a national or other-place body, "
                                    "or a name the resolver could not place"})
    return rows


@click.command()
@format_option
@store_option
def lint(fmt: str, store_path: str) -> None:
    """What a careful reader should check: measures with no responsible unit, no lead or several leads,
    names that could not be placed, truncated documents, dates that contradict the document's own references.

    Exit status 1 when there are findings, like other linters.
    """
    import sys

    from kg.cli_common import coverage_summary
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        rows = lint_rows(store)
        understood = coverage_summary(store.meta.get("documents", []))
    counts = Counter(r["check"] for r in rows)
    notes = [f"{len(rows)} finding(s): " + ", ".join(f"{n} {c}" for c, n in sorted(counts.items()))]
    if understood:
        notes.append(f"{len(store.meta.get('documents', []))} document(s); {understood} (each document's share: "
                     "meta.json, kg extract --explain)")
    emit(rows, ["check", "where", "finding"], fmt, full=("where", "finding"), notes=notes)
    if rows:
        sys.exit(1)
