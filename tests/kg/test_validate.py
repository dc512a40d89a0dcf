"""SHACL shapes: a good graph passes; real defects fail with a message that says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from kg_fixtures import hohhot_plan, liaocheng_plan

from kg.store import build_store, open_store
from kg.triples import document_ntriples
from kg.validate import validate_graph, validate_store
from ontology import shapes_path
from ontology.ns import OA, PA, agency_iri, measure_iri

M1 = measure_iri("a1b2c3d4e5f6-001")
A1 = M1 + "/a1"
POLICE = agency_iri("呼和浩特市公安局")


def validate_text(ntriples: str) -> tuple[bool, str]:
    return validate_graph(rdflib.Graph().parse(data=ntriples, format="nt"))


def good_text() -> str:
    return document_ntriples(hohhot_plan())


def without(text: str, subject: str, predicate: str) -> str:
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"<{subject}> <{predicate}> ")]
    assert len(kept) < len(lines), "the edit must remove something"
    return "".join(kept)


def test_shapes_parse() -> None:
    assert len(rdflib.Graph().parse(shapes_path())) > 100


def test_a_built_store_conforms(tmp_path: Path) -> None:
    build_store(tmp_path, [hohhot_plan(), liaocheng_plan()])
    with open_store(tmp_path) as store:
        conforms, report = validate_store(store)
    assert conforms, report
    assert report == "the graph conforms to the pingan-kg shapes"


def test_assignment_without_agency_fails() -> None:
    conforms, report = validate_text(without(good_text(), A1, PA + "agency"))
    assert not conforms
    assert "Violation: id:measure/a1b2c3d4e5f6-001/a1 pa:agency: an assignment needs exactly one pa:agency" in report
    # The shortcut 市公安局 pa:leads … now stands for no assignment: reported too.
    assert "id:agency/" in report and "pa:leads: shortcut edge to id:measure/a1b2c3d4e5f6-001" in report


def test_measure_with_two_keys_fails() -> None:
    broken = good_text() + f'<{M1}> <{PA}key> "一（一）之二" .\n'
    conforms, report = validate_text(broken)
    assert not conforms
    assert "id:measure/a1b2c3d4e5f6-001 pa:key: a measure needs exactly one non-empty pa:key" in report


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # a role that is not one of the four individuals
        (
            lambda t: t.replace(f"<{A1}> <{PA}role> <{PA}Lead>", f"<{A1}> <{PA}role> <{PA}Boss>"),
            "an assignment needs exactly one pa:role: pa:Lead, pa:CoResponsible, pa:Guide or pa:Implement",
        ),
        # a basis outside the three readings
        (
            lambda t: t.replace('"first-listed"', '"guessed"'),
            'exactly one pa:basis: "explicit", "first-listed" or "inline"',
        ),
        # an empty quote
        (
            lambda t: t.replace(f'<{M1}/e1> <{OA}exact> "', f'<{M1}/e1> <{OA}exact> "" .\n#'),
            "evidence needs exactly one oa:exact, the non-empty quote",
        ),
        # a line that is text, not an integer
        (
            lambda t: t.replace('"12"^^<http://www.w3.org/2001/XMLSchema#integer>', '"twelve"'),
            "a measure needs exactly one pa:line, an xsd:integer of at least 1",
        ),
        # a measure that lost its document
        (lambda t: without(t, M1, PA + "inDocument"), "a measure must belong to exactly one document"),
        # an agency with two canonical names
        (
            lambda t: t + f'<{POLICE}> <http://www.w3.org/2004/02/skos/core#prefLabel> "公安局" .\n',
            "an agency needs exactly one skos:prefLabel",
        ),
        # an agency whose place is not a place
        (
            lambda t: t + f"<{POLICE}> <{PA}jurisdiction> <{M1}> .\n",
            "an agency's pa:jurisdiction must be a pa:Jurisdiction (a place)",
        ),
        # a kind that is neither plan nor report (and disagrees with the pa:Plan type)
        (lambda t: t.replace('"plan"', '"memo"'), 'a document needs exactly one pa:kind, "plan" or "report"'),
        # a shortcut edge with no assignment behind it
        (
            lambda t: t + f"<{POLICE}> <{PA}guides> <{M1}> .\n",
            "pa:guides: shortcut edge to id:measure/a1b2c3d4e5f6-001 has no pa:Assignment",
        ),
        # an assignment no measure points to
        (lambda t: without(t, M1, PA + "hasAssignment"), "an assignment must belong to exactly one measure"),
    ],
)
def test_defects_fail_with_a_plain_message(edit, message: str) -> None:  # noqa: ANN001
    conforms, report = validate_text(edit(good_text()))
    assert not conforms
    assert message in report, report


def test_report_is_one_line_per_problem() -> None:
    broken = without(good_text(), M1, PA + "key").replace('"first-listed"', '"guessed"')
    conforms, report = validate_text(broken)
    lines = report.splitlines()
    assert not conforms
    assert lines[0] == "2 violation(s), 0 warning(s) or note(s)"
    assert len(lines) == 3
    assert all(line.startswith("Violation: id:measure/") for line in lines[1:])


def test_collective_body_counts_as_an_agency() -> None:
    # 各旗县区 is typed pa:CollectiveBody; the ontology says that is a pa:Agency.
    text = good_text()
    collective = agency_iri("呼和浩特市各旗县区")
    text = text.replace(f"<{collective}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PA}Agency> .\n", "")
    conforms, report = validate_text(text)
    assert conforms, report
