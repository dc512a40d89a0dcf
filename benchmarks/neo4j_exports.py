"""Rows per second of the Neo4j exporters (Cypher script, neo4j-admin CSVs) on a synthetic graph.

    python benchmarks/neo4j_exports.py [MEASURES]     # default 100000

Prints a table; asserts nothing. The graph is built directly as a kg.projection.PropertyGraph
(agencies, documents, measures, LEADS/CO_RESPONSIBLE_FOR with evidence), so this times the writers only.
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from pathlib import Path

from kg.neo4j_io import plan_graph, write_admin_import, write_cypher_script
from kg.projection import Edge, Node, PropertyGraph

ID = "https://w3id.org/pingan-kg/id/"
TEXT = "加强社会治安防控体系建设，“网上网下”一体化。\n（责任单位：市公安局）"


def synthetic(measures: int, seed: int = 7) -> PropertyGraph:
    rng = random.Random(seed)
    g = PropertyGraph()
    agencies = [f"{ID}agency/{i:05d}" for i in range(max(50, measures // 500))]
    for i, a in enumerate(agencies):
        g.nodes[a] = Node(a, ["Agency"], {"id": a, "prefLabel": f"某市第{i}局", "altLabel": [f"第{i}局", f"{i}局"]})
    docs = [f"{ID}doc/{i:05d}" for i in range(max(1, measures // 50))]
    for d in docs:
        g.nodes[d] = Node(d, ["Document", "Plan"], {"id": d, "title": "某市平安建设实施方案", "year": 2020})
    for i in range(measures):
        m = f"{ID}measure/{i:07d}"
        g.nodes[m] = Node(m, ["Measure"], {"id": m, "measureId": str(i), "key": "一（一）", "order": i, "text": TEXT})
        g.edges.append(Edge(m, "IN_DOCUMENT", docs[i % len(docs)]))
        for role in ("LEADS", "CO_RESPONSIBLE_FOR"):
            g.edges.append(Edge(rng.choice(agencies), role, m,
                                {"basis": "explicit", "asWritten": "市公安局", "quote": "责任单位：市公安局",
                                 "line": i, "sourceFile": "plans/x.txt"}))
    # an agency may be drawn twice for one measure; the projection never repeats (source, type, target)
    g.edges = list({(e.source, e.type, e.target): e for e in g.edges}.values())
    return g


def main() -> None:
    measures = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t = time.perf_counter()
    graph = synthetic(measures)
    plan = plan_graph(graph)
    rows = plan.node_count + plan.edge_count
    print(f"{measures} measures: {plan.node_count} nodes, {plan.edge_count} relationships "
          f"(built and planned in {time.perf_counter() - t:.1f} s)")
    print(f"{'exporter':<14}{'seconds':>10}{'rows/s':>12}{'MB':>8}")
    t = time.perf_counter()
    out = io.StringIO()
    write_cypher_script(plan, out)
    seconds = time.perf_counter() - t
    print(f"{'cypher':<14}{seconds:>10.2f}{rows / seconds:>12,.0f}{len(out.getvalue().encode()) / 1e6:>8.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_admin_import(plan, Path(tmp))
        seconds = time.perf_counter() - t
        size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
    print(f"{'neo4j-import':<14}{seconds:>10.2f}{rows / seconds:>12,.0f}{size:>8.1f}")


if __name__ == "__main__":
    main()
