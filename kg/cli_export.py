"""`kg export`, `kg sparql`, `kg neo4j push`, `kg neo4j guide`: the graph for other tools.

Only click is imported here; pyoxigraph, rdflib, networkx and the neo4j driver are imported in the commands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, Any

import click

from kg.cli_common import UserError, open_store_or_fail, store_option
from kg.sparql_limits import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT

RDF = ("ttl", "nt", "nq", "jsonld")
PROPERTY_GRAPH_FILES = ("graphml", "gexf")
DIRECTORIES = ("csv", "neo4j-import")
FORMATS = (*RDF, *PROPERTY_GRAPH_FILES, "csv", "cypher", "neo4j-import")


def _projection(store: Any) -> Any:
    from kg.projection import project

    return project(store.triples())


def _binary_out(output: str | None) -> tuple[IO[bytes], bool]:
    if output in (None, "-"):
        return sys.stdout.buffer, False
    return open(output, "wb"), True


@click.command(name="export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="ttl|nt|jsonld|nq: RDF; graphml|gexf: the property graph for Gephi/yEd; csv: nodes.csv + "
                   "edges.csv; cypher: a script for cypher-shell -f or Browser; neo4j-import: CSVs for "
                   "neo4j-admin database import full.")
@click.option("-o", "--output", metavar="PATH",
              help="File (default: standard output); a folder for csv and neo4j-import.")
@click.option("--with-ontology", is_flag=True,
              help="Also write the ontology, the SHACL shapes and the topic scheme (.ttl) beside the export.")
@click.option("--database", default="neo4j", show_default=True, help="neo4j-import: the database to create.")
@store_option
def export(fmt: str, output: str | None, with_ontology: bool, database: str, store_path: str) -> None:
    """Write the whole graph in another format.

    \b
      kg export --format ttl -o kg.ttl --with-ontology
      kg export --format cypher -o kg.cypher           # cypher-shell -f kg.cypher
      kg export --format neo4j-import -o import/       # prints the neo4j-admin command
    """
    if fmt in DIRECTORIES and output in (None, "-"):
        raise UserError(f"--format {fmt} writes several files: give a folder with -o")
    if with_ontology and output in (None, "-"):
        raise UserError("--with-ontology writes files beside the export: give -o")
    target = Path(output) if output not in (None, "-") else None
    if target is not None and fmt not in DIRECTORIES and target.is_dir():
        raise UserError(f"{target} is a folder; give a file name (e.g. {target / ('kg.' + fmt)})")
    with open_store_or_fail(store_path) as store:
        if fmt in RDF:
            from kg.rdf_export import write_rdf
            from kg.store import StoreError

            out, close = _binary_out(output)
            try:
                write_rdf(store, fmt, out)
            except StoreError as exc:  # e.g. the document graphs of an old generation are gone
                if close and target is not None:
                    out.close()
                    close = False
                    target.unlink(missing_ok=True)
                raise UserError(str(exc)) from None
            finally:
                if close:
                    out.close()
            summary = f"{store.meta.get('triples', '?')} triples"
        else:
            graph = _projection(store)
            if fmt in ("cypher", "neo4j-import"):
                graph = _plan_or_fail(graph)
            summary = _write_property_graph(graph, fmt, output, database)
    if with_ontology and target is not None:
        from kg.rdf_export import write_ontology

        folder = target if fmt in DIRECTORIES else target.parent
        for path in write_ontology(folder):
            click.echo(f"wrote {path}", err=True)
    if target is not None:
        click.echo(f"wrote {target}: {summary}", err=True)


def _plan_or_fail(graph: Any) -> Any:
    from kg.neo4j_io import UnsafeName, plan_graph

    try:
        return plan_graph(graph)
    except UnsafeName as exc:
        raise UserError(str(exc)) from None


def _write_property_graph(graph: Any, fmt: str, output: str | None, database: str) -> str:
    """graph: the projection, or for cypher and neo4j-import its Neo4j plan."""
    if hasattr(graph, "node_count"):
        counts = f"{graph.node_count} nodes, {graph.edge_count} relationships"
    else:
        counts = f"{len(graph.nodes)} nodes, {len(graph.edges)} relationships"
    if fmt == "csv":
        from kg.rdf_export import write_csv

        write_csv(graph, Path(output or "."))
        return counts + " (nodes.csv, edges.csv)"
    if fmt == "neo4j-import":
        from kg.neo4j_io import write_admin_import

        result = write_admin_import(graph, Path(output or "."), database=database)
        click.echo("# load with (Neo4j 5, server stopped, database empty; also in import.sh):")
        click.echo(result.command())
        click.echo("# then create the constraints (and take the spreadsheet guard off any value that got one): "
                   "cypher-shell -f " + str(result.directory / "constraints.cypher"))
        return counts
    if fmt == "cypher":
        from kg.neo4j_io import write_cypher_script

        name = Path(output).name if output not in (None, "-") else "kg.cypher"
        if output in (None, "-"):
            write_cypher_script(graph, sys.stdout, name=name)
        else:
            with open(output, "w", encoding="utf-8") as handle:
                write_cypher_script(graph, handle, name=name)
        return counts
    from kg.rdf_export import write_gexf, write_graphml

    out, close = _binary_out(output)
    try:
        (write_graphml if fmt == "graphml" else write_gexf)(graph, out)
    finally:
        if close:
            out.close()
    return counts


# --------------------------------------------------------------------------- sparql


@click.command()
@click.argument("query", metavar="QUERY|FILE.rq|-")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "ttl", "nt"]), default="table",
              show_default=True,
              help="SELECT/ASK: table, json or csv. CONSTRUCT/DESCRIBE: ttl (also for table) or nt; json and "
                   "csv give subject/predicate/object rows.")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop the query after this long (0: no limit).")
@click.option("--max-rows", type=click.IntRange(min=0), default=DEFAULT_MAX_ROWS, show_default=True, metavar="N",
              help="Give at most N rows (CONSTRUCT/DESCRIBE: triples) and say so when more were left out "
                   "(0: all).")
@click.option("--max-memory", type=click.IntRange(min=0), metavar="MB",
              help="Stop a query that needs more memory than this (0: no limit). "
                   "[default: 4096, or half the machine's memory if less]")
@click.option("--allow-service", is_flag=True,
              help="Let SERVICE clauses send the query to other servers (refused without it).")
@store_option
def sparql(query: str, fmt: str, timeout: float, max_rows: int, max_memory: int | None, allow_service: bool,
           store_path: str) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the graph.

    The pa:, id:, skos:, dct:, prov:, oa:, rdf:, rdfs:, xsd: prefixes are predeclared. An update (INSERT,
    DELETE, LOAD, CLEAR, …) is refused, and so is SERVICE (a query sent to another server) unless
    --allow-service. The query runs in a separate process with a time, row and memory limit; Ctrl-C stops it
    at once (exit status 130). A store built without `--sparql` makes its SPARQL index the first time it is
    asked (about as long as a build: 5.5M triples at 100k measures); later questions are quick.

    \b
      kg sparql 'SELECT ?name WHERE { ?a a pa:Agency ; skos:prefLabel ?name }'
      kg sparql queries/agencies.rq --format csv --max-rows 0
    """
    from kg.sparql_limits import Limits

    limits = Limits(timeout=timeout or None, max_rows=max_rows or None, max_memory_mb=max_memory,
                    allow_service=allow_service)
    try:
        result = _run_sparql(_query_text(query), store_path, limits)
    except KeyboardInterrupt:
        click.echo("kg sparql: interrupted; the query was stopped", err=True)
        raise click.exceptions.Exit(130) from None
    from kg.output import emit
    from kg.rdf_export import serialize_triples

    cut = (f"the first {max_rows:,} {'triples' if result.kind == 'graph' else 'rows'} only: more were left out "
           "(--max-rows N, or 0 for all)") if result.truncated else None
    if result.kind == "graph" and fmt in ("table", "ttl", "nt"):
        if cut:
            click.echo(f"note: {cut}", err=True)
        sys.stdout.buffer.write(serialize_triples(result.triples or [], "nt" if fmt == "nt" else "ttl"))
        return
    if result.kind == "ask" and fmt in ("table", "ttl", "nt"):
        click.echo("true" if result.boolean else "false")
        return
    table = "table" if fmt in ("ttl", "nt") else fmt
    notes = [f"{len(result.rows)} row(s)"] if result.kind == "select" else []
    emit(result.rows, result.columns, table, notes=notes + ([cut] if cut else []))


def _run_sparql(text: str, store_path: str, limits: Any) -> Any:
    from kg.rdf_export import ReadOnlyError, check_sparql, run_sparql
    from kg.sparql_limits import QueryFailed, QueryStopped
    from kg.store import StoreError

    with open_store_or_fail(store_path) as store:
        try:
            if not store.has_sparql_index:
                check_sparql(text, limits)  # a query that cannot run is refused before the index is made for it
                if not os.access(store.path / store.generation, os.W_OK):
                    raise UserError(f"{store_path} has no SPARQL index yet and cannot be written here: run "
                                    "`kg build --sparql` as a user who can write the store")
                click.echo(f"building the SPARQL index of {store_path} ({store.meta.get('triples', 0):,} triples), "
                           "once for this build (`kg build --sparql` builds it with the store)…", err=True)
            return run_sparql(store, text, limits)
        except (ReadOnlyError, StoreError, QueryStopped) as exc:  # FederatedQuery is a ValueError
            raise UserError(str(exc)) from None
        except (ValueError, QueryFailed) as exc:
            message = str(exc)
            raise UserError(message if message.startswith("kg sparql") else f"kg sparql: {message}") from None


def _query_text(query: str) -> str:
    if query == "-":
        return sys.stdin.read()
    looks_like_path = "\n" not in query and (query.endswith((".rq", ".sparql")) or os.path.isfile(query))
    if looks_like_path:
        try:
            return Path(query).read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot read {query}: {exc.strerror}") from None
    return query


# --------------------------------------------------------------------------- neo4j


@click.group()
def neo4j() -> None:
    """Neo4j: push the graph to a server, or write the Browser guide and style."""


@neo4j.command()
@click.option("--uri", envvar="NEO4J_URI", default="bolt://localhost:7687", show_default=True,
              help="neo4j://, neo4j+s:// (Aura) or bolt:// address (or set NEO4J_URI).")
@click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True, help="Or set NEO4J_USER.")
@click.option("--database", envvar="NEO4J_DATABASE", help="Database (default: the server's default).")
@click.option("--wipe", is_flag=True, help="First delete every node this tool wrote (label :PinganKG), nothing else.")
@click.option("--batch-size", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Rows per transaction.")
@store_option
def push(uri: str, user: str, database: str | None, wipe: bool, batch_size: int, store_path: str) -> None:
    """Write the graph to Neo4j 5 or Aura (no plugin needed). Pushing twice leaves the same graph.

    The password is read from NEO4J_PASSWORD or asked for (not echoed); there is no --password option, so it
    never appears on a command line, in the shell history or in a process list.
    """
    from kg.neo4j_io import push as push_graph

    with open_store_or_fail(store_path) as store:
        plan = _plan_or_fail(_projection(store))
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        password = click.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    summary = _push_with_driver(uri, user, password, plan, database, batch_size, wipe, push_graph)
    del password
    click.echo(f"pushed to {uri}{' database ' + database if database else ''}: {summary.describe()}")


def _push_with_driver(uri: str, user: str, password: str, plan: Any, database: str | None, batch_size: int,
                      wipe: bool, push_graph: Any) -> Any:
    from kg import neo4j_io

    total = plan.node_count + plan.edge_count
    try:
        driver = neo4j_io.connect(uri, user, password)
        with driver, click.progressbar(length=total, label="pushing", file=sys.stderr) as bar:
            return push_graph(driver, plan, database=database, batch_size=batch_size, wipe=wipe,
                              progress=bar.update)
    except Exception as exc:
        raise UserError(_neo4j_error(uri, exc)) from None


def _neo4j_error(uri: str, exc: Exception) -> str:
    """One line a user can act on; the driver's own messages never contain the password."""
    name = type(exc).__name__
    if name == "AuthError":
        return f"Neo4j at {uri} refused the user name or password"
    if name == "ServiceUnavailable":
        return f"cannot reach Neo4j at {uri}: is it running? ({str(exc).splitlines()[0] if str(exc) else name})"
    if name in ("ConfigurationError", "ValueError"):  # a malformed or unsupported URI
        return f"cannot use {uri}: {str(exc).splitlines()[0] if str(exc) else name}"
    message = getattr(exc, "message", None) or str(exc)
    return f"Neo4j at {uri}: {name}: {message.splitlines()[0] if message else ''}".rstrip(": ")


@neo4j.command()
@click.option("-o", "--output", "output", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder for the guide (.html), the headline questions (.cypher) and the style (.grass).")
@click.option("--serve", "port", type=click.IntRange(1, 65535), metavar="PORT",
              help="Then serve the folder on localhost:PORT with CORS, for :guide http://localhost:PORT/…")
def guide(output: str, port: int | None) -> None:
    """Write a Neo4j Browser guide of the Cypher questions, and a style with Chinese captions.

    \b
      kg neo4j guide -o browser/ --serve 8001
      then in Browser:  :guide http://localhost:8001/pingan-kg-guide.html
      and drag browser/pingan-kg.grass onto the Browser window for the style.
    """
    from kg.neo4j_guide import GUIDE_FILE, serve, write_guide

    folder = Path(output)
    for path in write_guide(folder):
        click.echo(f"wrote {path}")
    url_port = port or 8001
    click.echo(f"serve it:   kg neo4j guide -o {folder} --serve {url_port}   (a plain `python -m http.server` "
               "sends no CORS header, which Browser needs)")
    click.echo(f"in Browser: :guide http://localhost:{url_port}/{GUIDE_FILE}   (or :play …)")
    click.echo("style:      drag pingan-kg.grass onto the Browser window")
    if port:
        click.echo(f"serving {folder} on http://localhost:{port}/ (Ctrl-C to stop)", err=True)
        try:
            serve(folder, port)
        except KeyboardInterrupt:
            pass
        except OSError as exc:
            raise UserError(f"cannot serve on port {port}: {exc.strerror}") from None


COMMANDS = (export, sparql, neo4j)
