"""How long `kg` takes to lay out a big answer as a table: the straightforward per-cell format_table (kept as
the reference in tests/test_output_speed.py) against kg.output.format_table, on synthetic rows shaped like a
real 22k-row obligations answer (mostly Chinese; ids, keys, places and units repeat, quotes do not).

    python benchmarks/bench_output.py [ROWS...]        # default: 1000 5000 22000

Best of 5 runs each; checks the two outputs are identical, prints a table, asserts nothing else.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_output_speed import reference_format_table  # noqa: E402

from kg.output import format_table  # noqa: E402

COLUMNS = ["id", "key", "heading", "metric", "comparator", "value", "unit", "deadline", "quote", "source",
           "jurisdiction"]
HAN = ("市公安局司法民政教育卫生健康交通运输应急管理消防救援社会治安综合治理"
       "平安建设工作机制完善加强推进落实重点人员排查化解矛盾纠纷")
PLACES = ["呼和浩特市", "聊城市", "包头市", "鄂尔多斯市", "赤峰市", "东昌府区", "临清市"]
METRICS = ["破案率", "覆盖率", "化解率", "满意度", "发案数", "建成率"]


def synthetic_rows(n: int, seed: int = 0) -> list[dict]:
    rnd = random.Random(seed)

    def han(k: int) -> str:
        return "".join(rnd.choice(HAN) for _ in range(k))

    headings = [han(rnd.randint(16, 24)) for _ in range(300)]  # a plan has a few hundred headings
    rows = []
    for i in range(n):
        doc = i // 200
        rows.append({
            "id": f"{doc:06x}{'b79611'}-{i % 200:03d}",
            "key": f"{'一二三四五六七'[i % 7]}（{'一二三四五六七八九十'[i % 10]}）",
            "heading": headings[i % len(headings)],
            "metric": rnd.choice(METRICS),
            "comparator": rnd.choice([">=", "<=", ">", "="]),
            "value": rnd.choice([95.0, 90.0, 100.0, round(rnd.uniform(0, 100), 1)]),
            "unit": rnd.choice(["%", "起", "个", "%"]),
            "deadline": f"{rnd.randint(2018, 2025)}年",
            "quote": han(rnd.randint(30, 50)) if i % 9 else han(20) + "，\n" + han(20),  # some quotes keep a line break
            "source": f"samples/plans/{doc:03d}/{rnd.choice(PLACES)}平安建设规划.pdf",
            "jurisdiction": rnd.choice(PLACES),
        })
    return rows


def best_of(fn: Callable[[], str], runs: int = 5) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main(sizes: list[int]) -> None:
    print(f"{'rows':>7} {'old s':>8} {'new s':>8} {'ratio':>6}  same output")
    for n in sizes:
        rows = synthetic_rows(n)
        old, old_text = best_of(lambda rows=rows: reference_format_table(rows, COLUMNS))
        new, new_text = best_of(lambda rows=rows: format_table(rows, COLUMNS))
        print(f"{n:>7} {old:>8.3f} {new:>8.3f} {old / new:>5.1f}×  {'yes' if new_text == old_text else 'NO'}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 22000])
