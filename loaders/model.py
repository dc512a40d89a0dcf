"""The seam between loaders and the graph: plain records with their evidence.

Loaders produce these; ``kg`` turns them into RDF. Nothing here knows about RDF
or about Chinese text. ``Document.to_dict()`` is the public ``kg extract``
schema: later versions may add keys, never remove or rename them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("lead", "co", "guide", "implement")
BASES = ("explicit", "first-listed", "inline")
KINDS = ("plan", "report")


@dataclass
class Assignment:
    """One agency's duty in one measure, and where the text says so."""

    agency: str  # canonical, jurisdiction-qualified: 呼和浩特市公安局
    as_written: str  # as the label writes it, whitespace removed: 市公安局
    role: str  # one of ROLES
    basis: str  # one of BASES
    quote: str  # the label or sentence it came from, exactly as in the source line(s)
    line: int  # 1-based line of the source where the quote starts
    category: str | None = None  # kind of body: 公安, 检察, 党委部门 … (loaders/data/categories.tsv)


@dataclass
class Target:
    """A quantitative obligation: "排查率达到100%", "每年至少组织二次", "到2020年…全覆盖"."""

    metric: str
    comparator: str | None  # >= <= = increase decrease, or None for deadline-only
    value: float | None
    unit: str | None
    deadline: str | None
    quote: str
    line: int


@dataclass
class Outcome:
    """A reported result in a news report: "电信网络诈骗案件下降5.1%"."""

    agency: str | None  # canonical, jurisdiction-qualified when the report names an actor: 呼和浩特市公安局
    metric: str
    value: float
    unit: str
    period: str | None
    quote: str
    line: int
    as_written: str | None = None  # the actor as the report writes it: 呼市公安局
    category: str | None = None  # kind of body, as for assignments
    topics: list[str] = field(default_factory=list)


@dataclass
class Measure:
    """A numbered work item of a plan."""

    id: str  # stable: "<document id>-<ordinal, 3 digits>"
    key: str  # numbering path as written: 二（一）, 三·活动(二)
    heading: str | None
    text: str  # body with PDF line breaks joined (original characters)
    line: int  # 1-based line where the item's number marker stands
    assignments: list[Assignment] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    """How much of a document was understood: what a reader checks before trusting an empty or thin result."""

    size: int  # characters of the document's own text: page noise, header and closing aside, blanks removed
    share: float  # of those, the share read as measures, table rows or statistics
    measures: int
    without_agency: int  # measures no agency was found for
    statistics: int
    unread_lines: int  # lines of text none of the readers took
    unread_cells: int = 0  # of those, short lines with no sentence end: the cells of a table whose header was missed


@dataclass
class Document:
    id: str  # stable: first 12 hex digits of the SHA-256 of the file's bytes
    source: str  # path as given to the loader
    kind: str  # one of KINDS
    title: str | None
    jurisdiction: str | None  # the place the document governs: 呼和浩特市
    issuer: str | None
    doc_number: str | None  # 文号: 呼综治委〔2014〕5号
    date: str | None  # as stated: "2014", "2003年6月15日"
    measures: list[Measure] = field(default_factory=list)
    reports: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # things the loader could not read cleanly
    coverage: Coverage | None = None

    def to_dict(self) -> dict:
        """The record as plain dicts and lists (what ``dataclasses.asdict`` gives, made directly: its generic deep
        copy of every value cost a third of ``kg extract``'s time)."""
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        """The inverse of :meth:`to_dict` (``kg extract --format jsonl`` lines back to records); keys this
        version does not know are ignored, so newer output still loads."""

        def pick(kind: type, values: dict) -> dict:
            return {k: v for k, v in values.items() if k in kind.__dataclass_fields__}

        def measure(m: dict) -> Measure:
            return Measure(**{
                **pick(Measure, m),
                "assignments": [Assignment(**pick(Assignment, a)) for a in m.get("assignments", [])],
                "targets": [Target(**pick(Target, t)) for t in m.get("targets", [])],
                "topics": list(m.get("topics", [])),
            })

        return cls(**{
            **pick(cls, data),
            "measures": [measure(m) for m in data.get("measures", [])],
            "reports": [Outcome(**pick(Outcome, o)) for o in data.get("reports", [])],
            "warnings": list(data.get("warnings", [])),
            "coverage": Coverage(**pick(Coverage, data["coverage"])) if data.get("coverage") else None,
        })


def _plain(record: object) -> dict:
    """A record's fields in declaration order, nested records as dicts, lists copied (strings and numbers are
    immutable: they need no copy)."""
    out = {}
    for name in record.__dataclass_fields__:  # type: ignore[attr-defined]
        value = getattr(record, name)
        if isinstance(value, list):
            value = [_plain(v) if hasattr(v, "__dataclass_fields__") else v for v in value]
        elif hasattr(value, "__dataclass_fields__"):
            value = _plain(value)
        out[name] = value
    return out
