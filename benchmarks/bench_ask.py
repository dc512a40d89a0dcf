"""How instant `kg ask` feels: median time to understand each headline question (vocabulary already built),
the time to build the vocabulary from the store, and the end-to-end cold `kg ask` (a new process: start-up,
open the store, build the vocabulary, understand, run the query, print).

    python benchmarks/bench_ask.py [--store DIR] [--runs N]     # default: a store built from samples/seeds

Prints a table, asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.ask import understand, vocabulary_from_store  # noqa: E402
from kg.store import open_store  # noqa: E402

QUESTIONS = [
    "市公安局牵头哪些措施？",
    "呼和浩特市公安局和市司法局在哪些工作上有交叉？",
    "哪些措施没有牵头单位",
    "2020年前要完成哪些指标？",
    "禁毒工作由哪些部门负责",
    "呼和浩特和聊城在校园安全上的分工有什么不同",
    "呼市公安局2023年报告了哪些成效",
    "聊城市综治办配合了哪些任务",
]


def _kg() -> list[str]:
    exe = Path(sys.executable).with_name("kg")
    return [str(exe)] if exe.exists() else [shutil.which("kg") or "kg"]


def main(store: str, runs: int) -> None:
    with open_store(store) as s:
        start = time.perf_counter()
        vocab = vocabulary_from_store(s)
        vocab_ms = (time.perf_counter() - start) * 1000
    understand(QUESTIONS[0], vocab)  # load the cue words and OpenCC once
    print(f"vocabulary: {sum(len(v) for v in vocab.forms.values())} forms, built in {vocab_ms:.1f} ms")
    print(f"{'question':<48} {'understand ms':>13} {'kg ask cold s':>14}  kind")
    for q in QUESTIONS:
        times = []
        for _ in range(200):
            start = time.perf_counter()
            u = understand(q, vocab)
            times.append((time.perf_counter() - start) * 1000)
        cold = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([*_kg(), "ask", q, "--store", store], check=True, capture_output=True)
            cold.append(time.perf_counter() - start)
        pad = 48 - sum(2 if ord(c) > 0x2E80 else 1 for c in q)
        print(f"{q}{' ' * max(pad, 1)} {statistics.median(times):>13.3f} {statistics.median(cold):>14.2f}  {u.kind}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a built store (default: build one from samples/seeds)")
    parser.add_argument("--runs", type=int, default=3, help="cold runs per question (median)")
    args = parser.parse_args()
    if args.store:
        main(args.store, args.runs)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            store = str(Path(tmp) / "kg-store")
            subprocess.run([*_kg(), "build", str(ROOT / "samples" / "seeds"), "--store", store], check=True,
                           capture_output=True)
            main(store, args.runs)
