"""Topics: the SKOS scheme, its keyword table, and what the Hohhot plan's measures are about."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loaders.topics import find_topics, load_topic_keywords, score_topics, topic_labels

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"
TOPIC = "https://w3id.org/pingan-kg/id/topic/"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def measure_000(heading: str) -> str:
    """Heading, body and 责任单位 label of one measure of seed 000, found by the start of its heading."""
    (path,) = SEEDS.glob("000_*.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if _flat(line).startswith(heading))
    end = next(i for i in range(start, len(lines)) if "责任单位" in lines[i] and lines[i].lstrip().startswith("（"))
    return "\n".join(lines[start : end + 2])


@pytest.mark.parametrize(
    ("heading", "topic"),
    [
        ("（六）继续加大对毒品犯罪的打击力度", "drug-control"),
        ("（三）加强整治校园周边治安环境", "campus-safety"),
        ("（三）加强互联网管控", "cyber-governance"),
        ("（五）继续加强特殊人群服务管理力度", "special-populations"),
        ("（二）加强流动人口服务管理", "floating-population"),
        ("（四）继续加大对食品药品", "food-drug-safety"),
        ("（一）着力完善立体化治安防控体系", "crime-prevention-system"),
        ("（一）加强社会治安重点地区", "key-area-rectification"),
    ],
)
def test_a_hohhot_measure_is_first_about_what_its_heading_says(heading: str, topic: str) -> None:
    assert find_topics(measure_000(heading))[0] == topic


def test_the_drug_measure_gets_drug_control_only() -> None:
    # It also talks about 社区, 排查, 管控 and 康复: words other topics use, which must not drag them in.
    assert find_topics(measure_000("（六）继续加大对毒品犯罪的打击力度")) == ["drug-control"]


def test_fraud_measure_gets_property_crime_and_its_narrower_telecom_fraud() -> None:
    topics = find_topics(measure_000("（二）严厉打击“两抢一盗”、电信诈骗等侵财犯罪"))
    assert topics[:2] == ["property-crime", "telecom-fraud"]


def test_pdf_line_breaks_inside_a_keyword_do_not_hide_it() -> None:
    assert find_topics("继续加大对毒\n品犯罪的打击力度，深化吸\n 毒人员排查管控") == ["drug-control"]


@pytest.mark.parametrize("text", ["", "今天天气很好，我们去公园散步。", "会议于下午三点结束，与会人员合影留念。"])
def test_text_about_nothing_relevant_has_no_topic(text: str) -> None:
    assert find_topics(text) == []


def test_one_weak_cue_is_not_a_topic() -> None:
    # "学校" alone (weight 1) is below the threshold: a measure merely mentioning a school is not 校园安全.
    assert score_topics("组织学校开展活动") == {"campus-safety": 1.0}
    assert find_topics("组织学校开展活动") == []


def test_ties_are_broken_by_slug_so_the_order_is_stable() -> None:
    text = "禁毒 校园"  # weight 3 each
    assert find_topics(text) == ["campus-safety", "drug-control"]


def test_a_user_keyword_table_extends_the_matching(tmp_path: Path) -> None:
    table = tmp_path / "extra.tsv"
    table.write_text("slug\tkeyword\tweight\n# comment\ndrug-control\t冰毒\t3\n", encoding="utf-8")
    keywords = load_topic_keywords(table)
    assert find_topics("查获冰毒", keywords) == ["drug-control"]
    assert find_topics("查获冰毒") == []


def test_a_malformed_keyword_row_is_named(tmp_path: Path) -> None:
    table = tmp_path / "bad.tsv"
    table.write_text("drug-control\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 1"):
        load_topic_keywords(table)


@given(st.text())
def test_arbitrary_text_never_crashes_and_gives_known_slugs(text: str) -> None:
    topics = find_topics(text)
    assert len(topics) == len(set(topics))
    assert set(topics) <= set(load_topic_keywords())


# ---------------------------------------------------------------- the scheme and the keyword table


@pytest.fixture(scope="module")
def scheme():
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=files("ontology").joinpath("topics.ttl").read_text(encoding="utf-8"), format="turtle")
    return graph


def _concepts(graph) -> set[str]:
    from rdflib.namespace import RDF, SKOS

    return {str(c) for c in graph.subjects(RDF.type, SKOS.Concept)}


def test_every_keyword_slug_is_a_concept_and_every_concept_has_keywords(scheme) -> None:
    concepts = {iri.removeprefix(TOPIC) for iri in _concepts(scheme)}
    assert set(load_topic_keywords()) == concepts


def test_every_concept_is_a_topic_in_the_scheme_with_zh_and_en_labels_and_its_slug_as_notation(scheme) -> None:
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import RDF, SKOS

    pa = Namespace("https://w3id.org/pingan-kg/ns#")
    top = URIRef(TOPIC + "scheme")
    assert (top, RDF.type, SKOS.ConceptScheme) in scheme
    assert {lab.language for lab in scheme.objects(top, SKOS.prefLabel)} == {"zh", "en"}
    for iri in _concepts(scheme):
        concept = URIRef(iri)
        slug = iri.removeprefix(TOPIC)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", slug), slug
        assert (concept, RDF.type, pa.Topic) in scheme
        assert (concept, SKOS.inScheme, top) in scheme
        assert scheme.value(concept, SKOS.notation) == Literal(slug)
        labels = [lab for lab in scheme.objects(concept, SKOS.prefLabel) if isinstance(lab, Literal)]
        assert sorted(lab.language for lab in labels) == ["en", "zh"], slug
        # Exactly one of: a top concept of the scheme, or narrower than another concept.
        broader = list(scheme.objects(concept, SKOS.broader))
        assert ((concept, SKOS.topConceptOf, top) in scheme) != bool(broader), slug
        assert ((top, SKOS.hasTopConcept, concept) in scheme) == (not broader), slug


def test_the_scheme_covers_the_domains_of_these_plans(scheme) -> None:
    zh = {zh for zh, _ in topic_labels().values()}
    wanted = {"禁毒", "校园安全", "电信诈骗", "侵财犯罪", "扫黑除恶", "网络管控", "安全生产", "队伍建设", "法治宣传"}
    assert wanted <= zh
    assert 16 <= len(zh) <= 24


def test_telecom_fraud_is_narrower_than_property_crime(scheme) -> None:
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    assert (URIRef(TOPIC + "telecom-fraud"), SKOS.broader, URIRef(TOPIC + "property-crime")) in scheme


def test_topic_labels_gives_zh_and_en_for_every_slug() -> None:
    labels = topic_labels()
    assert labels["drug-control"] == ("禁毒", "Drug control")
    assert set(labels) == set(load_topic_keywords())


def test_importing_the_module_does_not_import_rdflib() -> None:
    code = "import sys, loaders.topics; loaders.topics.find_topics('禁毒'); print('rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
