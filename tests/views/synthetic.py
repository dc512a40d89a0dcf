"""Synthetic property graphs of a chosen size, shaped like the real one (places → documents → measures with a lead
and partners → targets), for the scale tests and benchmarks/bench_views.py. Seeded: the same size gives the same
graph."""

from __future__ import annotations

import random

from kg.projection import Edge, Node, PropertyGraph

SUFFIXES = ("公安局", "司法局", "检察院", "中级人民法院", "民政局", "教育局", "卫生局", "委政法委", "综治办", "妇联",
            "团市委", "信访局", "文化局", "工商局", "交通局")
ROLES = ("LEADS", "CO_RESPONSIBLE_FOR", "CO_RESPONSIBLE_FOR", "CO_RESPONSIBLE_FOR", "GUIDES", "IMPLEMENTS")


def synthetic_graph(n_nodes: int, seed: int = 1) -> PropertyGraph:
    """About ``n_nodes`` view nodes: 8% agencies, 60% measures, 30% targets, the rest documents and places."""
    rng = random.Random(seed)
    pg = PropertyGraph()
    n_places = max(1, n_nodes // 1500)
    n_agencies = max(4, n_nodes * 8 // 100)
    n_measures = max(4, n_nodes * 60 // 100)
    n_targets = n_nodes - n_agencies - n_measures - n_places - max(1, n_measures // 60)

    def add(iri: str, labels: list[str], **props: object) -> str:
        pg.nodes[iri] = Node(iri, labels, {"id": iri, **props})
        return iri

    places = [add(f"urn:place:{p}", ["Jurisdiction"], prefLabel=f"第{p + 1}市") for p in range(n_places)]
    agencies: dict[str, list[str]] = {p: [] for p in places}
    for a in range(n_agencies):
        place = places[a % n_places]
        iri = add(f"urn:agency:{a}", ["Agency"], prefLabel=f"第{a % n_places + 1}市{SUFFIXES[a % len(SUFFIXES)]}"
                  f"{a // len(SUFFIXES) or ''}")
        pg.edges.append(Edge(iri, "JURISDICTION", place))
        agencies[place].append(iri)
    docs: list[str] = []
    for d in range(max(1, n_measures // 60)):
        place = places[d % n_places]
        docs.append(add(f"urn:doc:{d}", ["Document", "Plan"], title=f"第{d % n_places + 1}市平安建设实施方案（{d}）",
                        source=f"plans/{d:04d}.txt"))
        pg.edges.append(Edge(docs[-1], "JURISDICTION", place))
    measures = []
    for m in range(n_measures):
        doc = docs[m % len(docs)]
        place = places[(m % len(docs)) % n_places]
        iri = add(f"urn:measure:{m}", ["Measure"], key=f"三（{m % 9 + 1}）", heading=f"加强重点领域治安防控{m}",
                  text="坚持打防结合、预防为主，完善立体化社会治安防控体系。" * 3, line=10 + m % 400)
        pg.edges.append(Edge(iri, "IN_DOCUMENT", doc))
        pool = agencies[place]
        chosen = rng.sample(pool, min(len(pool), rng.randint(1, 5)))
        for k, agency in enumerate(chosen):
            role = "LEADS" if k == 0 else rng.choice(ROLES[1:])
            pg.edges.append(Edge(agency, role, iri, {"basis": "first-listed", "asWritten": "市公安局",
                                                     "quote": "（责任单位：市公安局、市司法局）", "line": 12,
                                                     "sourceFile": "plans/0000.txt"}))
        measures.append(iri)
    for t in range(max(0, n_targets)):
        iri = add(f"urn:target:{t}", ["Target"], metric="案件破案率", comparator=">=", value="95.0", unit="%")
        pg.edges.append(Edge(measures[rng.randrange(len(measures))], "HAS_TARGET", iri))
    return pg
