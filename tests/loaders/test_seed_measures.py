"""The measures and duties of the seed plans match the hand-made gold."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from loader_seeds import gold, seed_path, squash

from loaders.model import Document, Measure


def by_key(doc: Document) -> dict[str, Measure]:
    return {squash(m.key): m for m in doc.measures}


def labelled(measure: Measure) -> list:
    """Assignments read from labels (inline actors are checked in test_inline_actors.py)."""
    return [a for a in measure.assignments if a.basis != "inline"]


def duties(measure: Measure) -> list[tuple[str, str]]:
    return [(squash(a.as_written), a.role) for a in labelled(measure)]


def gold_duties(gold_measure: dict) -> list[tuple[str, str]]:
    return [(squash(a["name"]), a["role"]) for a in gold_measure["agencies"]]


def test_hohhot_finds_all_twelve_measures_with_gold_agencies_and_roles(seeds: dict[str, Document]) -> None:
    measures = by_key(seeds["000"])
    expected = gold("000")["measures"]
    assert len(seeds["000"].measures) == len(expected) == 12
    for g in expected:
        assert duties(measures[squash(g["key"])]) == gold_duties(g), g["key"]


def test_liaocheng_section_two_has_gold_agencies_and_roles(seeds: dict[str, Document]) -> None:
    measures = by_key(seeds["001"])
    section_two = [g for g in gold("001")["measures"] if g["key"].startswith("二")]
    assert len(section_two) == 14
    for g in section_two:
        assert duties(measures[squash(g["key"])]) == gold_duties(g), g["key"]


@pytest.mark.parametrize("stem", ["000", "001", "002"])
def test_keys_are_the_gold_keys_in_document_order(seeds: dict[str, Document], stem: str) -> None:
    assert [squash(m.key) for m in seeds[stem].measures] == [squash(g["key"]) for g in gold(stem)["measures"]]


def test_liaocheng_second_list_in_section_three_is_named_after_its_introduction(seeds: dict[str, Document]) -> None:
    keys = [m.key for m in seeds["001"].measures]
    assert keys[18:26] == [f"三·活动({n})" for n in "一二三四五六七八"]
    # The introduction "重点组织开展好以下活动:" belongs to neither list.
    assert "以下活动" not in by_key(seeds["001"])["三(四)"].text


@pytest.mark.parametrize("stem", ["000", "001", "002"])
def test_headings_are_the_gold_headings(seeds: dict[str, Document], stem: str) -> None:
    assert [squash(m.heading) for m in seeds[stem].measures] == [squash(g["heading"]) for g in gold(stem)["measures"]]


@pytest.mark.parametrize("stem", ["000", "001", "002"])
def test_each_measure_holds_its_gold_opening_words(seeds: dict[str, Document], stem: str) -> None:
    for measure, g in zip(seeds[stem].measures, gold(stem)["measures"], strict=True):
        assert squash(g["starts_with"]) in squash((measure.heading or "") + measure.text), g["key"]


def test_a_heading_wrapped_by_pdf_extraction_is_joined(seeds: dict[str, Document]) -> None:
    measure = by_key(seeds["000"])["三(四)"]
    assert measure.heading == "继续加大对食品药品等严重危害人民生命安全的犯罪活动的打击力度"
    assert measure.text.startswith("各级政府将食品药品安全工作")


def test_section_without_numbered_items_and_preface_are_not_measures(seeds: dict[str, Document]) -> None:
    for stem in ("000", "001"):
        keys = [m.key for m in seeds[stem].measures]
        assert not any(k.startswith("一") for k in keys)
    assert not any("指导思想" in (m.heading or "") for m in seeds["002"].measures)


def test_measure_text_stops_before_the_next_section_and_the_signature(seeds: dict[str, Document]) -> None:
    hohhot = by_key(seeds["000"])
    assert "三、重点工作" not in hohhot["二(三)"].text
    assert hohhot["二(三)"].text.endswith("（责任单位：市公安局、市网信办，各旗县区）")
    assert "委员会" not in hohhot["四(三)"].text
    assert "四、检查考核" not in by_key(seeds["001"])["三·活动(八)"].text


def test_measure_text_has_pdf_line_breaks_and_page_padding_joined(seeds: dict[str, Document]) -> None:
    text = by_key(seeds["000"])["二(一)"].text
    assert "坚持“底线思维”，严打各种敌对势力渗透破坏活动，严打暴力恐怖和宗教极端犯罪" in text
    assert "敌对势力在我市树起“领袖人物”" in text  # line 46 starts with a page-break space


def test_measure_lines_point_at_the_number_marker(seeds: dict[str, Document]) -> None:
    for stem in ("000", "001", "002"):
        lines = seed_path(stem).read_text(encoding="utf-8").split("\n")
        for measure in seeds[stem].measures:
            marker = re.search(r"(?:\([^()]+\)|（[^（）]+）|\d+[、.])$", measure.key).group(0)
            assert lines[measure.line - 1].strip().startswith(marker), (stem, measure.key)
    assert [m.line for m in seeds["000"].measures[:3]] == [27, 60, 94]
    assert by_key(seeds["001"])["二(一)"].line == 12


def test_measure_ids_are_document_id_and_ordinal(seeds: dict[str, Document]) -> None:
    doc = seeds["001"]
    assert [m.id for m in doc.measures] == [f"{doc.id}-{n:03d}" for n in range(1, len(doc.measures) + 1)]


def test_hohhot_public_security_bureau_leads_six_measures(seeds: dict[str, Document]) -> None:
    led = [
        m.key
        for m in seeds["000"].measures
        for a in m.assignments
        if a.agency == "呼和浩特市公安局" and a.role == "lead"
    ]
    from_gold = [
        g["key"]
        for g in gold("000")["measures"]
        for a in g["agencies"]
        if a["name"] == "市公安局" and a["role"] == "lead"
    ]
    assert led == from_gold and len(led) == 6


def test_agency_broken_across_pdf_lines_is_joined(seeds: dict[str, Document]) -> None:
    (petition,) = [a for a in by_key(seeds["000"])["二(二)"].assignments if a.as_written == "市信访局"]
    assert petition.agency == "呼和浩特市信访局"
    assert petition.line == 90
    assert "市信\n\n访局" in petition.quote  # the quote keeps the source's own line breaks


def test_party_committee_and_government_are_two_bodies(seeds: dict[str, Document]) -> None:
    for measure in seeds["001"].measures[:14]:
        tail = [(a.as_written, a.role, a.agency) for a in labelled(measure)][-2:]
        assert tail == [
            ("各县(市区)党委", "implement", "聊城市各县(市区)党委"),
            ("各县(市区)政府", "implement", "聊城市各县(市区)政府"),
        ]


def test_roles_and_bases(seeds: dict[str, Document]) -> None:
    first = labelled(by_key(seeds["000"])["二(一)"])
    assert (first[0].as_written, first[0].role, first[0].basis) == ("市委维稳办", "lead", "first-listed")
    assert {a.basis for a in first} == {"first-listed"}
    closing = by_key(seeds["000"])["四(三)"].assignments
    assert [(a.agency, a.role, a.basis) for a in closing] == [
        ("呼和浩特市委政法委", "guide", "explicit"),
        ("呼和浩特市各旗县区", "implement", "explicit"),
    ]
    assert closing[0].quote == "（市委政法委指导，各旗县区全面开展工作）" and closing[0].line == 438


def test_agencies_are_jurisdiction_qualified(seeds: dict[str, Document]) -> None:
    names = Counter(a.agency for m in seeds["001"].measures for a in m.assignments)
    assert names["聊城市公安局"] == 11  # 市公安局 in 11 of the 14 labels
    assert "聊城军分区" in names and "省国家安全厅聊城工作站" in names and "聊城监狱" in names
    assert "共青团聊城市委" in names and "团市委" not in names
    assert "聊城市610办公室" in names
    hohhot = {a.agency for m in seeds["000"].measures for a in m.assignments}
    assert "呼和浩特市各旗县区" in hohhot and "共青团呼和浩特市委" in hohhot


@pytest.mark.parametrize("stem", ["000", "001"])
def test_quotes_are_verbatim_source_text_starting_on_their_line(seeds: dict[str, Document], stem: str) -> None:
    source = seed_path(stem).read_text(encoding="utf-8")
    lines = source.split("\n")
    squashed = squash(source)
    for measure in seeds[stem].measures:
        for a in measure.assignments:
            assert a.quote in source
            assert squash(a.quote) in squashed
            assert a.quote.split("\n")[0] in lines[a.line - 1]


def test_a_plan_without_labels_gets_only_inline_assignments(seeds: dict[str, Document]) -> None:
    assert len(seeds["002"].measures) == 94
    assert not any(labelled(m) for m in seeds["002"].measures)


def test_news_reports_have_no_measures(seeds: dict[str, Document]) -> None:
    assert seeds["003"].measures == [] and seeds["004"].measures == []
