"""How big a graph `kg view` can show: synthetic graphs of 1k / 5k / 20k nodes → HTML size, time to build the
view and write the page, and the real time until headless Chromium has drawn it (the page's first vis-network
'afterDrawing' event, read over the DevTools protocol; no virtual time budget).

    python benchmarks/bench_views.py [SIZES...]        # default: 1000 5000 20000

Needs Debian's chromium and websocket-client; prints a table, asserts nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "views")]

from chromium import CHROMIUM, Browser  # noqa: E402
from synthetic import synthetic_graph  # noqa: E402

from kg import views  # noqa: E402


def main(sizes: list[int]) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Browser() if CHROMIUM else _NoBrowser() as browser:
        for n in sizes:
            pg = synthetic_graph(n)
            start = time.perf_counter()
            view = views.graph_view(pg)
            built = time.perf_counter() - start
            path = views.write_html(view, Path(tmp) / f"g{n}.html")
            written = time.perf_counter() - start - built
            drawn = browser.open(path, timeout=300) if CHROMIUM else float("nan")
            rows.append((len(view.nodes), len(view.edges), path.stat().st_size / 2**20, built, written, drawn))
    print(f"{'nodes':>7} {'edges':>7} {'HTML MB':>8} {'view s':>7} {'HTML s':>7} {'drawn s':>8}  (Chromium, real time)")
    for nodes, edges, mb, built, written, drawn in rows:
        print(f"{nodes:>7} {edges:>7} {mb:>8.1f} {built:>7.2f} {written:>7.2f} {drawn:>8.2f}")
    if not CHROMIUM:
        print("chromium not installed: no draw times (apt-get install -y chromium fonts-noto-cjk)")


class _NoBrowser:
    def __enter__(self) -> _NoBrowser:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
