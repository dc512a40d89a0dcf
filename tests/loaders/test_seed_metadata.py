"""Title, 文号, issuer, date, jurisdiction and kind of the seeds match the gold."""

from __future__ import annotations

import pytest
from loader_seeds import STEMS, gold, seed_path, squash

from loaders.model import Document

FIELDS = ("kind", "title", "jurisdiction", "issuer", "doc_number", "date")


@pytest.mark.parametrize("stem", STEMS)
def test_metadata_matches_gold(seeds: dict[str, Document], stem: str) -> None:
    doc, expected = seeds[stem], gold(stem)
    assert {f: squash(getattr(doc, f)) for f in FIELDS} == {f: squash(expected[f]) for f in FIELDS}


def test_doc_number_written_with_a_space_is_read_without_it(seeds: dict[str, Document]) -> None:
    assert seeds["000"].doc_number == "呼综治委〔2014〕5号"
    assert seeds["000"].date == "2014"  # no date line: the year of the 文号


def test_a_cited_document_number_is_not_the_plans_own(seeds: dict[str, Document]) -> None:
    assert "聊发〔2004〕5号" in seed_path("001").read_text(encoding="utf-8")
    assert seeds["001"].doc_number is None
    assert seeds["001"].date == "2003年6月15日"


def test_document_id_is_the_file_hash_and_source_the_path_given(seeds: dict[str, Document]) -> None:
    import hashlib

    path = seed_path("000")
    assert seeds["000"].id == hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert seeds["000"].source == str(path)


def test_a_letterhead_above_the_title_is_the_issuer_and_places_the_plan() -> None:
    # an unseen layout: the issuing office on the first line, a title without a place, no signature at the end;
    # the plan is Hohhot's, so its 市公安局 is Hohhot's
    from loaders import parse_document

    plan = ("呼和浩特市平安建设领导小组办公室\n呼综治办〔2020〕3号\n关于加强平安建设的实施方案\n一、主要任务\n"
            "（一）加强巡逻防控。（责任单位：市公安局、市司法局）\n")
    doc = parse_document(plan)
    assert (doc.issuer, doc.jurisdiction, doc.title) == ("呼和浩特市平安建设领导小组办公室", "呼和浩特市",
                                                         "关于加强平安建设的实施方案")
    assert [a.agency for a in doc.measures[0].assignments] == ["呼和浩特市公安局", "呼和浩特市司法局"]
    # a signature at the end still names the issuer; a line under the title is not a letterhead
    signed = parse_document(plan + "\n聊城市综治委\n2020年3月1日\n")
    assert signed.issuer == "聊城市综治委"
    below = parse_document("关于加强平安建设的实施方案\n市综治委办公室\n一、主要任务\n（一）加强巡逻防控。\n")
    assert below.issuer is None
