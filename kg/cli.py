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
    ProgressLine,
    UserError,
    coverage_summary,
    format_option,
    jurisdiction_option,
    open_store_or_fail,
    place_or_none,
    resolve_or_fail,
    store_option,
)
from kg.neutralise import terminal_text


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
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Worker processes reading files [default: the CPUs available]. Same store for any N.")
@click.option("--from-jsonl", "from_jsonl", is_flag=True,
              help="PATHS are `kg extract --format jsonl` outputs: load those records, parse nothing.")
@click.option("--full", is_flag=True, help="Re-read every file, ignoring what the last build kept.")
@click.option("--sparql/--no-sparql", default=None,
              help="Also build the SPARQL index now (what `kg sparql` and Store.select query), or drop it. "
                   "[default: keep what the store has; without one, the first SPARQL question builds it]")
@click.option("--aliases", "alias_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Extra agency aliases (format of loaders/data/aliases.tsv); repeatable, later files win.")
@store_option
def build(paths: tuple[str, ...], jobs: int | None, from_jsonl: bool, full: bool, sparql: bool | None,
          alias_files: tuple[str, ...], store_path: str) -> None:
    """Read documents (files or folders) and write the graph store.

    The new graph replaces the old one in one step: a build that fails or is interrupted leaves the
    previous graph in place. A file that cannot be read is reported and the others still build; the exit
    status is then 1. On a terminal, one line shows how many files have been read.

    \b
    Rebuilds are incremental: files unchanged since the last build are not read again (nothing changed:
    the graph stays as it is); a changed or deleted file's facts are replaced.
    Every question reads the store's tables; the SPARQL index (`kg sparql`) is built with --sparql, or
    at the first SPARQL question, and kept up to date by later builds.
    Scale-out: run `kg extract --format jsonl` anywhere (one document per line), then
      kg build --from-jsonl part-*.jsonl
    """
    from kg.build import build_from_jsonl, build_from_paths, capped_jobs, default_jobs
    from kg.store import StoreError

    if alias_files:
        _register_aliases(alias_files)
        full = True  # names resolve differently now: what the last build kept may be wrong
    jobs, note = capped_jobs(jobs or default_jobs())
    if note:
        click.echo(f"note: {note}", err=True)

    # how far the files have been read, on a terminal (a build of thousands of plans takes minutes)
    progress = ProgressLine(sys.stderr) if not from_jsonl and sys.stderr.isatty() else None
    try:
        if from_jsonl:
            report = build_from_jsonl(paths, store_path, sparql=sparql)
        else:
            report = build_from_paths(paths, store_path, jobs=jobs, full=full, sparql=sparql, progress=progress)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(_cannot_write(store_path, exc)) from None
    except Exception as exc:
        if type(exc).__module__ == "sqlite3":  # the tables file: a full disk, a read-only folder
            raise UserError(_cannot_write(store_path, exc)) from None
        raise
    finally:
        if progress is not None:
            progress.close()
    for repair in report.repairs:
        click.echo(f"repaired: {repair}; rebuilt from the documents' cached facts", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {terminal_text(warning)}", err=True)
    for error in report.errors:
        click.echo(f"error: {terminal_text(error)}", err=True)
    if not report.documents:
        raise UserError("no document could be read; the store was not changed")
    counts = (f"{report.documents} documents, {report.measures} measures, {report.assignments} assignments, "
              f"{report.triples} triples")
    failed = f"; {len(report.errors)} file(s) could not be read" if report.errors else ""
    understood = coverage_summary(report.entries)
    if understood:
        counts += f"; {understood}"
    if report.mode == "unchanged":
        click.echo(f"nothing changed in {store_path}: {counts}{failed}")
    else:
        how = "" if from_jsonl else f" ({report.mode}: read {report.parsed} file(s))"
        click.echo(f"built {store_path}: {counts}{failed}{how}")
    if report.errors:
        sys.exit(1)


def _cannot_write(store_path: str, exc: Exception) -> str:
    """One line for a build that could not write its store (a full disk, a read-only or foreign folder): what
    the system said, and that the store is as it was (the half-written generation is removed)."""
    import errno

    reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
    for plain in ("No space left on device", "Read-only file system", "Permission denied"):
        if plain in reason:  # what RocksDB wraps in a long line of its own
            reason = plain
    hint = {errno.ENOSPC: "free some space", errno.EDQUOT: "free some space", errno.EROFS: "use a writable folder",
            errno.EACCES: "use a folder you can write", errno.EPERM: "use a folder you can write"}
    fix = hint.get(getattr(exc, "errno", None) or 0) or (
        "free some space" if "full" in reason else "use a folder you can write" if "readonly" in reason else
        "check the folder")
    return f"cannot write the store {store_path}: {reason}; {fix} and build again (the store is as it was)"


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True,
              help="json: one object {\"documents\": [...]}; jsonl: one document per line, as it is read.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Worker processes reading files; the output order is the same for any N.")
@click.option("--aliases", "alias_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Extra agency aliases (format of loaders/data/aliases.tsv); repeatable, later files win.")
@click.option("--explain", is_flag=True,
              help="Instead of the records, show line by line how each FILE was read (header, table row, item, "
                   "paragraph, statistic, noise, not read) and how much of it was understood.")
def extract(files: tuple[str, ...], fmt: str, jobs: int, alias_files: tuple[str, ...], explain: bool) -> None:
    """Run the loaders only and print Document records (no store). Exit 1 if a file could not be read.

    With --format jsonl each document is printed (and flushed) as soon as it is read, so a folder of any
    size streams with constant memory: `kg extract big/ --format jsonl | gzip > part.jsonl.gz`.
    """
    import json

    from kg.build import capped_jobs, iter_documents

    _register_aliases(alias_files)
    if explain:
        _explain(files)
        return
    jobs, note = capped_jobs(jobs)
    if note:
        click.echo(f"note: {note}", err=True)

    failed = False
    seen: set[str] = set()
    docs: list[dict] = []
    for path, doc, error in iter_documents(files, jobs):
        if error or doc is None:
            click.echo(f"error: {terminal_text(str(error))}", err=True)
            failed = True
            continue
        if doc.id in seen:
            click.echo(f"warning: {terminal_text(str(path))}: same content as a file already read; skipped", err=True)
            continue
        seen.add(doc.id)
        for w in doc.warnings:
            click.echo(terminal_text(f"warning: {path}: {w}"), err=True)
        if fmt == "jsonl":
            click.echo(json.dumps(doc.to_dict(), ensure_ascii=False))  # echo flushes: the line is out now
        else:
            docs.append(doc.to_dict())
    if fmt == "json":
        click.echo(json.dumps({"documents": docs}, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(1)


def _explain(files: tuple[str, ...]) -> None:
    """`kg extract --explain`: each file's coverage, then one line of text a row with what it was read as."""
    from loaders.errors import LoadError
    from loaders.explain import explain_file

    failed = False
    for path in files:
        try:
            doc, lines = explain_file(path)
        except LoadError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
            continue
        c = doc.coverage
        click.echo(f"{path}: {doc.kind}, {doc.jurisdiction or 'no place found'}; "
                   + (f"read {c.share:.0%} of its text: {c.measures} measure(s) ({c.without_agency} without an "
                      f"agency), {c.statistics} statistic(s)" if c else ""))
        for warning in doc.warnings:
            click.echo(f"warning: {warning}")
        for line in lines:
            if line.kind != "blank":
                text = line.text.strip()
                click.echo(f"{line.line:>5}  {line.kind:<12}  {line.detail[:48]:<48}  {text[:60]}"
                           + ("…" if len(text) > 60 else ""))
    if failed:
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
    click.echo(terminal_text(report, lines=True), err=True)
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
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        rows, notes, hits = measure_rows(store, agency, role, place)
    emit(rows, MEASURE_COLUMNS["table" if fmt == "table" else "full"], fmt, notes=notes,
         meta={"agency": agency, "matched": [h.name for h in hits], "role": role})


MEASURE_COLUMNS = {
    "table": ["id", "jurisdiction", "key", "heading", "role", "basis"],
    "full": ["id", "agencyName", "jurisdiction", "asWritten", "role", "basis", "key", "heading", "title", "source",
             "line", "quote"],
}


def measure_rows(store: Any, typed: str, role: str | None, place: Any) -> tuple[list[dict], list[str], list]:
    """The measures an agency (as typed, in ``place`` when given) takes part in, the notes, and the agencies
    the name matched."""
    import queries
    from kg.resolve import describe_matches, resolve_agency

    hits = resolve_or_fail(resolve_agency, store, typed, place)
    rows: list[dict] = []
    for hit in hits:
        for row in queries.measures_by_agency(store, hit.iri, role, place.iri if place else None):
            rows.append({**row, "agencyName": hit.name})
    notes = [n for n in [describe_matches(typed, hits)] if n]
    how = {"lead": "leads", "co": "is co-responsible for", "guide": "guides", "implement": "implements"}
    labels = [f"{h.name}（{place.name}）" if place else h.label for h in hits]
    notes.append(f"{'、'.join(labels)} {how[role] if role else 'takes part in'} "
                 f"{len(rows)} measure(s)")
    return rows, notes, hits


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
    emit(rows, OVERLAP_COLUMNS["table" if fmt == "table" else "full"], fmt, notes=notes, meta=meta)


OVERLAP_COLUMNS = {
    "table": ["id", "jurisdiction", "key", "heading", "roleA", "roleB"],
    "full": ["id", "jurisdiction", "key", "heading", "agencyA", "roleA", "agencyB", "roleB", "title", "source"],
}


def _pair_overlap(store: Any, typed_a: str, typed_b: str, place: Any) -> tuple[list[dict], list[str], dict]:
    import queries
    from kg.resolve import describe_matches, resolve_agency

    hits_a = resolve_or_fail(resolve_agency, store, typed_a, place)
    hits_b = resolve_or_fail(resolve_agency, store, typed_b, place)
    in_place = place.iri if place else None
    rows: list[dict] = []
    for a in hits_a:
        for b in hits_b:
            if a.iri == b.iri:
                continue
            for row in queries.overlap(store, a.iri, b.iri, in_place):
                rows.append({**row, "agencyA": a.name, "agencyB": b.name})
    # one row per measure even when a name matched several agencies or an agency holds two roles
    merged: dict[str, dict] = {}
    for row in rows:
        kept = merged.setdefault(row["id"], row)
        for side in ("roleA", "roleB"):
            roles = set(kept[side].split("+")) | {row[side]}
            kept[side] = "+".join(sorted(roles, key=ROLES.index))
    rows = list(merged.values())
    measures_a = set().union(*(queries.agency_measure_ids(store, a.iri, in_place) for a in hits_a))
    measures_b = set().union(*(queries.agency_measure_ids(store, b.iri, in_place) for b in hits_b))
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

    # pairs are counted per place of the shared measures' documents
    shown, total = queries.top_pairs(store, top, with_collective, place.iri if place is not None else None)
    note = f"top {len(shown)} of {total} agency pairs that share a measure"
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
    from kg.output import emit

    with open_store_or_fail(store_path) as store:
        place = place_or_none(store, jurisdiction)
        rows, notes = gap_rows(store, place)
    emit(rows, GAP_COLUMNS["table" if fmt == "table" else "full"], fmt, notes=notes)


GAP_COLUMNS = {
    "table": ["id", "jurisdiction", "key", "heading", "assignments"],
    "full": ["id", "jurisdiction", "key", "heading", "assignments", "title", "source"],
}


def gap_rows(store: Any, place: Any) -> tuple[list[dict], list[str]]:
    """Measures no agency leads (in ``place`` when given) and the note that counts them."""
    import queries

    rows = queries.measures_without_lead(store, place.iri if place else None)
    return rows, [f"{len(rows)} measure(s) with no lead agency" + (f" in {place.name}" if place else "")]


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
    click.echo(terminal_text(f"{m['id']}  {m['key']}  {m.get('heading') or ''}".rstrip()))
    click.echo(terminal_text(f"document: {m.get('title') or '(untitled)'}  [{m.get('jurisdiction') or '?'}]"))
    click.echo(terminal_text(f"source:   {m['source']}, line {m['line']}"))
    click.echo("")
    click.echo(terminal_text(m["text"], lines=True))
    click.echo("")
    emit(rows, columns, fmt, notes=[f"{len(rows)} agencies"])


def _register_aliases(alias_files: tuple[str, ...]) -> None:
    """Make user alias files part of agency resolution for this run; a bad file is a one-line error."""
    if not alias_files:
        return
    from loaders import LoadError
    from loaders.agencies import register_alias_file

    for path in alias_files:
        try:
            register_alias_file(path)
        except LoadError as exc:
            raise UserError(f"--aliases {path}: {exc}") from None


def _register_more_commands() -> None:
    # Commands live in a few modules (one concern each) so that this file stays the core.
    from kg.cli_ask import ask
    from kg.cli_obligations import compare, outcomes, targets, track
    from kg.cli_profile import agency, lint
    from kg.cli_views import plot, view

    for command in (targets, outcomes, track, compare, agency, lint, view, plot, ask):
        cli.add_command(command)
    from kg.cli_export import COMMANDS as export_commands  # export, sparql, neo4j push|guide

    for command in export_commands:
        cli.add_command(command)


_register_more_commands()


def main() -> None:
    # Chinese must reach the terminal or a pipe intact whatever the locale says.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        sys.exit(_run())
    except BrokenPipeError:
        # `kg measures … | head` closed the pipe early: not an error worth a traceback
        sys.stderr = None  # type: ignore[assignment]
        sys.exit(0)
    finally:
        # The process ends here: its last garbage collection (at interpreter exit, over every object of every
        # imported module) would find nothing worth collecting and cost 20–35 ms, a sixth of a small question's
        # time on the benchmark's machine. Frozen objects are left to the operating system; atexit handlers
        # still run and the standard streams are still flushed.
        import gc

        gc.freeze()


def _run() -> int:
    """Run the command; what click would print for errors it prints too, and besides: Ctrl-C (or SIGTERM) is
    one line and exit status 128 + the signal's number, as shells report it; a store error no command caught
    (a damaged file met in the middle of an answer) is one line, not a traceback."""
    import signal

    from kg.neutralise import terminal_text
    from kg.store_files import StoreError

    signal.signal(signal.SIGTERM, _terminate)
    try:
        result = cli.main(standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt | Terminated):
            signum = exc.__cause__.signum if isinstance(exc.__cause__, Terminated) else signal.SIGINT
            name = signal.Signals(signum).name
            click.echo(f"kg: interrupted ({name}); a build in progress leaves the store as it was", err=True)
            return 128 + signum
        click.echo("Aborted!", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except StoreError as exc:
        click.echo(f"Error: {terminal_text(str(exc))}", err=True)
        return 1
    except OSError as exc:
        if exc.errno is None or isinstance(exc, BrokenPipeError):
            raise
        # a full disk or a read-only folder met where no command expected it: the OS's words, on one line
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(terminal_text(f"Error: {exc.strerror or exc}{where}"), err=True)
        return 1
    return result if isinstance(result, int) else 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so that a build cleans up as it does for Ctrl-C (kill's default
    would leave a half-written generation for the next build to remove)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated(signum)


if __name__ == "__main__":
    main()
