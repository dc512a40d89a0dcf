"""Interactive HTML views of the graph (pyvis / vis-network), made from the one RDF → property-graph projection.

Four views, each a function from a :class:`kg.projection.PropertyGraph` to a :class:`View`:

- :func:`graph_view` — agencies, measures, documents (and targets, outcomes, topics unless hidden);
- :func:`agency_view` — one agency's neighbourhood, ``depth`` steps out;
- :func:`topic_view` — everyone on one topic (and its narrower topics), across places;
- :func:`overlap_view` — agencies only, an edge per pair weighted by the measures they share.

:func:`render_html` turns a view into one self-contained UTF-8 page:

- **offline** — vis-network (shipped inside pyvis) and every style are inlined; the page links nothing, so it
  opens from a USB stick with no network. pyvis' own template pulls Bootstrap from a CDN, so ours replaces it.
- **scales** — positions are computed here (agencies on a ring per jurisdiction, each agency's measures around it,
  documents in the middle, topics on an outer ring; deterministic) and physics is off above
  ``PHYSICS_LIMIT`` nodes: vis-network's physics freezes a page in the low thousands of nodes.
- **safe** — document text is untrusted. No node or edge carries a vis ``title`` (which pyvis' template turns
  into HTML); tooltips are plain-text fields that the page's script builds into DOM nodes with
  ``textContent``, and the data reaches the page as a JSON *string literal* with ``<``, ``>``, ``&`` escaped,
  so a ``</script>`` in a measure cannot end the script element either.

pyvis and jinja2 are imported inside :func:`render_html` so that importing this module costs nothing.

>>> from kg.projection import Edge, Node, PropertyGraph
>>> pg = PropertyGraph({"a": Node("a", ["Agency"], {"id": "a", "prefLabel": "某市公安局"}),
...                     "m": Node("m", ["Measure"], {"id": "m", "heading": "打击犯罪", "key": "一"})},
...                    [Edge("a", "LEADS", "m", {"basis": "explicit"})])
>>> v = graph_view(pg)
>>> [n["label"] for n in v.nodes], [e["role"] for e in v.edges]
(['某市公安局', '一 打击犯罪'], ['LEADS'])
"""

from __future__ import annotations

import json
import math
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from kg.projection import PropertyGraph
from ontology.ns import PA, RDF, SKOS

__all__ = [
    "EDGE_STYLES",
    "KINDS",
    "OVERLAP_READS",
    "PHYSICS_LIMIT",
    "AgencyFacts",
    "View",
    "agency_category",
    "agency_view",
    "graph_view",
    "layout",
    "overlap_view",
    "reach_beyond",
    "render_html",
    "topic_view",
    "write_html",
]

PHYSICS_LIMIT = 300  # above this many nodes the page starts with physics off (it would freeze the tab)

# node kind → (projection label, shape, colour, size, legend text)
KINDS: dict[str, tuple[str, str, str, int, str]] = {
    "agency": ("Agency", "dot", "#4c78a8", 16, "机构 agency"),
    "measure": ("Measure", "dot", "#f2b134", 7, "措施 measure"),
    "document": ("Document", "square", "#54a24b", 20, "文件 document"),
    "target": ("Target", "triangle", "#e45756", 6, "目标 target"),
    "outcome": ("Outcome", "star", "#b279a2", 9, "成效 outcome"),
    "topic": ("Topic", "diamond", "#72b7b2", 14, "主题 topic"),
}
_KIND_OF_LABEL = {label: kind for kind, (label, *_rest) in KINDS.items()}

# relationship type → (colour, width, dashes, legend text); the four roles first, in ROLES order
EDGE_STYLES: dict[str, tuple[str, float, bool, str]] = {
    "LEADS": ("#c0392b", 3.0, False, "牵头 leads"),
    "CO_RESPONSIBLE_FOR": ("#2c7fb8", 1.2, False, "配合 co-responsible"),
    "GUIDES": ("#8e44ad", 1.5, True, "指导 guides"),
    "IMPLEMENTS": ("#7f8c8d", 1.0, True, "落实 implements"),
    "IN_DOCUMENT": ("#c8c8c8", 0.6, False, "出自 in document"),
    "HAS_TARGET": ("#f4a6a6", 0.8, False, "目标 has target"),
    "SUBJECT": ("#a8d8d4", 0.6, False, "主题 subject"),
    "HAS_OUTCOME": ("#d7b8cf", 0.8, False, "成效 has outcome"),
    "REPORTED_BY": ("#b279a2", 1.0, True, "报告 reported by"),
    "SHARES": ("#2c7fb8", 1.0, False, "共同措施 shared measures"),
}
ROLE_EDGES = ("LEADS", "CO_RESPONSIBLE_FOR", "GUIDES", "IMPLEMENTS")
_ROLE_ZH = {"LEADS": "牵头 lead", "CO_RESPONSIBLE_FOR": "配合 co", "GUIDES": "指导 guide",
            "IMPLEMENTS": "落实 implement"}

# agency category (pa:category, from loaders/data/categories.tsv) → colour
CATEGORY_COLOURS: dict[str, str] = {
    "公安": "#1f4e9c", "国家安全": "#3b3b98", "检察": "#6a3d9a", "审判": "#8c564b", "司法行政": "#17becf",
    "政法综合": "#9467bd", "党委部门": "#d62728", "地方党政": "#e377c2", "政府部门": "#2ca02c",
    "应急": "#ff7f0e", "事业单位": "#bcbd22", "群团": "#f781bf", "人大/政协": "#a65628", "军队": "#556b2f",
    "企业": "#7f7f7f", "媒体": "#999933", "下级地方": "#aaaaaa", "其他": "#4c78a8",
}
# When the store has no pa:category yet: a few name fragments, most specific first. A fallback only; the
# lexicon in loaders/data/categories.tsv is the real classification.
_CATEGORY_BY_NAME: tuple[tuple[str, str], ...] = (
    ("政法委", "政法综合"), ("综治", "政法综合"), ("维稳", "政法综合"), ("公安", "公安"), ("派出所", "公安"),
    ("消防", "公安"), ("国家安全", "国家安全"), ("检察", "检察"), ("法院", "审判"), ("司法", "司法行政"),
    ("监狱", "司法行政"), ("宣传部", "党委部门"), ("组织部", "党委部门"), ("统战部", "党委部门"),
    ("团市委", "群团"), ("共青团", "群团"), ("妇联", "群团"), ("总工会", "群团"), ("工会", "群团"),
    ("武警", "军队"), ("军分区", "军队"), ("各", "下级地方"), ("局", "政府部门"), ("委", "党委部门"),
    ("办", "政府部门"), ("厅", "政府部门"),
)


def agency_category(props: dict[str, Any]) -> str:
    """The agency's ``category`` property if the store has one, else a guess from its name ("其他" if none)."""
    category = props.get("category")
    if isinstance(category, list):
        category = category[0] if category else None
    if category:
        return str(category)
    name = str(props.get("prefLabel") or "")
    return next((cat for fragment, cat in _CATEGORY_BY_NAME if fragment in name), "其他")


@dataclass
class View:
    """What one page shows: vis-network node and edge dicts (with plain-text ``tip`` lines), a title, a legend."""

    title: str
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    legend_nodes: list[tuple[str, str, str]] = field(default_factory=list)  # (shape, colour, text)
    legend_edges: list[tuple[str, float, bool, str]] = field(default_factory=list)  # (colour, width, dashed, text)
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------- the index


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _text(value: Any) -> str:
    value = _first(value)
    return "" if value is None else str(value)


@dataclass
class AgencyFacts:
    """What the whole graph says of one agency, for a view drawn from part of it (kg view of one place or
    agency projects only the documents it shows): its places (IRI → name), the names it is written as, and its
    measures by role edge (LEADS …) in each place of their documents ("" for a plan that states none)."""

    places: dict[str, str]
    written: list[str]
    measures: dict[str, dict[str, int]]


class _Index:
    """The parts of the property graph the views need, looked up once. ``facts`` (agency IRI → AgencyFacts),
    when given, are what an agency's tooltip and place say instead of the edges of ``pg``, which may hold only
    some of the graph's documents."""

    def __init__(self, pg: PropertyGraph, facts: dict[str, AgencyFacts] | None = None) -> None:
        self.pg = pg
        self.facts = facts or {}
        self.kind: dict[str, str] = {}
        for node in pg.nodes.values():
            for label in node.labels:
                if label in _KIND_OF_LABEL:
                    self.kind[node.id] = _KIND_OF_LABEL[label]
                    break
        # agency / document → its jurisdiction IRIs (one name written in plans of several places, 公安机关, has each)
        self.places: dict[str, set[str]] = {}
        self.place_name: dict[str, str] = {}
        self.out: dict[str, list] = defaultdict(list)  # node → edges leaving it (view edges only)
        self.into: dict[str, list] = defaultdict(list)
        self.broader: dict[str, list[str]] = defaultdict(list)
        self.evidence: dict[str, str] = {}  # target / outcome → its oa:TextQuoteSelector
        for edge in pg.edges:
            if edge.type == "JURISDICTION":
                self.places.setdefault(edge.source, set()).add(edge.target)
                place = pg.nodes.get(edge.target)
                if place is not None:
                    self.place_name[edge.target] = _text(place.props.get("prefLabel"))
            elif edge.type == "EVIDENCE":
                self.evidence[edge.source] = edge.target
            elif edge.type == "BROADER":
                self.broader[edge.target].append(edge.source)  # broader → its narrower topics
            elif edge.type in EDGE_STYLES and edge.source in self.kind and edge.target in self.kind:
                self.out[edge.source].append(edge)
                self.into[edge.target].append(edge)
        for iri, known in self.facts.items():
            if iri in self.kind and known.places:
                self.places[iri] = set(known.places)
                self.place_name.update(known.places)

    def of_kind(self, kind: str) -> list[str]:
        return [iri for iri, k in self.kind.items() if k == kind]

    def neighbours(self, iri: str) -> Iterable[str]:
        for edge in self.out.get(iri, ()):
            yield edge.target
        for edge in self.into.get(iri, ()):
            yield edge.source

    def measure_document(self, measure: str) -> str | None:
        return next((e.target for e in self.out.get(measure, ()) if e.type == "IN_DOCUMENT"), None)

    def place_of(self, iri: str) -> str | None:
        """The jurisdiction of an agency or document (of an agency of several, the least IRI: where the layout puts
        it), or of the document a measure, target or outcome is in."""
        if iri in self.places:
            return min(self.places[iri])
        kind = self.kind.get(iri)
        if kind == "measure":
            doc = self.measure_document(iri)
            return self.place_of(doc) if doc else None
        if kind == "target":
            measure = next((e.source for e in self.into.get(iri, ()) if e.type == "HAS_TARGET"), None)
            return self.place_of(measure) if measure else None
        if kind == "outcome":
            doc = next((e.source for e in self.into.get(iri, ()) if e.type == "HAS_OUTCOME"), None)
            return self.place_of(doc) if doc else None
        return None

    def agency_facts(self, iri: str) -> AgencyFacts:
        """What is known of an agency: the facts given, else what ``pg`` says (its places, its altLabels, its role
        edges counted by the place of their measure's document)."""
        known = self.facts.get(iri)
        if known is not None:
            return known
        measures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for edge in self.out.get(iri, ()):
            if edge.type in ROLE_EDGES:
                measures[self.place_name.get(self.place_of(edge.target) or "", "")][edge.type] += 1
        return AgencyFacts({place: self.place_name.get(place, "") for place in self.places.get(iri, ())},
                           list(self.pg.nodes[iri].props.get("altLabel") or []), measures)

    def agency_label(self, iri: str) -> str:
        return _text(self.pg.nodes[iri].props.get("prefLabel")) or iri.rsplit("/", 1)[-1]


# ----------------------------------------------------------------------------------------------- nodes, tips


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _source_line(props: dict[str, Any]) -> str:
    source = _text(props.get("sourceFile") or props.get("source"))
    line = _text(props.get("line"))
    return f"{source}, line {line}" if source and line else source


def _node_label(ix: _Index, iri: str, kind: str) -> str:
    p = ix.pg.nodes[iri].props
    if kind == "agency":
        return ix.agency_label(iri)
    if kind == "measure":
        return _shorten(f"{_text(p.get('key'))} {_text(p.get('heading'))}".strip(), 18)
    if kind == "document":
        return _shorten(_text(p.get("title")) or _text(p.get("identifier")) or "(untitled)", 24)
    if kind == "target":
        return _shorten(f"{_text(p.get('metric'))} {_text(p.get('comparator'))}{_number(p.get('value'))}"
                        f"{_text(p.get('unit'))}", 16)
    if kind == "outcome":
        return _shorten(f"{_text(p.get('metric'))} {_number(p.get('value'))}{_text(p.get('unit'))}", 16)
    return _text(p.get("prefLabel")) or _text(p.get("notation"))


def _number(value: Any) -> str:
    text = _text(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def _tip(ix: _Index, iri: str, kind: str) -> list[list[str]]:
    """Tooltip lines as [style, plain text]; style is h (heading), p (paragraph), li (list item) or src."""
    p = ix.pg.nodes[iri].props
    lines: list[list[str]] = []
    if kind == "measure":
        lines.append(["h", f"{_text(p.get('key'))} {_text(p.get('heading'))}".strip()])
        doc = ix.measure_document(iri)
        if doc:
            where = ix.place_name.get(ix.place_of(doc) or "", "?")
            lines.append(["p", f"{_text(ix.pg.nodes[doc].props.get('title'))}  [{where}]"])
        lines.append(["p", _shorten(_text(p.get("text")), 600)])
        for edge in sorted((e for e in ix.into.get(iri, ()) if e.type in ROLE_EDGES),
                           key=lambda e: ROLE_EDGES.index(e.type)):
            written = _text(edge.props.get("asWritten"))
            name = ix.agency_label(edge.source)
            lines.append(["li", f"{_ROLE_ZH[edge.type]}: {name}" + (f"（{written}）" if written and written != name
                                                                    else "")])
        doc_source = _text(ix.pg.nodes[doc].props.get("source")) if doc else ""
        if doc_source:
            lines.append(["src", f"{doc_source}, line {_text(p.get('line'))}"])
    elif kind == "agency":
        lines.append(["h", ix.agency_label(iri)])
        # a name written in plans of several places (公安机关) is one node: the tip names every place, and counts
        # its measures in each
        facts = ix.agency_facts(iri)
        places = sorted(facts.places.values())
        lines.append(["p", f"{'、'.join(places)}  ·  {agency_category(p)}".strip(" ·")])
        written = [w for w in facts.written if w != ix.agency_label(iri)]
        if written:
            lines.append(["p", "written as: " + "、".join(map(str, written))])
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # place name → role → measures
        for where, roles in facts.measures.items():
            for role, n in roles.items():
                counts[where if len(places) > 1 else ""][role] += n
        for where in sorted(counts) or [""]:
            told = "  ".join(f"{_ROLE_ZH[t]} {n}" for t in ROLE_EDGES if (n := counts[where][t])) or "no measures"
            lines.append(["p", f"{where}: {told}" if where else told])
    elif kind == "document":
        lines.append(["h", _text(p.get("title")) or "(untitled)"])
        meta = [_text(p.get("identifier")), _text(p.get("issued")), ix.place_name.get(ix.place_of(iri) or "", "")]
        lines.append(["p", "  ".join(m for m in meta if m)])
        lines.append(["src", _text(p.get("source"))])
    elif kind in ("target", "outcome"):
        lines.append(["h", _text(p.get("metric"))])
        value = f"{_text(p.get('comparator'))} {_number(p.get('value'))} {_text(p.get('unit'))}".strip()
        period = _text(p.get("deadlineYear") or p.get("period") or p.get("year"))
        lines.append(["p", value + (f"  ({period})" if period else "")])
        if kind == "outcome":
            agency = next((e.target for e in ix.out.get(iri, ()) if e.type == "REPORTED_BY"), None)
            written = _text(p.get("asWritten"))
            if agency or written:
                lines.append(["li", "reported by: " + (ix.agency_label(agency) if agency else written)])
        evidence = _evidence_of(ix, iri)
        if evidence:
            lines.append(["p", _shorten(_text(evidence.get("exact")), 300)])
            lines.append(["src", _source_line(evidence)])
    else:
        lines.append(["h", f"{_text(p.get('prefLabel'))}  {_text(p.get('prefLabel_en'))}".strip()])
        alt = p.get("altLabel") or []
        if alt:
            lines.append(["p", "、".join(map(str, alt))])
    return [line for line in lines if line[1]]


def _evidence_of(ix: _Index, iri: str) -> dict[str, Any] | None:
    selector = ix.evidence.get(iri)
    return ix.pg.nodes[selector].props if selector in ix.pg.nodes else None


def _edge_tip(ix: _Index, edge: Any) -> list[list[str]]:
    if edge.type not in ROLE_EDGES:
        return []
    props = edge.props
    lines = [["h", f"{ix.agency_label(edge.source)} — {_ROLE_ZH[edge.type]}"],
             ["p", f"as written: {_text(props.get('asWritten'))}  ·  basis: {_text(props.get('basis'))}"],
             ["p", _shorten(_text(props.get("quote")), 300)],
             ["src", _source_line(props)]]
    return [line for line in lines if line[1].strip(" ·:")]


def _vis_node(ix: _Index, iri: str, focus: set[str], size_by: dict[str, int]) -> dict[str, Any]:
    kind = ix.kind[iri]
    _label, shape, colour, size, _legend = KINDS[kind]
    node: dict[str, Any] = {"id": iri, "label": _node_label(ix, iri, kind), "kind": kind, "shape": shape,
                            "size": size, "tip": _tip(ix, iri, kind)}
    if kind == "agency":
        colour = CATEGORY_COLOURS.get(agency_category(ix.pg.nodes[iri].props), CATEGORY_COLOURS["其他"])
        node["size"] = size + 3 * math.sqrt(size_by.get(iri, 0))
        # busy agencies get bigger labels, so they stay readable when the whole graph is in view
        node["font"] = {"size": min(40, 16 + 4 * math.sqrt(size_by.get(iri, 0))), "strokeWidth": 3}
    elif kind == "document":
        node["font"] = {"size": 24, "strokeWidth": 3}
    elif kind in ("measure", "target"):
        node["font"] = {"size": 10, "color": "#555555"}
    node["color"] = colour
    if iri in focus:
        node.update(borderWidth=5, size=node["size"] * 1.5,
                    color={"background": colour, "border": "#000000"}, font={"size": 22, "strokeWidth": 4})
    return node


def _vis_edge(ix: _Index, edge: Any) -> dict[str, Any]:
    colour, width, dashes, _legend = EDGE_STYLES[edge.type]
    return {"from": edge.source, "to": edge.target, "role": edge.type, "color": colour, "width": width,
            "dashes": dashes, "tip": _edge_tip(ix, edge)}


# ----------------------------------------------------------------------------------------------- views


def _hidden_kinds(hide: Iterable[str]) -> set[str]:
    hidden = {h.lower() for h in hide}
    unknown = hidden - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) {', '.join(sorted(unknown))}; kinds are {', '.join(KINDS)}")
    return hidden


def _assemble(ix: _Index, title: str, keep: set[str], focus: Iterable[str] = (), notes: Iterable[str] = ()) -> View:
    """A view of the kept nodes and the view edges among them, laid out."""
    focus = set(focus)
    edges = [e for iri in sorted(keep) for e in ix.out.get(iri, ()) if e.target in keep]
    involvement: dict[str, int] = defaultdict(int)
    for e in edges:
        if e.type in ROLE_EDGES:
            involvement[e.source] += 1
    order = sorted(keep, key=lambda i: (list(KINDS).index(ix.kind[i]), i))
    view = View(title, [_vis_node(ix, iri, focus, involvement) for iri in order], [_vis_edge(ix, e) for e in edges],
                notes=list(notes))
    kinds_present = {ix.kind[i] for i in keep}
    view.legend_nodes = _category_legend(ix, (i for i in keep if ix.kind[i] == "agency"))
    for kind, (_label, shape, colour, _size, text) in KINDS.items():
        if kind != "agency" and kind in kinds_present:
            view.legend_nodes.append((shape, colour, text))
    types_present = {e.type for e in edges}
    for etype, (colour, width, dashes, text) in EDGE_STYLES.items():
        if etype in types_present:
            view.legend_edges.append((colour, width, dashes, text))
    layout(view, ix)
    return view


def _category_legend(ix: _Index, agencies: Iterable[str]) -> list[tuple[str, str, str]]:
    order = list(CATEGORY_COLOURS)
    categories = sorted({agency_category(ix.pg.nodes[i].props) for i in agencies},
                        key=lambda c: (order.index(c) if c in order else len(order), c))
    return [("dot", CATEGORY_COLOURS.get(c, CATEGORY_COLOURS["其他"]), f"机构 · {c}") for c in categories]


def _in_place(ix: _Index, iri: str, place: str | None) -> bool:
    if place is None or ix.kind[iri] == "topic":
        return True
    return place in ix.places[iri] if iri in ix.places else ix.place_of(iri) == place


def graph_view(pg: PropertyGraph, place: str | None = None, hide: Iterable[str] = ("topic",),
               facts: dict[str, AgencyFacts] | None = None) -> View:
    """The whole graph (in one jurisdiction, an IRI, when given) without the ``hide`` kinds.

    Topics are hidden unless asked for: each links measures of every place, and their lines cross the picture.
    """
    ix = _Index(pg, facts)
    hidden = _hidden_kinds(hide)
    keep = {i for i, k in ix.kind.items() if k not in hidden and _in_place(ix, i, place)}
    if place is not None:  # topics nobody in this place works on would float unconnected
        keep = {i for i in keep if ix.kind[i] != "topic" or any(n in keep for n in ix.neighbours(i))}
    title = "pingan-kg · " + (ix.place_name.get(place, "") if place else "whole graph")
    return _assemble(ix, title, keep)


def _reach(ix: _Index, start: Iterable[str], depth: int, hidden: set[str]) -> tuple[set[str], set[str]]:
    """The nodes within ``depth`` steps of ``start`` (not through hidden kinds), and those of them whose
    neighbours were taken (nearer than ``depth``)."""
    keep = {a for a in start if a in ix.kind}
    frontier, expanded = set(keep), set()
    for _ in range(depth):
        expanded |= frontier
        frontier = {n for i in frontier for n in ix.neighbours(i) if ix.kind[n] not in hidden} - keep
        keep |= frontier
    return keep, expanded


def reach_beyond(pg: PropertyGraph, agencies: list[str], depth: int, hide: Iterable[str] = ()) -> dict[str, set[str]]:
    """For kg view --agency drawn from part of the graph: the agencies and topics whose neighbours the view
    takes (kind → IRIs). Their edges may lie in documents not yet read; every other kind of node has all of its
    edges in its own document."""
    ix = _Index(pg)
    _, expanded = _reach(ix, agencies, depth, _hidden_kinds(hide))
    return {kind: {i for i in expanded if ix.kind[i] == kind} for kind in ("agency", "topic")}


def agency_view(pg: PropertyGraph, agencies: list[str], depth: int = 2, hide: Iterable[str] = (),
                facts: dict[str, AgencyFacts] | None = None) -> View:
    """The agencies (IRIs) and everything within ``depth`` steps of them (roles, documents, targets, topics)."""
    ix = _Index(pg, facts)
    keep, _ = _reach(ix, agencies, depth, _hidden_kinds(hide))
    names = "、".join(ix.agency_label(a) for a in agencies if a in ix.kind)
    return _assemble(ix, f"pingan-kg · {names} (depth {depth})", keep, focus=agencies)


def topic_view(pg: PropertyGraph, topic: str, place: str | None = None, hide: Iterable[str] = (),
               facts: dict[str, AgencyFacts] | None = None) -> View:
    """A topic (IRI), its narrower topics, the measures and outcomes about them, their agencies and documents."""
    ix = _Index(pg, facts)
    hidden = _hidden_kinds(hide) - {"topic"}
    topics, todo = set(), [topic]
    while todo:
        t = todo.pop()
        if t not in topics:
            topics.add(t)
            todo.extend(ix.broader.get(t, ()))
    about = {e.source for t in topics for e in ix.into.get(t, ()) if e.type == "SUBJECT"}
    about = {i for i in about if _in_place(ix, i, place) and ix.kind[i] not in hidden}
    keep = set(topics) | about
    for item in about:
        for n in ix.neighbours(item):
            if ix.kind[n] in ("agency", "document", "target", "outcome") and ix.kind[n] not in hidden:
                keep.add(n)
    label = _text(pg.nodes[topic].props.get("prefLabel")) if topic in pg.nodes else topic
    where = f" in {ix.place_name.get(place, '')}" if place else ""
    return _assemble(ix, f"pingan-kg · topic {label}{where}", keep, focus=[topic])


# What overlap_view reads of the graph, as predicate IRIs: the nodes' types, the agencies' names and categories,
# their role edges, and each measure's key, heading and document with the document's place. A caller may project
# only these triples (kg view --overlap: a fifth of the lines); tests/views compares the page both ways.
OVERLAP_READS = frozenset({
    f"{RDF}type", f"{SKOS}prefLabel", f"{SKOS}altLabel",
    *(f"{PA}{name}" for name in ("category", "leads", "coResponsibleFor", "guides", "implements", "inDocument",
                                 "jurisdiction", "key", "heading")),
})


def overlap_view(pg: PropertyGraph, place: str | None = None, min_shared: int = 1,
                 with_collective: bool = False, facts: dict[str, AgencyFacts] | None = None) -> View:
    """Agencies only; an edge between two agencies that share at least ``min_shared`` measures, as thick as
    the count. Collective lower levels (各旗县区), which share nearly every measure, are left out unless asked.
    In one place, the measures of that place's documents are counted (as kg overlap --top -j does)."""
    ix = _Index(pg, facts)
    collective = {n.id for n in pg.nodes_with("CollectiveBody")}
    measures_of: dict[str, dict[str, str]] = defaultdict(dict)  # agency → measure → role
    for iri, kind in ix.kind.items():
        if kind != "agency" or (iri in collective and not with_collective) or not _in_place(ix, iri, place):
            continue
        for e in ix.out.get(iri, ()):
            if e.type in ROLE_EDGES and (place is None or ix.place_of(e.target) == place):
                measures_of[iri].setdefault(e.target, e.type)
    by_measure: dict[str, list[str]] = defaultdict(list)
    for agency, ms in sorted(measures_of.items()):
        for m in ms:
            by_measure[m].append(agency)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m, agencies in by_measure.items():
        for i, a in enumerate(agencies):
            for b in agencies[i + 1:]:
                shared[(a, b)].append(m)
    pairs = {pair: ms for pair, ms in shared.items() if len(ms) >= min_shared}
    keep = {a for pair in pairs for a in pair}
    view = View(f"pingan-kg · overlap{' in ' + ix.place_name.get(place, '') if place else ''}"
                f" (≥ {min_shared} shared measure{'s' if min_shared != 1 else ''})",
                notes=[f"{len(keep)} agencies, {len(pairs)} pairs"])
    for iri in sorted(keep):
        node = _vis_node(ix, iri, set(), {iri: len(measures_of[iri])})
        view.nodes.append(node)
    top = max((len(ms) for ms in pairs.values()), default=1)
    colour = EDGE_STYLES["SHARES"][0]
    for (a, b), ms in sorted(pairs.items()):
        headings = [f"{_text(pg.nodes[m].props.get('key'))} {_text(pg.nodes[m].props.get('heading'))}"
                    f" ({_ROLE_ZH[measures_of[a][m]].split()[0]}/{_ROLE_ZH[measures_of[b][m]].split()[0]})"
                    for m in sorted(ms)]
        tip = [["h", f"{ix.agency_label(a)} ⇄ {ix.agency_label(b)}"],
               ["p", f"{len(ms)} shared measures (Jaccard "
                     f"{len(ms) / len(set(measures_of[a]) | set(measures_of[b])):.2f})"]]
        tip += [["li", _shorten(h, 60)] for h in headings[:12]]
        if len(headings) > 12:
            tip.append(["p", f"… and {len(headings) - 12} more"])
        view.edges.append({"from": a, "to": b, "role": "SHARES", "value": len(ms), "label": str(len(ms)),
                           "width": 1 + 7 * len(ms) / top, "color": colour, "dashes": False, "tip": tip,
                           "font": {"size": 10, "color": "#333333", "strokeWidth": 2}})
    view.legend_nodes = _category_legend(ix, keep)
    view.legend_edges = [(colour, 4.0, False, "共同措施 shared measures (width = count)")]
    layout(view, ix)
    return view


# ----------------------------------------------------------------------------------------------- layout

_GOLDEN = math.pi * (3 - math.sqrt(5))
_LEAF = 26.0  # spacing between small nodes


def _sunflower(n: int, spacing: float, start: float = 0.0) -> list[tuple[float, float]]:
    """n points in a filled disk, ``spacing`` apart (Vogel's spiral): compact, even and deterministic."""
    return [((start + spacing * math.sqrt(k + 0.5)) * math.cos(k * _GOLDEN),
             (start + spacing * math.sqrt(k + 0.5)) * math.sin(k * _GOLDEN)) for k in range(n)]


def _ring(sizes: list[float], minimum: float = 0.0) -> tuple[float, list[tuple[float, float]]]:
    """Centres on a circle so that disks of the given radii do not touch; returns (radius, points)."""
    if not sizes:
        return 0.0, []
    if len(sizes) == 1:
        return 0.0, [(0.0, 0.0)]
    circumference = sum(2 * r + _LEAF for r in sizes)
    radius = max(circumference / (2 * math.pi), minimum, max(sizes) * 1.2)
    points, angle = [], 0.0
    for r in sizes:
        step = (2 * r + _LEAF) / circumference * 2 * math.pi
        angle += step / 2
        points.append((radius * math.cos(angle), radius * math.sin(angle)))
        angle += step / 2
    return radius, points


def layout(view: View, ix: _Index) -> None:
    """Give every node of ``view`` a deterministic x, y.

    Each jurisdiction is a cluster: its documents in the middle, its agencies on a ring around them, each
    agency's measures (those it leads, else the first it takes part in) in a disk around it, each measure's
    targets around the measure; clusters sit on a ring; topics on an outer ring. Costs O(n); no scipy.
    """
    ids = {n["id"] for n in view.nodes}
    kind = {n["id"]: n["kind"] for n in view.nodes}
    parent: dict[str, str] = {}
    # measures under an agency: leader first, then any role; else their document
    for m in (i for i in ids if kind[i] == "measure"):
        agencies = sorted((e for e in ix.into.get(m, ()) if e.type in ROLE_EDGES and e.source in ids),
                          key=lambda e: (ROLE_EDGES.index(e.type), e.source))
        doc = ix.measure_document(m)
        if agencies:
            parent[m] = agencies[0].source
        elif doc in ids:
            parent[m] = doc
    for t in (i for i in ids if kind[i] == "target"):
        m = next((e.source for e in ix.into.get(t, ()) if e.type == "HAS_TARGET" and e.source in ids), None)
        if m:
            parent[t] = m
    for o in (i for i in ids if kind[i] == "outcome"):
        by = next((e.target for e in ix.out.get(o, ()) if e.type == "REPORTED_BY" and e.target in ids), None)
        doc = next((e.source for e in ix.into.get(o, ()) if e.type == "HAS_OUTCOME" and e.source in ids), None)
        if by or doc:
            parent[o] = by or doc  # type: ignore[assignment]
    children: dict[str, list[str]] = defaultdict(list)
    for child, p in sorted(parent.items()):
        children[p].append(child)

    offsets: dict[str, tuple[float, float]] = {}  # position relative to the parent
    radius: dict[str, float] = {}

    def place_subtree(iri: str) -> float:
        kids = children.get(iri, [])
        if not kids:
            radius[iri] = _LEAF / 2
            return radius[iri]
        sizes = [place_subtree(k) for k in kids]
        # spacing by the root-mean-square child radius: the children's total area, not the biggest one's
        spacing = max(_LEAF, 1.6 * math.sqrt(sum(r * r for r in sizes) / len(sizes)) + 6)
        points = _sunflower(len(kids), spacing * 0.9, start=spacing * 0.8)
        for k, pt in zip(kids, points, strict=True):
            offsets[k] = pt
        radius[iri] = spacing * 0.8 + spacing * 0.9 * math.sqrt(len(kids)) + max(sizes)
        return radius[iri]

    roots = sorted(i for i in ids if i not in parent)
    for r in roots:
        place_subtree(r)

    # clusters by jurisdiction: documents (and orphans) at the centre, agencies on a ring
    clusters: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"centre": [], "ring": []})
    topics: list[str] = []
    for r in roots:
        if kind[r] == "topic":
            topics.append(r)
            continue
        where = ix.place_of(r) or "?"
        clusters[where]["ring" if kind[r] == "agency" else "centre"].append(r)
    absolute: dict[str, tuple[float, float]] = {}
    cluster_radius: dict[str, float] = {}
    cluster_members: dict[str, list[tuple[str, float, float]]] = {}
    for where, parts in sorted(clusters.items()):
        centre_r, centre_pts = _ring([radius[c] for c in parts["centre"]])
        inner = centre_r + max((radius[c] for c in parts["centre"]), default=0)
        ring = sorted(parts["ring"], key=lambda a: -radius[a])
        ring = ring[0::2] + ring[1::2][::-1]  # big and small alternate, so the ring is even
        ring_r, ring_pts = _ring([radius[a] for a in ring],
                                 minimum=inner + max((radius[a] for a in ring), default=0) + _LEAF)
        members = [(c, x, y) for c, (x, y) in zip(parts["centre"], centre_pts, strict=True)]
        members += [(a, x, y) for a, (x, y) in zip(ring, ring_pts, strict=True)]
        cluster_members[where] = members
        cluster_radius[where] = max([ring_r + max((radius[a] for a in ring), default=0), inner, _LEAF])
    names = sorted(cluster_radius)
    big_r, centres = _ring([cluster_radius[w] for w in names])
    for where, (cx, cy) in zip(names, centres, strict=True):
        for iri, x, y in cluster_members[where]:
            absolute[iri] = (cx + x, cy + y)
    outer = big_r + max(cluster_radius.values(), default=0) + 4 * _LEAF
    if topics:
        if len(topics) == 1 and not names:
            absolute[topics[0]] = (0.0, 0.0)
        else:
            topic_r, topic_pts = _ring([radius[t] for t in topics], minimum=outer if names else 0.0)
            for t, (x, y) in zip(topics, topic_pts, strict=True):
                absolute[t] = (x, y)

    def place_children(iri: str) -> None:
        px, py = absolute[iri]
        for k in children.get(iri, []):
            dx, dy = offsets[k]
            absolute[k] = (px + dx, py + dy)
            place_children(k)

    for r in roots:
        place_children(r)
    for node in view.nodes:
        x, y = absolute.get(node["id"], (0.0, 0.0))
        node["x"], node["y"] = round(x, 1), round(y, 1)


# ----------------------------------------------------------------------------------------------- HTML


def _options(physics: bool, n_nodes: int) -> dict[str, Any]:
    big = n_nodes > PHYSICS_LIMIT
    return {
        "autoResize": True,
        "nodes": {"font": {"face": "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei',"
                                   " 'Microsoft YaHei', 'PingFang SC', sans-serif", "size": 14},
                  "borderWidth": 1, "scaling": {"label": {"drawThreshold": 5}}},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": False}}, "selectionWidth": 2,
                  "hoverWidth": 1.5},
        "interaction": {"hover": not big, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False, "multiselect": True},
        "physics": {"enabled": physics, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -4000, "springLength": 90, "avoidOverlap": 0.2},
                    "stabilization": {"enabled": physics, "iterations": 200, "fit": True}},
        "layout": {"randomSeed": 7, "improvedLayout": False},
    }


def _script_json(value: Any) -> str:
    """JSON for a <script> element: a JS string literal for JSON.parse, with < > & escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    literal = json.dumps(text, ensure_ascii=False)
    return (literal.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_html(view: View, physics: str = "auto") -> str:
    """The page for a view: one UTF-8 HTML string, nothing fetched from anywhere.

    ``physics``: "auto" (on for small graphs, up to PHYSICS_LIMIT nodes), "on" or "off".
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from pyvis.network import Network

    use_physics = physics == "on" or (physics == "auto" and len(view.nodes) <= PHYSICS_LIMIT)
    # pyvis holds the data and options; appending to net.nodes/net.edges directly skips add_edge, which is
    # quadratic on an undirected Network, and keeps our own keys (tip, kind) that add_node would not take.
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", bgcolor="#ffffff")
    net.nodes = view.nodes
    net.edges = view.edges
    net.set_options(json.dumps(_options(use_physics, len(view.nodes))))
    vis_dir = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    env = Environment(loader=FileSystemLoader(str(resources.files("kg"))),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals.update(
        page_title=view.title,
        notes=view.notes,
        legend_nodes=view.legend_nodes,
        legend_edges=view.legend_edges,
        vis_js=(vis_dir / "vis-network.min.js").read_text(encoding="utf-8"),
        vis_css=(vis_dir / "vis-network.css").read_text(encoding="utf-8"),
        data_json=_script_json({"nodes": view.nodes, "edges": view.edges}),
        n_nodes=len(view.nodes),
        n_edges=len(view.edges),
        physics_on=use_physics,
        nonce=secrets.token_urlsafe(16),  # the CSP lets only scripts with this nonce run
    )
    net.templateEnv = env
    net.path = "view_template.html"
    return net.generate_html()


def write_html(view: View, path: str | Path, physics: str = "auto") -> Path:
    """Write the page as UTF-8 (pyvis' write_html uses the platform encoding) and return its path."""
    path = Path(path)
    path.write_text(render_html(view, physics), encoding="utf-8")
    return path
