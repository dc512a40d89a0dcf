"""Benchmark pingan-kg on synthetic corpora and print the tables (GitHub markdown).

    python benchmarks/run.py                        # sizes 2000,20000,100000 measures
    python benchmarks/run.py --sizes 2000 --runs 3  # quick
    python benchmarks/run.py --markdown bench.md    # also write the tables, the machine and the command

For each size: a full build with --jobs 1 and --jobs 2, and with --jobs 2 --sparql (wall time, MB/s,
measures/s, time per measure and two memory figures, see benchmarks/proctree.py), a rebuild with nothing
changed and with one file changed, the cold latency of the CLI questions (a fresh `kg` process each time,
store on disk: the first run after the build and the median of the later runs), the first SPARQL question on a
store built without its SPARQL index (which builds it) and on one built with it, and the same questions
answered the plain way: `kg export --format nt`, parsed into an in-memory rdflib Graph, the same SPARQL files
(benchmarks/rdflib_side.py), under a per-question limit, a parse limit, a total time budget and an
address-space cap.

Numbers, not assertions: nothing here fails because something is slow. Standard library only (no psutil):
the runner works from a fresh `pip install -e .[test]`. The `kg` CLI is the only way into the store.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.make_corpus import write_corpus  # noqa: E402
from benchmarks.proctree import Measured, run_measured  # noqa: E402

# The installed `kg` script, as a user runs it (else the module).
_SCRIPT = Path(sys.executable).parent / "kg"
KG = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "kg.cli"]
A, B, PLACE = "呼和浩特市公安局", "呼和浩特市司法局", "呼和浩特市"
# (label, arguments, the step of benchmarks/rdflib_side.py that computes the same answer)
QUESTIONS: list[tuple[str, list[str], str | None]] = [
    ("kg --help", ["--help"], None),
    (f"kg measures --agency {A} --role lead", ["measures", "--agency", A, "--role", "lead"], "measures"),
    (f"kg overlap {A} {B}", ["overlap", A, B], "overlap"),
    ("kg overlap --top 10", ["overlap", "--top", "10"], "top"),
    (f"kg agency {A}", ["agency", A], "agency"),
    ("kg targets --due 2020", ["targets", "--due", "2020"], "targets"),
    ("kg track 禁毒", ["track", "禁毒"], "track"),
    ("kg gaps", ["gaps"], "gaps"),
]
RDFLIB_STEPS = [step for _, _, step in QUESTIONS if step]
# What `kg sparql` is asked: one pattern over the whole graph, so the figure is the index's, not a plan's.
SPARQL_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?m a pa:Measure ; pa:hasAssignment ?a }"
REASONS = {
    "parse": "the parse did not finish (its cell says why), so no question ran",
    "memory": "MemoryError under the address-space cap (or killed near it)",
    "budget": "the rdflib side's total time budget ran out during or before this question",
    "error": "rdflib raised an exception (named below the table)",
    "died": "the rdflib process ended without a result (exit status below the table)",
    "skipped": "size above --rdflib-max",
    "n/a": "no SPARQL behind this question",
}


def _env() -> dict[str, str]:
    # Python writes each module's bytecode at its first import and reads it afterwards, unless
    # PYTHONDONTWRITEBYTECODE is set (as on the development machine): then every `kg` process would compile the
    # project's modules again (≈ 30 ms of each question), which is not what a user's install does.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(HERE.parent), "PYTHONWARNINGS": "ignore"}


# (jobs, --sparql) of the full builds measured
BUILDS = ((1, False), (2, False), (2, True))


def _build_key(jobs: int, sparql: bool) -> str:
    return f"build{jobs}" + ("s" if sparql else "")


def kg(args: list[str], store: Path | None, timeout: float | None = None) -> Measured:
    """Run `kg ARGS --store STORE`; exit status 0 or 1 (an answer, or a name the store lacks) or a timeout."""
    extra = [] if args == ["--help"] or store is None else ["--store", str(store)]
    measured = run_measured(KG + args + extra, env=_env(), timeout=timeout)
    if not measured.timed_out and measured.returncode not in (0, 1):
        raise SystemExit(f"failed ({measured.returncode}): {shlex.join(KG + args + extra)}\n"
                         f"{measured.stderr[-2000:]}")
    return measured


# --------------------------------------------------------------------------- one size


def bench_size(size: int, work: Path, opts: argparse.Namespace) -> dict:
    corpus = work / f"corpus-{size}"
    if not (corpus / ".complete").exists():
        write_corpus(corpus, size)
        (corpus / ".complete").write_text("ok")
    files = sorted(corpus.glob("*.txt"))
    row: dict = {"size": size, "files": len(files), "mb": sum(p.stat().st_size for p in files) / 1e6,
                 "yardstick": yardstick()}  # the machine's speed drifts within a run too
    for jobs, sparql in BUILDS:
        name = f"store-{size}-j{jobs}" + ("s" if sparql else "")
        store = work / name
        subprocess.run(["rm", "-rf", str(store)], check=True)
        built = kg(["build", str(corpus), "--jobs", str(jobs), "--store", str(store)] + (["--sparql"] if sparql
                                                                                          else []), None)
        row[_build_key(jobs, sparql)] = built
        row["summary"] = built.stdout.strip().splitlines()[-1] if built.stdout.strip() else ""
    # SPARQL: the first question on the store built without an index builds it; on the other it is there.
    row["sparql_first"] = kg(["sparql", SPARQL_COUNT], work / f"store-{size}-j2", opts.cli_timeout)
    with_index = [kg(["sparql", SPARQL_COUNT], work / f"store-{size}-j2s", opts.cli_timeout)
                  for _ in range(max(1, opts.runs))]
    row["sparql_indexed"] = statistics.median(m.wall for m in with_index)
    subprocess.run(["rm", "-rf", str(work / f"store-{size}-j2s")], check=True)
    store = work / f"store-{size}-j2"
    # back to a store without its SPARQL index, as `kg build` leaves it
    for index in store.glob("gen-*/sparql"):
        subprocess.run(["rm", "-rf", str(index)], check=True)
    build = ["build", str(corpus), "--jobs", "2", "--store", str(store)]
    row["unchanged"] = kg(build, None)
    target = files[len(files) // 2]
    original = target.read_bytes()
    try:
        target.write_bytes(original + "\n（九）新增措施。加强巡逻防控。（责任单位：市公安局、市司法局）\n".encode())
        row["one_changed"] = kg(build, None)
    finally:
        target.write_bytes(original)
    kg(build, None)  # back to the corpus as generated
    row["cli"] = {}
    for label, args, _ in QUESTIONS:
        first = kg(args, store, opts.cli_timeout)
        later: list[Measured] = []
        if not first.timed_out:  # a timed-out first run kept no rows: waiting again measures the same thing
            later = [kg(args, store, opts.cli_timeout) for _ in range(opts.runs - 1)]
        walls = [m.wall for m in later]
        row["cli"][label] = {
            "first": first.wall,
            "median": statistics.median(walls) if walls else None,
            "runs": 1 + len(later),
            "lines": None if first.timed_out else first.stdout.count("\n"),
            "exit": None if first.timed_out else first.returncode,
        }
    if opts.rdflib_max is not None and size > opts.rdflib_max:
        row["rdflib"] = {"skipped": True, "steps": {s: ("skipped",) for s in RDFLIB_STEPS}, "parse": ("skipped",)}
    else:
        row["rdflib"] = rdflib_side(store, work / f"union-{size}.nt", opts)
    return row


def rdflib_side(store: Path, nt: Path, opts: argparse.Namespace) -> dict:
    """Export the store as N-Triples with the CLI, run benchmarks/rdflib_side.py on it and read its lines.

    Every step gets ("time", seconds), ("limit", seconds) or (reason,) with reason a key of REASONS."""
    exported = kg(["export", "--format", "nt", "-o", str(nt)], store)
    if exported.returncode != 0:
        raise SystemExit(f"kg export failed:\n{exported.stderr[-2000:]}")
    info: dict = {"export": exported.wall, "nt_mb": nt.stat().st_size / 1e6}
    cmd = [sys.executable, str(HERE / "rdflib_side.py"), str(nt), A, B, PLACE, "--limit", str(opts.rdflib_limit),
           "--parse-limit", str(opts.rdflib_parse_limit), "--mem-gb", str(opts.rdflib_mem_gb)]
    if opts.no_rdflib_fix:
        cmd.append("--no-rdflib-fix")
    try:
        ran = run_measured(cmd, env=_env(), timeout=opts.rdflib_budget)
    finally:
        nt.unlink()
    lines = {}
    for text in ran.stdout.splitlines():
        try:
            line = json.loads(text)
        except ValueError:
            continue
        lines[line.get("step")] = line
    info.update(wall=ran.wall, tree_peak=ran.tree_peak_mb, proc_peak=ran.proc_peak_mb, returncode=ran.returncode,
                timed_out=ran.timed_out, stderr=ran.stderr.strip().splitlines()[-1:] if ran.stderr.strip() else [])
    start = lines.get("start", {})
    info["rdflib"] = start.get("rdflib", "?")
    info["fix"] = start.get("fix")
    # Why a step has no line: the budget, the memory cap, or the process ended some other way.
    if ran.timed_out:
        missing = "budget"
    elif ran.returncode != 0 and ("MemoryError" in ran.stderr or ran.proc_peak_mb >= 0.75 * opts.rdflib_mem_gb * 1024):
        missing = "memory"
    else:
        missing = "died"
    info["errors"] = {}
    parse = lines.get("parse")
    if parse is None:
        info["parse"] = (missing,)
    elif "error" in parse:
        info["parse"] = ("limit", opts.rdflib_parse_limit) if parse["error"] == "limit" else (parse["error"],)
        if "detail" in parse:
            info["errors"]["parse"] = parse["detail"]
    else:
        info["parse"] = ("time", parse["seconds"])
        info["triples"] = parse["triples"]
    info["steps"] = {}
    for step in RDFLIB_STEPS:
        line = lines.get(step)
        if info["parse"][0] != "time":
            info["steps"][step] = ("parse",)
        elif line is None:
            info["steps"][step] = (missing,)
        elif "error" in line:
            info["steps"][step] = ("limit", opts.rdflib_limit) if line["error"] == "limit" else (line["error"],)
            if "detail" in line:
                info["errors"][step] = line["detail"]
        else:
            info["steps"][step] = ("time", line["seconds"])
    info["finished"] = "end" in lines
    info["outcome"] = rdflib_outcome(info["finished"], ran, opts.rdflib_budget, missing)
    return info


def rdflib_outcome(finished: bool, ran: Measured, budget: float, missing: str) -> str:
    """How the rdflib process ended, in words for the notes under the table."""
    if finished and not ran.timed_out:
        return f"finished in {fmt_s(ran.wall)}"
    if finished:
        # its last line came in time, but the process was still freeing its graph (GBs of objects) at the budget
        return f"answered every question, then was still exiting at its total budget of {budget:.0f} s"
    if ran.timed_out:
        return f"killed at its total budget of {budget:.0f} s"
    return f"ended with exit status {ran.returncode} before finishing ({missing})"


# --------------------------------------------------------------------------- tables


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds == float("inf"):
        return "timeout"
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"


def fmt_mb(mb: float | None) -> str:
    return "—" if mb is None else f"{mb:,.0f}"


def fmt_ratio(value: float, lower_bound: bool) -> str:
    text = f"{value:,.0f}×" if value >= 10 else f"{value:.1f}×"
    return "> " + text if lower_bound else text


def cell(outcome: tuple) -> str:
    """A step's outcome as a table cell: a time, '> limit', or one word."""
    if outcome[0] == "time":
        return fmt_s(outcome[1])
    if outcome[0] == "limit":
        return f"> {outcome[1]:g} s"
    return outcome[0]


def ratio(rd: dict, step: str | None, kg_seconds: float | None) -> str:
    """(rdflib parse + query) / a kg figure; '> n×' when rdflib hit its limit; '—' when either is unknown."""
    if step is None or kg_seconds is None or kg_seconds == float("inf") or rd["parse"][0] != "time":
        return "—"
    kind, *value = rd["steps"][step]
    if kind not in ("time", "limit"):
        return "—"
    return fmt_ratio((rd["parse"][1] + value[0]) / kg_seconds, kind == "limit")


def render(rows: list[dict], opts: argparse.Namespace) -> list[str]:
    out: list[str] = []
    add = out.append
    add("### Build (full, fresh store)")
    add("")
    add("Memory: Σ RSS = the largest sum, over samples of /proc every 50 ms, of the resident set sizes of `kg` and "
        "its worker processes (pages a forked worker shares with its parent count once per process); largest "
        "process = the high-water RSS of the biggest single process (kernel rusage and the samples).")
    add("")
    add("`kg build` writes the question tables every CLI question reads; `--sparql` also loads the SPARQL index "
        "(Oxigraph), which `kg sparql` reads and a store without one builds at its first SPARQL question.")
    add("")
    add("| measures | files | MB | jobs | SPARQL index | build | MB/s | measures/s | µs/measure | "
        "peak Σ RSS, kg + workers (MB) | peak RSS, largest process (MB) |")
    add("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        for jobs, sparql in BUILDS:
            m: Measured = r[_build_key(jobs, sparql)]
            add(f"| {r['size']:,} | {r['files']} | {r['mb']:.1f} | {jobs} | {'--sparql' if sparql else 'none'} | "
                f"{fmt_s(m.wall)} | {r['mb'] / m.wall:.2f} | {r['size'] / m.wall:,.0f} | "
                f"{m.wall / r['size'] * 1e6:,.0f} | {fmt_mb(m.tree_peak_mb)} | {fmt_mb(m.proc_peak_mb)} |")
    add("")
    add("### SPARQL")
    add("")
    add(f"`kg sparql '{SPARQL_COUNT}'`, a fresh process: on the store built without its SPARQL index (the first "
        "question builds it, once per generation) and on the store built with `--sparql` (median of the runs).")
    add("")
    add("| measures | first question, no index yet | with the index |")
    add("|---:|---:|---:|")
    for r in rows:
        add(f"| {r['size']:,} | {fmt_s(r['sparql_first'].wall)} | {fmt_s(r['sparql_indexed'])} |")
    add("")
    add("### Rebuild (--jobs 2, same store)")
    add("")
    add("| measures | full build | nothing changed | share | one file changed | share |")
    add("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        full, same, one = r["build2"].wall, r["unchanged"].wall, r["one_changed"].wall
        add(f"| {r['size']:,} | {fmt_s(full)} | {fmt_s(same)} | {same / full:.1%} | {fmt_s(one)} | {one / full:.1%} |")
    add("")
    add("### Cold CLI latency vs the plain rdflib way")
    add("")
    later = {1: "none with --runs 1", 2: "run 2"}.get(opts.runs, f"runs 2–{opts.runs}")
    add(f"kg: a fresh `kg` process each time, store on disk (its tables; no SPARQL index); \"first run\" is the "
        f"first question after the build, \"median of later runs\" the median of the runs after it ({later}); "
        f"nothing is kept between runs but what the operating system caches and the bytecode Python writes at a "
        f"module's first import (as it does by default); limit {opts.cli_timeout:g} s a run. "
        "rdflib: "
        f"`kg export --format nt` parsed into an in-memory rdflib Graph, then the same SPARQL files with the same "
        f"parameters; limits: {opts.rdflib_limit:g} s a question, {opts.rdflib_parse_limit:g} s for the "
        f"parse, {opts.rdflib_budget:g} s in all, {opts.rdflib_mem_gb:g} GB of address space. Both ratio "
        "columns divide the same rdflib figure, parse + query, by the kg figure their header names.")
    add("")
    add("| measures | question | output lines | kg first run | kg median of later runs | rdflib parse | "
        "rdflib query | rdflib (parse + query) ÷ kg first run | rdflib (parse + query) ÷ kg median |")
    add("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        rd = r["rdflib"]
        for label, _, step in QUESTIONS:
            c = r["cli"][label]
            lines = "—" if c["lines"] is None else (f"{c['lines']}" if c["exit"] == 0 else f"{c['lines']} (exit 1)")
            first = f"> {opts.cli_timeout:g} s" if c["first"] == float("inf") else fmt_s(c["first"])
            parse, query = (cell(rd["parse"]), cell(rd["steps"][step])) if step else ("n/a", "n/a")
            add(f"| {r['size']:,} | `{label}` | {lines} | {first} | {fmt_s(c['median'])} | {parse} | "
                f"{query} | {ratio(rd, step, c['first'])} | {ratio(rd, step, c['median'])} |")
    add("")
    add("The questions run in the order shown, each one's runs before the next. kg answers from its SQL twins "
        "(queries/*.sql) of the SPARQL files rdflib runs; tests/test_sql_twins.py checks both give the same rows.")
    add("")
    add("Words in the rdflib columns: " + "; ".join(f"**{w}**: {why}" for w, why in REASONS.items()) + ".")
    add("")
    for r in rows:
        rd = r["rdflib"]
        if rd.get("skipped"):
            add(f"* rdflib at {r['size']:,} measures: not run (--rdflib-max {opts.rdflib_max:,}).")
            continue
        triples = f"{rd['triples']:,} triples" if "triples" in rd else "triples not counted (no parse)"
        fix = {True: "DISTINCT-aggregate bug worked around", False: "unpatched", None: "?"}[rd["fix"]]
        text = (f"* rdflib {rd['rdflib']} ({fix}) at {r['size']:,} measures: {triples}, N-Triples "
                f"{rd['nt_mb']:,.0f} MB (`kg export` {fmt_s(rd['export'])}); {rd['outcome']}; peak RSS "
                f"{fmt_mb(rd['proc_peak'])} MB.")
        for step, detail in rd["errors"].items():
            text += f" {step}: {detail}."
        if rd["stderr"] and not rd["finished"]:
            text += f" Last line on stderr: {' '.join(rd['stderr'])[:300]}"
        add(text)
    add("")
    for r in rows:
        add(f"* {r['size']:,}: {r['summary']}; before its builds, {r['yardstick']}")
    return out


# --------------------------------------------------------------------------- machine and command


def machine(load: tuple[float, float, float]) -> str:
    try:
        ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
        ram_text = f"{ram:.1f} GB RAM"
    except (ValueError, OSError, AttributeError):
        ram_text = "RAM unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for package in ("pyoxigraph", "rdflib"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} missing")
    try:
        head = subprocess.run(["git", "-C", str(HERE.parent), "describe", "--always", "--dirty"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        head = ""
    return (f"{datetime.datetime.now().astimezone().isoformat(timespec='minutes')} · {os.cpu_count()} cores "
            f"({usable} usable) · {ram_text} · load average before the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
            f" · Python {sys.version.split()[0]}, {', '.join(versions)}" + (f" · git {head}" if head else ""))


def yardstick() -> str:
    """How fast this machine is right now, in two figures that do not depend on pingan-kg: a bare Python start
    (the floor of every cold question) and a pure-Python loop (what the loaders and the printer are made of).
    The development machine's speed moves twofold between days; runs compare through these."""
    starts, loops = [], []
    for _ in range(9):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=_env())
        starts.append(time.perf_counter() - began)
    for _ in range(3):
        began = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        loops.append(time.perf_counter() - began)
    return (f"yardstick: `python -c pass` {statistics.median(starts) * 1000:.0f} ms, "
            f"a 5M-step Python loop {statistics.median(loops):.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,100000", help="measures per corpus, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="cold runs per CLI question (first + median of rest)")
    parser.add_argument("--cli-timeout", type=float, default=300, help="seconds allowed per kg question run")
    parser.add_argument("--rdflib-max", type=int, default=None,
                        help="largest size the rdflib comparison runs at (default: every size)")
    parser.add_argument("--rdflib-limit", type=float, default=120, help="seconds allowed per rdflib question")
    parser.add_argument("--rdflib-parse-limit", type=float, default=600,
                        help="seconds allowed for rdflib's parse of the N-Triples")
    parser.add_argument("--rdflib-budget", type=float, default=1200,
                        help="seconds allowed for the whole rdflib side of one size (parse and questions)")
    parser.add_argument("--rdflib-mem-gb", type=float, default=12,
                        help="address-space cap of the rdflib process (RLIMIT_AS), GB")
    parser.add_argument("--no-rdflib-fix", action="store_true",
                        help="do not work around rdflib's GROUP_CONCAT(DISTINCT) bug (see rdflib_side.py)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench",
                        help="folder for corpora and stores (corpora are reused between runs)")
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="also write the tables to FILE, with the date, the machine and the command")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    command = shlex.join(["python", os.path.relpath(__file__) if argv is None else "benchmarks/run.py",
                          *(sys.argv[1:] if argv is None else argv)])
    about = f"{machine(os.getloadavg())} · {yardstick()}"
    print(f"pingan-kg benchmark · {about} · command: `{command}`", flush=True)
    rows = []
    for size in sizes:
        started = time.perf_counter()
        rows.append(bench_size(size, args.work, args))
        print(f"  {size:,} measures done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    end_load = os.getloadavg()[0]
    tables = render(rows, args)
    closing = f"load average at the end {end_load:.2f} (other work on the machine inflates every figure)"
    print("\n" + "\n".join(tables) + "\n\n" + closing)
    if args.markdown:
        head = [f"Measured {about} · command: `{command}`", ""]
        args.markdown.write_text("\n".join(head + tables + ["", closing, ""]), encoding="utf-8")
        print(f"wrote {args.markdown}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
