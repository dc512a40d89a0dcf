"""The `kg` command: build the graph from documents, then ask it who is responsible for what.

Only click is imported at start-up; rdflib, pyoxigraph and the loaders are imported inside the commands that
need them, so `kg --help` answers at once.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from kg import __version__
from kg.cli_common import (
    ROLES,
    UserError,
    format_option,
    jurisdiction_option,
    open_store_or_fail,
    place_or_none,
    resolve_or_fail,
    store_option,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="pingan-kg")
def cli() -> None:
    """pingan-kg: who is responsible for what in Chinese public-security plans.

    \b
    Build a graph from plan documents, then ask it:
      kg build samples/seeds                       # read documents, write ./kg-store
      kg measures --agency 市公安局 --role lead     # which measures does 市公安局 lead?
      kg overlap 市公安局 市司法局 -j 呼和浩特市       # where do two agencies meet?
      kg gaps                                      # which measures have no lead?
    """


# --------------------------------------------------------------------------- build / extract / validate


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_option
def build(paths: tuple[str, ...], store_path: str) -> None:
    """Read documents (files or folders) and write the graph store.

    The new graph replaces the old one in one step: a build that fails or is interrupted leaves the
    previous graph in place. A file that cannot be read is reported and the others still build; the exit
    status is then 1.
    """
    from kg.build import read_documents
    from kg.store import StoreBusy, build_store

    result = read_documents(paths)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if not result.documents:
        raise UserError("no document could be read; the store was not changed")
    try:
        summary = build_store(store_path, result.documents, errors=result.errors)
    except StoreBusy as exc:
        raise UserError(str(exc)) from None
    n_measures = sum(len(d.measures) for d in result.documents)
    n_assign = sum(len(m.assignments) for d in result.documents for m in d.measures)
    click.echo(
        f"built {store_path}: {len(result.documents)} documents, {n_measures} measures, "
        f"{n_assign} assignments, {summary.triples} triples"
        + (f"; {len(result.errors)} file(s) could not be read" if result.errors else "")
    )
    if result.errors:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True,
              help="json: one object {\"documents\": [...]}; jsonl: one document per line, as it is read.")
def extract(files: tuple[str, ...], fmt: str) -> None:
    """Run the loaders only and print Document records (no store). Exit 1 if a file could not be read."""
    import json

    from kg.build import read_documents

    result = read_documents(files)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    docs = [d.to_dict() for d in result.documents]
    if fmt == "jsonl":
        for d in docs:
            click.echo(json.dumps(d, ensure_ascii=False))
    else:
        click.echo(json.dumps({"documents": docs}, ensure_ascii=False, indent=2))
    if result.errors:
        sys.exit(1)


@cli.command()
@store_option
def validate(store_path: str) -> None:
    """Check the built graph against the SHACL shapes in ontology/shapes.ttl."""
    from kg.validate import validate_store

    store = open_store_or_fail(store_path)
    with store:
        conforms, report = validate_store(store)
    if conforms:
        click.echo(f"{store_path}: the graph conforms to the pingan-kg shapes")
        return
    click.echo(report, err=True)
    raise UserError(f"{store_path}: the graph does not conform to the shapes (see above)")


# --------------------------------------------------------------------------- questions


@cli.command()
@click.option("--agency", "-a", required=True, metavar="NAME", help="Agency as written (市公安局) or in full.")
@click.option("--role", "-r", type=click.Choice(ROLES), help="Only this role.")
@jurisdiction_option
@format_option
@store_option
def measures(agency: str, role: str | None, jurisdiction: str | None, fmt: str, store_path: str) -> None:
    """Which measures does an agency take part in (lead, co, guide, implement)?"""
    import queries
    from kg.output import emit
    from kg.resolve import describe_matches, resolve_agency

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        hits = resolve_or_fail(resolve_agency, store, agency, place)
        rows: list[dict] = []
        for hit in hits:
            for row in queries.measures_by_agency(store, hit.iri, role):
                rows.append({**row, "agencyName": hit.name})
    notes = [n for n in [describe_matches(agency, hits)] if n]
    how = {"lead": "leads", "co": "is co-responsible for", "guide": "guides", "implement": "implements"}
    notes.append(f"{'、'.join(h.label for h in hits)} {how[role] if role else 'takes part in'} "
                 f"{len(rows)} measure(s)")
    columns = (["id", "jurisdiction", "key", "heading", "role", "basis"] if fmt == "table" else
               ["id", "agencyName", "jurisdiction", "asWritten", "role", "basis", "key", "heading", "title",
                "source", "line", "quote"])
    emit(rows, columns, fmt, notes=notes,
         meta={"agency": agency, "matched": [h.name for h in hits], "role": role})


@cli.command()
@click.argument("agencies", nargs=-1, metavar="[AGENCY_A AGENCY_B]")
@click.option("--top", type=click.IntRange(min=1), help="Instead: the N most overlapping agency pairs.")
@click.option("--with-collective", is_flag=True,
              help="With --top: keep collective lower levels (各旗县区 …), which share nearly every measure.")
@jurisdiction_option
@format_option
@store_option
def overlap(agencies: tuple[str, ...], top: int | None, with_collective: bool, jurisdiction: str | None,
            fmt: str, store_path: str) -> None:
    """Where do two agencies meet? Shared measures, each one's role, and the Jaccard similarity.

    \b
      kg overlap 市公安局 市司法局 --jurisdiction 呼和浩特市
      kg overlap --top 10
    """
    from kg.output import emit

    if top is None and len(agencies) != 2:
        raise UserError("give two agencies (kg overlap 市公安局 市司法局) or --top N")
    if top is not None and agencies:
        raise UserError("give either two agencies or --top N, not both")
    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        if top is not None:
            rows, notes = _top_pairs(store, top, with_collective, place)
            columns = ["nameA", "nameB", "jurisdiction", "shared", "nA", "nB", "jaccard"]
            emit(rows, columns, fmt, notes=notes, meta={"top": top})
            return
        rows, notes, meta = _pair_overlap(store, agencies[0], agencies[1], place)
    columns = (["id", "jurisdiction", "key", "heading", "roleA", "roleB"] if fmt == "table" else
               ["id", "jurisdiction", "key", "heading", "agencyA", "roleA", "agencyB", "roleB", "title", "source"])
    emit(rows, columns, fmt, notes=notes, meta=meta)


def _pair_overlap(store: Any, typed_a: str, typed_b: str, place: Any) -> tuple[list[dict], list[str], dict]:
    import queries
    from kg.resolve import describe_matches, resolve_agency

    hits_a = resolve_or_fail(resolve_agency, store, typed_a, place)
    hits_b = resolve_or_fail(resolve_agency, store, typed_b, place)
    rows: list[dict] = []
    for a in hits_a:
        for b in hits_b:
            if a.iri == b.iri:
                continue
            for row in queries.overlap(store, a.iri, b.iri):
                rows.append({**row, "agencyA": a.name, "agencyB": b.name, "jurisdiction": a.jurisdiction})
    # one row per measure even when a name matched several agencies or an agency holds two roles
    merged: dict[str, dict] = {}
    for row in rows:
        kept = merged.setdefault(row["id"], row)
        for side in ("roleA", "roleB"):
            roles = set(kept[side].split("+")) | {row[side]}
            kept[side] = "+".join(sorted(roles, key=ROLES.index))
    rows = list(merged.values())
    measures_a = {r["id"] for a in hits_a for r in queries.measures_by_agency(store, a.iri)}
    measures_b = {r["id"] for b in hits_b for r in queries.measures_by_agency(store, b.iri)}
    union = measures_a | measures_b
    jaccard = len(measures_a & measures_b) / len(union) if union else 0.0
    notes = [n for n in (describe_matches(typed_a, hits_a), describe_matches(typed_b, hits_b)) if n]
    notes.append(
        f"{typed_a}: {len(measures_a)} measures; {typed_b}: {len(measures_b)} measures; "
        f"shared: {len(measures_a & measures_b)}; Jaccard {jaccard:.3f}"
    )
    meta = {"agencyA": [a.name for a in hits_a], "agencyB": [b.name for b in hits_b],
            "countA": len(measures_a), "countB": len(measures_b), "shared": len(measures_a & measures_b),
            "jaccard": round(jaccard, 4)}
    return rows, notes, meta


def _top_pairs(store: Any, top: int, with_collective: bool, place: Any) -> tuple[list[dict], list[str]]:
    import queries
    from kg.resolve import all_agencies

    rows = queries.overlap_top(store)
    if not with_collective:
        rows = [r for r in rows if not r.get("collective")]
    if place is not None:
        in_place = {a.iri for a in all_agencies(store) if a.place == place.iri}
        rows = [r for r in rows if r["agencyA"] in in_place and r["agencyB"] in in_place]
    shown = rows[:top]
    note = f"top {len(shown)} of {len(rows)} agency pairs that share a measure"
    if not with_collective:
        note += " (collective lower levels left out; --with-collective keeps them)"
    return shown, [note]


@cli.command()
@jurisdiction_option
@format_option
@store_option
def agencies(jurisdiction: str | None, fmt: str, store_path: str) -> None:
    """Every agency, with how many measures it leads, co-leads, guides and implements."""
    import queries
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        rows = queries.agencies(store, place.iri if place else None)
    notes = [f"{len(rows)} agencies" + (f" in {place.name}" if place else "")]
    emit(rows, ["name", "jurisdiction", "lead", "co", "guide", "implement", "measures"], fmt, notes=notes)


@cli.command()
@jurisdiction_option
@format_option
@store_option
def gaps(jurisdiction: str | None, fmt: str, store_path: str) -> None:
    """Which measures have no lead agency?"""
    import queries
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        rows = queries.measures_without_lead(store, place.iri if place else None)
    notes = [f"{len(rows)} measure(s) with no lead agency" + (f" in {place.name}" if place else "")]
    emit(rows, ["id", "jurisdiction", "key", "heading", "assignments"] if fmt == "table" else
         ["id", "jurisdiction", "key", "heading", "assignments", "title", "source"], fmt, notes=notes)


@cli.command()
@click.argument("measure_id")
@format_option
@store_option
def show(measure_id: str, fmt: str, store_path: str) -> None:
    """One measure: its text, its agencies and roles, and the evidence (file, line, exact quote)."""
    import queries
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        m = queries.measure(store, measure_id.strip())
        if m is None:
            raise UserError(f"no measure {measure_id!r}; ids are listed by `kg measures` and `kg gaps`")
        rows = queries.measure_assignments(store, m["id"])
    columns = ["role", "name", "asWritten", "basis", "sourceFile", "line", "quote"]
    if fmt != "table":
        emit(rows, columns, fmt, meta={"measure": {k: m.get(k) for k in
             ("id", "key", "heading", "text", "line", "title", "source", "docNumber", "jurisdiction")}})
        return
    click.echo(f"{m['id']}  {m['key']}  {m.get('heading') or ''}".rstrip())
    click.echo(f"document: {m.get('title') or '(untitled)'}  [{m.get('jurisdiction') or '?'}]")
    click.echo(f"source:   {m['source']}, line {m['line']}")
    click.echo("")
    click.echo(m["text"])
    click.echo("")
    emit(rows, columns, fmt, notes=[f"{len(rows)} agencies"])


def _register_more_commands() -> None:
    # Commands live in a few modules (one concern each) so that this file stays the core.
    from kg.cli_obligations import compare, outcomes, targets, track
    from kg.cli_profile import agency, lint

    for command in (targets, outcomes, track, compare, agency, lint):
        cli.add_command(command)


_register_more_commands()


def main() -> None:
    # Chinese must reach the terminal or a pipe intact whatever the locale says.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        cli()
    except BrokenPipeError:
        # `kg measures … | head` closed the pipe early: not an error worth a traceback
        sys.stderr = None  # type: ignore[assignment]
        sys.exit(0)


if __name__ == "__main__":
    main()
