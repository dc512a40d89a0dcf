"""Benchmark pingan-kg on synthetic corpora and print one table per run.

    python benchmarks/run.py                       # sizes 2000,20000,100000 measures
    python benchmarks/run.py --sizes 2000 --runs 3  # a quick run (what CI runs as a smoke test)

For each size: a full build with --jobs 1 and --jobs 2 (wall time, MB/s, measures/s, time per measure, peak
memory of the process tree), a rebuild with nothing changed and with one file changed, the cold latency of
six CLI questions (a fresh `kg` process each time, store on disk: the first run, which also keeps the rows of a
slow query beside the generation, and the median of the others), and the same questions answered the plain
way in the same run: the store's N-Triples loaded into an in-memory rdflib Graph and the same SPARQL run there.

Numbers, not assertions: nothing here fails because something is slow. psutil, when installed, gives
the peak memory of the whole process tree (workers included).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.make_corpus import write_corpus  # noqa: E402

# The installed `kg` script, as a user runs it (else the module).
_SCRIPT = Path(sys.executable).parent / "kg"
KG = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "kg.cli"]
A, B = "呼和浩特市公安局", "呼和浩特市司法局"
QUESTIONS: list[tuple[str, list[str]]] = [
    ("kg --help", ["--help"]),
    (f"kg measures --agency {A} --role lead", ["measures", "--agency", A, "--role", "lead"]),
    (f"kg overlap {A} {B}", ["overlap", A, B]),
    ("kg overlap --top 10", ["overlap", "--top", "10"]),
    (f"kg agency {A}", ["agency", A]),
    ("kg targets --due 2020", ["targets", "--due", "2020"]),
]

# The plain way: what each question costs in SPARQL on an rdflib Graph, the same query files with the same
# parameters (rdflib's initBindings), the name resolution included (agency_index).
RDFLIB_SCRIPT = r"""
import json, resource, signal, sys, time
import rdflib
sys.path.insert(0, sys.argv[3])
import queries
from ontology.ns import PREFIXES, agency_iri, place_iri
limit = float(sys.argv[2])
started = time.perf_counter()
g = rdflib.Graph()
g.parse(sys.argv[1], format="nt")
load = time.perf_counter() - started
a, b = rdflib.URIRef(agency_iri(sys.argv[4])), rdflib.URIRef(agency_iri(sys.argv[5]))
place = rdflib.URIRef(place_iri(sys.argv[6]))
def q(name, **bind):
    return list(g.query(queries.sparql(name), initNs=PREFIXES, initBindings=bind))
lead = rdflib.Literal("lead")
plans = {
    "measures": lambda: (q("agency_index"), q("measures_by_agency", agency=a, role=lead)),
    "overlap": lambda: (q("agency_index"), q("overlap", agencyA=a, agencyB=b), q("measures_by_agency", agency=a),
                        q("measures_by_agency", agency=b)),
    "top": lambda: q("overlap_top"),
    "agency": lambda: (q("agency_index"), q("measures_by_agency", agency=a), q("targets"), q("topic_index"),
                       q("topic_agencies", place=place), q("overlap_top"), q("outcomes")),
    "targets": lambda: q("targets"),
}
def alarm(*_):
    raise TimeoutError
signal.signal(signal.SIGALRM, alarm)
out = {"load": load, "triples": len(g)}
for name, plan in plans.items():
    signal.alarm(int(limit))
    t = time.perf_counter()
    try:
        plan()
        out[name] = time.perf_counter() - t
    except TimeoutError:
        out[name] = None
    signal.alarm(0)
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""
RDFLIB_OF = {"measures": 1, "overlap": 2, "top": 3, "agency": 4, "targets": 5}


def run_measured(cmd: list[str], cwd: Path | None = None,
                 timeout: float | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, peak MB of the process tree's summed RSS, result). Without psutil the peak is the
    largest single child's (resource.getrusage), a lower bound."""
    try:
        import psutil
    except ImportError:
        import resource

        started = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env())
        return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, result

    # Output goes to files, not pipes: a child blocked on a full pipe nobody reads would never finish.
    out_file, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=cwd, stdout=out_file, stderr=err_file, env=_env())
    peak = 0
    while proc.poll() is None:
        if timeout is not None and time.perf_counter() - started > timeout:
            proc.kill()  # our own child; reported as "> timeout"
            proc.wait()
            return float("inf"), peak / 2**20, subprocess.CompletedProcess(cmd, -9, "", "timed out")
        try:
            procs = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.02)
    proc.wait()
    wall = time.perf_counter() - started
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    result = subprocess.CompletedProcess(cmd, proc.returncode, out.decode("utf-8", "replace"),
                                         err.decode("utf-8", "replace"))
    return wall, peak / 2**20, result


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(HERE.parent), "PYTHONWARNINGS": "ignore"}


def kg(args: list[str], store: Path, timeout: float | None = None) -> tuple[float, float,
                                                                          subprocess.CompletedProcess]:
    extra = [] if args == ["--help"] else ["--store", str(store)]
    return run_measured(KG + args + extra, timeout=timeout)


def checked(measured: tuple[float, float, subprocess.CompletedProcess]) -> tuple[float, float, str]:
    wall, peak, result = measured
    if result.returncode == -9 and result.stderr == "timed out":
        return wall, peak, ""
    if result.returncode not in (0, 1):
        raise SystemExit(f"failed: {' '.join(result.args)}\n{result.stderr[-2000:]}")
    return wall, peak, result.stdout


def bench_size(size: int, work: Path, runs: int, rdflib_max: int, rdflib_limit: float,
               cli_timeout: float | None = None) -> dict:
    corpus = work / f"corpus-{size}"
    if not (corpus / ".complete").exists():
        write_corpus(corpus, size)
        (corpus / ".complete").write_text("ok")
    files = sorted(corpus.glob("*.txt"))
    mb = sum(p.stat().st_size for p in files) / 1e6
    row: dict = {"size": size, "files": len(files), "mb": mb}
    for jobs in (1, 2):
        store = work / f"store-{size}-j{jobs}"
        subprocess.run(["rm", "-rf", str(store)], check=True)
        wall, peak, out = checked(kg(["build", str(corpus), "--jobs", str(jobs)], store))
        row[f"build{jobs}"] = (wall, peak)
        row["summary"] = out.strip().splitlines()[-1]
    store = work / f"store-{size}-j2"
    row["unchanged"] = checked(kg(["build", str(corpus), "--jobs", "2"], store))[:2]
    target = files[len(files) // 2]
    original = target.read_bytes()
    try:
        target.write_bytes(original + "\n（九）新增措施。加强巡逻防控。（责任单位：市公安局、市司法局）\n".encode())
        row["one_changed"] = checked(kg(["build", str(corpus), "--jobs", "2"], store))[:2]
    finally:
        target.write_bytes(original)
    checked(kg(["build", str(corpus), "--jobs", "2"], store))  # back to the corpus as generated
    row["cli"] = {}
    for label, args in QUESTIONS:
        first = checked(kg(args, store, cli_timeout))[0]
        if first == float("inf"):  # no point waiting again: the rows were not kept
            row["cli"][label] = (first, first, 0)
            continue
        times = [first] + [checked(kg(args, store, cli_timeout))[0] for _ in range(runs - 1)]
        lines = checked(kg(args, store, cli_timeout))[2].count("\n")
        row["cli"][label] = (times[0], statistics.median(times[1:] or times), lines)
    if size <= rdflib_max:
        nt = work / f"union-{size}.nt"
        dump = ("from kg.store import open_store; import sys\n"
                "from pyoxigraph import DefaultGraph, RdfFormat\n"
                "s = open_store(sys.argv[1]); open(sys.argv[2], 'wb').write("
                "s._store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()))")
        subprocess.run([sys.executable, "-c", dump, str(store), str(nt)], check=True, env=_env())
        wall, peak, result = run_measured([sys.executable, "-c", RDFLIB_SCRIPT, str(nt), str(rdflib_limit),
                                           str(HERE.parent), A, B, "呼和浩特市"])
        row["rdflib"] = json.loads(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else None
        if row["rdflib"]:
            row["rdflib"]["tree_peak_mb"] = peak
        nt.unlink()
    return row


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds == float("inf"):
        return "timeout"
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.0f} ms"


def print_tables(rows: list[dict], rdflib_limit: float) -> None:
    print("\n## Build (synthetic corpus; wall time, peak RSS of the process tree)\n")
    print("| measures | files | MB | jobs | build | MB/s | measures/s | µs/measure | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        for jobs in (1, 2):
            wall, peak = r[f"build{jobs}"]
            print(f"| {r['size']:,} | {r['files']} | {r['mb']:.1f} | {jobs} | {fmt_s(wall)} | {r['mb'] / wall:.2f} | "
                  f"{r['size'] / wall:,.0f} | {wall / r['size'] * 1e6:,.0f} | {peak:,.0f} MB |")
    print("\n## Rebuild (--jobs 2)\n")
    print("| measures | full build | nothing changed | share | one file changed | share |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        full = r["build2"][0]
        print(f"| {r['size']:,} | {fmt_s(full)} | {fmt_s(r['unchanged'][0])} | {r['unchanged'][0] / full:.1%} | "
              f"{fmt_s(r['one_changed'][0])} | {r['one_changed'][0] / full:.1%} |")
    print("\n## Cold CLI latency (fresh process, store on disk) vs the plain rdflib way\n")
    print("rdflib: the store's union exported as N-Triples, parsed into an in-memory rdflib Graph, then the same "
          f"SPARQL files (limit {rdflib_limit:.0f} s per question). Ratio = rdflib (parse + queries) / kg median.\n")
    print("| measures | question | output lines | kg first | kg median | rdflib parse | rdflib queries | ratio |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        rd = r.get("rdflib")
        for n, (label, _) in enumerate(QUESTIONS):
            first, median, lines = r["cli"][label]
            parse = query = ratio = None
            key = next((k for k, i in RDFLIB_OF.items() if i == n), None)
            if rd and key and median != float("inf"):
                parse, query = rd["load"], rd.get(key)
                ratio = (f"{(parse + query) / median:,.0f}×" if query is not None
                         else f"> {(parse + rdflib_limit) / median:,.0f}×")
            print(f"| {r['size']:,} | `{label}` | {lines} | {fmt_s(first)} | {fmt_s(median)} | {fmt_s(parse)} | "
                  f"{fmt_s(query) if query is not None or not rd or not key else '> ' + fmt_s(rdflib_limit)} | "
                  f"{ratio or '—'} |")
    for r in rows:
        if r.get("rdflib"):
            rd = r["rdflib"]
            print(f"\nrdflib at {r['size']:,} measures: {rd['triples']:,} triples, parse {fmt_s(rd['load'])}, "
                  f"peak {rd['peak_mb']:,.0f} MB")
    print()
    for r in rows:
        print(f"{r['size']:,}: {r['summary']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000,100000", help="measures per corpus, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="cold runs per CLI question (first + median of rest)")
    parser.add_argument("--rdflib-max", type=int, default=20000,
                        help="largest size the rdflib comparison runs at (it needs ~1.3 GB per 1M triples)")
    parser.add_argument("--rdflib-limit", type=float, default=300, help="seconds allowed per rdflib question")
    parser.add_argument("--cli-timeout", type=float, default=300,
                        help="seconds allowed per kg question; slower ones show as inf")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench",
                        help="folder for corpora and stores (corpora are reused between runs)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    load = os.getloadavg()
    print(f"pingan-kg benchmark · {os.cpu_count()} CPUs · Python {sys.version.split()[0]} · "
          f"load average at start {load[0]:.1f}", flush=True)
    rows = []
    for size in sizes:
        started = time.perf_counter()
        rows.append(bench_size(size, args.work, args.runs, args.rdflib_max, args.rdflib_limit, args.cli_timeout))
        print(f"  {size:,} measures done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print_tables(rows, args.rdflib_limit)
    print(f"\nload average at end {os.getloadavg()[0]:.1f} (other work on the machine inflates every figure)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
