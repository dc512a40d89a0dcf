"""The plain way, for benchmarks/run.py: N-Triples parsed into an in-memory rdflib Graph, then the same SPARQL
files as `kg` with the same parameters (rdflib's initBindings), name resolution (agency_index) included.

    python benchmarks/rdflib_side.py union.nt --limit 120 --parse-limit 600 --mem-gb 12 A B PLACE

Runs in a process of its own, which caps its own address space first (RLIMIT_AS, --mem-gb), and prints one
JSON line per step as soon as the step ends (flushed), so whatever it finished is known even if the caller
kills it at its total time budget or the kernel kills it:

    {"step": "start", ...}  {"step": "parse", "seconds": …, "triples": …}  {"step": "measures", "seconds": …}
    {"step": "top", "error": "limit"}  {"step": "agency", "error": "memory"}  {"step": "end"}

``error`` is one word: ``limit`` (the step ran past its time limit and was interrupted), ``memory`` (a
MemoryError under the address-space cap) or ``error`` (another exception, named in ``detail``).

rdflib 7 raises NotBoundError from GROUP_CONCAT(DISTINCT ?x) when ?x is unbound in a row (an OPTIONAL that
did not match; RDFLib/rdflib#716, #882): targets.rq hits it as soon as one measure with a target has no lead,
which the 20k corpus has. rdflib already skips unbound values for GROUP_CONCAT without DISTINCT and for
COUNT(DISTINCT) (#2229); ``--no-rdflib-fix`` turns off the same skip for the other DISTINCT aggregates, which
is otherwise applied here so the comparison measures time rather than stopping at the bug.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

STEPS = ("measures", "overlap", "top", "agency", "targets", "track", "gaps")
TOPIC = "drug-control"  # 禁毒, the topic `kg track 禁毒` asks about


class Limit(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` inside rdflib swallows it."""


def emit(**fields) -> None:
    fields["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(fields), flush=True)


def fix_distinct_aggregates() -> None:
    from rdflib.plugins.sparql import aggregates
    from rdflib.plugins.sparql.sparql import NotBoundError

    original = aggregates.Accumulator.use_row

    def use_row(self, row):  # type: ignore[no-untyped-def]
        try:
            return original(self, row)
        except NotBoundError:
            return False  # skip UNDEF, as rdflib does without DISTINCT

    aggregates.Accumulator.use_row = use_row


def timed(step: str, limit: float, work) -> tuple[float, object] | None:  # type: ignore[no-untyped-def]
    """Run ``work`` under a ``limit``-second alarm: (seconds, result), or None after emitting why it failed."""
    error = detail = None
    started = time.perf_counter()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        result = work()
    except Limit:
        error = "limit"
    except MemoryError:
        error = "memory"
    except Exception as exc:  # noqa: BLE001 - reported, then the next step runs
        error, detail = "error", f"{type(exc).__name__}: {exc}"[:300]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    seconds = time.perf_counter() - started
    if error is None:
        return seconds, result
    result = None
    gc.collect()
    emit(step=step, error=error, seconds=seconds, **({"detail": detail} if detail else {}))
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nt", type=Path)
    parser.add_argument("agency_a")
    parser.add_argument("agency_b")
    parser.add_argument("place")
    parser.add_argument("--limit", type=float, default=120, help="seconds per question")
    parser.add_argument("--parse-limit", type=float, default=600, help="seconds for the parse")
    parser.add_argument("--mem-gb", type=float, default=12, help="address-space cap (RLIMIT_AS), GB")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--no-rdflib-fix", action="store_true", help="leave rdflib's DISTINCT-aggregate bug in")
    args = parser.parse_args()
    cap = int(args.mem_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    def alarm(*_: object) -> None:
        raise Limit

    signal.signal(signal.SIGALRM, alarm)
    import rdflib

    sys.path.insert(0, str(args.repo))
    import queries
    from ontology.ns import PREFIXES, agency_iri, place_iri, topic_iri

    if not args.no_rdflib_fix:
        fix_distinct_aggregates()
    emit(step="start", rdflib=rdflib.__version__, rlimit_as_gb=args.mem_gb, fix=not args.no_rdflib_fix)
    g = rdflib.Graph()
    try:
        parsed = timed("parse", args.parse_limit, lambda: g.parse(str(args.nt), format="nt"))
    except Limit:
        parsed = None
        emit(step="parse", error="limit", seconds=args.parse_limit)
    if parsed is None:
        return 0
    emit(step="parse", seconds=parsed[0], triples=len(g))
    a, b = rdflib.URIRef(agency_iri(args.agency_a)), rdflib.URIRef(agency_iri(args.agency_b))
    place = rdflib.URIRef(place_iri(args.place))
    lead = rdflib.Literal("lead")
    topic = rdflib.URIRef(topic_iri(TOPIC))

    def q(name: str, **bind: object) -> list:
        # the query file with its `# @if ?x:` lines switched on for the bound parameters, as kg runs it; the values
        # go in the rdflib way, as initBindings (written into the text as VALUES, as kg does for pyoxigraph, they
        # made rdflib 10–60× slower: it joins a VALUES block where it stands instead of starting from it)
        text = queries._sparql_with(name, frozenset(bind))
        return list(g.query(text, initNs=PREFIXES, initBindings=bind))

    # What each `kg` question computes (the CLI's own query calls, same bound parameters), the name resolution
    # included.
    plans = {
        "measures": lambda: (q("agency_index"), q("measures_by_agency", agency=a, role=lead)),
        "overlap": lambda: (q("agency_index"), q("overlap", agencyA=a, agencyB=b),
                            q("agency_measure_ids", agency=a), q("agency_measure_ids", agency=b)),
        "top": lambda: q("overlap_top"),
        "agency": lambda: (q("agency_index"), q("measures_by_agency", agency=a), q("targets", lead=a),
                           q("topic_index"), q("topic_agencies", place=place, agency=a), q("partners", agency=a),
                           q("outcomes", agency=a)),
        "targets": lambda: q("targets", due=rdflib.Literal(2020)),
        "track": lambda: (q("topic_index"), q("targets", topic=topic), q("topic_measures", topic=topic),
                          q("outcomes")),
        "gaps": lambda: q("measures_without_lead"),
    }
    for step in STEPS:
        try:
            done = timed(step, args.limit, plans[step])
        except Limit:  # the alarm rang between the end of the step and its disarming
            done = None
            emit(step=step, error="limit", seconds=args.limit)
        if done is not None:
            result = done[1]
            rows = len(result) if isinstance(result, list) else sum(len(part) for part in result)
            emit(step=step, seconds=done[0], rows=rows)
        gc.collect()
    emit(step="end")
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    # every line is out: freeing a graph of millions of triples (minutes at 100k measures on a slow day) would only
    # keep the runner waiting, and count against the budget
    os._exit(status)
