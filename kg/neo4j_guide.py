"""The Neo4j Browser side: a guide made of the Cypher twins in queries/, a plain .cypher of the headline
questions, and a GraSS style (colours and Chinese captions per label).

Guide format: the Browser's HTML guide, ``<article class="guide"><carousel><slide>`` with ``<pre class="code
runnable">`` blocks (a click puts the query in the editor). The same file works with ``:play URL`` (a frame)
and ``:guide URL`` (the sidebar of Browser 5, which reads the ``<slide>`` elements and the ``<title>``).
Browser fetches a guide cross-origin, so the server must send CORS headers (``serve`` does) and the host
must be allowed by ``browser.remote_content_hostname_allowlist`` (localhost is by default).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import queries
from kg.neo4j_io import cypher_literal

__all__ = ["GUIDE_FILE", "HEADLINE", "QUESTIONS", "STYLE_FILE", "grass_style", "guide_html", "headline_cypher",
           "serve", "write_guide"]

GUIDE_FILE = "pingan-kg-guide.html"
HEADLINE_FILE = "pingan-kg-headline.cypher"
STYLE_FILE = "pingan-kg.grass"

# Example parameters (they answer on the sample documents); the user edits them in Browser with :params.
EXAMPLE_PARAMS: dict[str, Any] = {
    "agency": "市公安局", "agencyA": "市公安局", "agencyB": "市司法局", "role": None, "jurisdiction": None,
    "year": 2025, "topic": "禁毒", "id": "146b0fb79611-001",
}


@dataclass(frozen=True)
class Question:
    name: str  # queries/<name>.cypher
    title: str  # Chinese first: the user's language
    params: tuple[str, ...] = ()
    # values other than EXAMPLE_PARAMS' for this question's slide (null: the option left out)
    examples: tuple[tuple[str, Any], ...] = ()

    def values(self) -> dict[str, Any]:
        given = dict(self.examples)
        return {n: given.get(n, EXAMPLE_PARAMS[n]) for n in self.params}


# The headline questions of the issue first, then every other twin (a test checks none is missing).
HEADLINE = (
    Question("measures_by_agency", "谁牵头什么 · Who leads what", ("agency", "role")),
    Question("overlap", "两个单位在哪里交汇 · Where two agencies meet", ("agencyA", "agencyB")),
    Question("overlap_top", "交集最多的单位 · Most overlapping agencies", ("jurisdiction",)),
    Question("measures_without_lead", "没有牵头单位的措施 · Measures with no lead", ("jurisdiction",)),
    Question("targets", "到期目标 · Targets due by a year", ("year", "agency", "role", "topic", "jurisdiction"),
             (("agency", None), ("topic", None))),
    Question("topic_measures", "一个工作领域在各地 · A topic across places", ("topic", "jurisdiction")),
    Question("topic_agencies", "各领域由谁承担 · Who carries each topic", ("topic",)),
)
OTHERS = (
    Question("agencies", "单位一览 · Every agency by role", ("jurisdiction",)),
    Question("partners", "一个单位的合作单位 · One agency's partners", ("agency",)),
    Question("agency_measure_ids", "一个单位参与的措施编号 · The measures one agency takes part in", ("agency",)),
    Question("agency_categories", "单位的类别 · What kind of body an agency is", ("agency",)),
    Question("outcomes", "报告的成效 · Reported outcomes", ("agency",)),
    Question("measure", "一项措施 · One measure", ("id",)),
    Question("measure_assignments", "措施的责任与依据 · A measure's agencies and evidence", ("id",)),
    Question("documents", "文件 · Documents"),
    Question("agency_index", "单位名称 · Agency names"),
    Question("jurisdiction_index", "地区 · Jurisdictions"),
    Question("topic_index", "工作领域 · Topics"),
    Question("lint_agencies", "待核对的单位 · Agencies to check"),
    Question("lint_measures", "待核对的措施 · Measures to check"),
)
QUESTIONS = HEADLINE + OTHERS


def _body(name: str) -> tuple[str, str]:
    """(the question's comment, the Cypher without comment lines)."""
    text = queries.cypher(name)
    comments = [ln[2:].strip() for ln in text.splitlines() if ln.startswith("//") and "params:" not in ln]
    code = "\n".join(ln for ln in text.splitlines() if not ln.startswith("//")).strip()
    return " ".join(comments), code


def params_command(values: dict[str, Any]) -> str:
    """``:params {agency: '市公安局', role: null}`` (Browser) for a question's parameters."""
    return ":params " + cypher_literal(values)


def param_lines(values: dict[str, Any]) -> list[str]:
    """``:param agency => '市公安局';``, one a line. In a multi-statement text Neo4j's parser (the one Browser
    uses) needs the ``;`` to end the command; without it the next line is read as part of the value."""
    return [f":param {n} => {cypher_literal(v)};" for n, v in values.items()]


def guide_statements() -> list[str]:
    """Every command and query the guide and the headline file contain (for the parser check)."""
    out = ["CALL db.schema.visualization()"]
    for q in QUESTIONS:
        if q.params:
            values = q.values()
            out.append(params_command(values))
            out.extend(param_lines(values))
        out.append(_body(q.name)[1])
    return out


def _runnable(code: str) -> str:
    return f'<pre class="pre-scrollable code runnable">{html.escape(code, quote=False)}</pre>'


def guide_html() -> str:
    slides = [f"""<slide class="row-fluid">
  <div class="col-sm-3">
    <h3>pingan-kg</h3>
    <p class="lead">平安建设方案：谁对什么负责。Who is responsible for what in public-security plans.</p>
  </div>
  <div class="col-sm-9">
    <p>Documents → measures (<code>:Measure</code>) → agencies (<code>:Agency</code>) with their roles:
    <code>:LEADS</code> 牵头, <code>:CO_RESPONSIBLE_FOR</code> 配合, <code>:GUIDES</code> 指导,
    <code>:IMPLEMENTS</code> 落实. Each of these relationships carries its evidence: <code>basis</code>,
    <code>asWritten</code>, <code>quote</code>, <code>line</code>, <code>sourceFile</code>.</p>
    <p>Drag <code>{STYLE_FILE}</code> onto the Browser window (or run <code>:style</code> and drop it there)
    for colours and Chinese captions. The schema:</p>
    {_runnable("CALL db.schema.visualization()")}
    <p>Each question below sets its parameters with <code>:params</code> first; change the values and run
    again.</p>
  </div>
</slide>"""]
    for q in QUESTIONS:
        question, code = _body(q.name)
        blocks = ([_runnable(params_command(q.values()))] if q.params else []) + [_runnable(code)]
        slides.append(f"""<slide class="row-fluid">
  <div class="col-sm-3">
    <h3>{html.escape(q.title)}</h3>
    <p class="lead">{html.escape(question)}</p>
    <p><small>queries/{q.name}.cypher · CLI twin of queries/{q.name}.rq</small></p>
  </div>
  <div class="col-sm-9">
    {chr(10).join('    ' + b for b in blocks).strip()}
  </div>
</slide>""")
    return ("<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>pingan-kg · 平安建设知识图谱</title>\n</head>\n<body>\n"
            "<article class=\"guide\">\n<carousel class=\"deck container-fluid\">\n"
            + "\n".join(slides) + "\n</carousel>\n</article>\n</body>\n</html>\n")


def headline_cypher() -> str:
    """The headline questions as one file for cypher-shell -f or the Browser editor."""
    parts = ["// pingan-kg: the headline questions. cypher-shell -f pingan-kg-headline.cypher, or paste into\n"
             "// Neo4j Browser. Change the :param values to ask about other agencies, places, years, topics.\n"]
    for q in HEADLINE:
        question, code = _body(q.name)
        parts.append(f"\n// {q.title}: {question}\n" + "".join(line + "\n" for line in param_lines(q.values()))
                     + code.rstrip().rstrip(";") + ";\n")
    return "".join(parts)


# label → (fill, border, text colour, diameter, caption property); Chinese names as captions
NODE_STYLE: dict[str, tuple[str, str, str, int, str]] = {
    "Agency": ("#4C8EDA", "#2870C2", "#FFFFFF", 65, "prefLabel"),
    "CollectiveBody": ("#8DCC93", "#5DB665", "#2A2C34", 65, "prefLabel"),
    "Measure": ("#F79767", "#F36924", "#FFFFFF", 45, "key"),
    "Document": ("#C990C0", "#B261A5", "#FFFFFF", 80, "title"),
    "Plan": ("#C990C0", "#B261A5", "#FFFFFF", 80, "title"),
    "Report": ("#D9C8AE", "#C0A378", "#2A2C34", 80, "title"),
    "Jurisdiction": ("#57C7E3", "#23B3D7", "#2A2C34", 70, "prefLabel"),
    "Target": ("#FFC454", "#D7A013", "#2A2C34", 40, "metric"),
    "Outcome": ("#DA7194", "#CC3C6C", "#FFFFFF", 40, "metric"),
    "Concept": ("#569480", "#447666", "#FFFFFF", 55, "prefLabel"),
    "Topic": ("#569480", "#447666", "#FFFFFF", 55, "prefLabel"),
    "ConceptScheme": ("#A5ABB6", "#9AA1AC", "#2A2C34", 55, "prefLabel"),
    "Role": ("#ECB5C9", "#DA7298", "#2A2C34", 45, "prefLabel"),
    "Assignment": ("#D9D9D9", "#BFBFBF", "#2A2C34", 30, "asWritten"),
    "TextQuoteSelector": ("#EEEEEE", "#CCCCCC", "#2A2C34", 25, "line"),
}
# relationship type → (colour, shaft width px)
RELATIONSHIP_STYLE: dict[str, tuple[str, int]] = {
    "LEADS": ("#D62728", 4), "CO_RESPONSIBLE_FOR": ("#FF7F0E", 2), "GUIDES": ("#9467BD", 2),
    "IMPLEMENTS": ("#2CA02C", 2), "IN_DOCUMENT": ("#A5ABB6", 1), "JURISDICTION": ("#57C7E3", 1),
    "HAS_TARGET": ("#FFC454", 1), "HAS_OUTCOME": ("#DA7194", 1), "REPORTED_BY": ("#DA7194", 2),
    "SUBJECT": ("#569480", 1), "BROADER": ("#569480", 1),
}


def grass_style() -> str:
    """A GraSS file as Neo4j Browser's :style exports it."""
    out = ["node {\n  diameter: 50px;\n  color: #A5ABB6;\n  border-color: #9AA1AC;\n  border-width: 2px;\n"
           "  text-color-internal: #FFFFFF;\n  font-size: 10px;\n}\n",
           "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 8px;\n  padding: 3px;\n"
           "  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n  caption: \"<type>\";\n}\n"]
    for lab, (fill, border, text, diameter, caption) in NODE_STYLE.items():
        out.append(f"node.{lab} {{\n  color: {fill};\n  border-color: {border};\n  text-color-internal: {text};\n"
                   f"  diameter: {diameter}px;\n  caption: \"{{{caption}}}\";\n}}\n")
    for type_, (colour, width) in RELATIONSHIP_STYLE.items():
        out.append(f"relationship.{type_} {{\n  color: {colour};\n  shaft-width: {width}px;\n"
                   f"  caption: \"<type>\";\n}}\n")
    return "\n".join(out)


def write_guide(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = {GUIDE_FILE: guide_html(), HEADLINE_FILE: headline_cypher(), STYLE_FILE: grass_style()}
    written = []
    for name, text in files.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def cors_server(directory: Path, port: int, host: str = "localhost") -> Any:
    """An HTTP server for ``directory`` that lets Neo4j Browser fetch from it (CORS)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    return ThreadingHTTPServer((host, port), functools.partial(Handler, directory=str(directory)))


def serve(directory: Path, port: int) -> None:  # pragma: no cover - blocks until interrupted
    server = cors_server(directory, port)
    try:
        server.serve_forever()
    finally:
        server.server_close()
