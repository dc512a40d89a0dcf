"""Numbering: hierarchy, keys as written, list restarts, headings, bodies."""

from __future__ import annotations

from loaders import parse_document


def keys(text: str) -> list[str]:
    return [m.key for m in parse_document(text).measures]


def test_four_levels_nest_and_keys_keep_the_files_brackets() -> None:
    text = "一、总则\n（一）组织\n1、巡逻\n（1）白天巡逻。\n（2）夜间巡逻。\n2.值守。\n二、保障\n(一)经费。\n"
    assert keys(text) == ["一（一）1、（1）", "一（一）1、（2）", "一（一）2.", "二(一)"]


def test_a_second_list_in_a_section_is_named_by_its_introduction() -> None:
    text = (
        "一、步骤\n(一)准备阶段。做好准备。\n(二)实施阶段。抓好实施。\n"
        "  重点开展以下活动:\n(一)召开会议。通报情况。\n(二)组织检查。检查考核。\n"
    )
    doc = parse_document(text)
    assert [m.key for m in doc.measures] == ["一(一)", "一(二)", "一·活动(一)", "一·活动(二)"]
    assert "以下活动" not in doc.measures[1].text


def test_a_restart_without_introduction_is_numbered() -> None:
    text = "一、步骤\n(一)甲。甲事。\n(二)乙。乙事。\n(一)丙。丙事。\n"
    assert keys(text) == ["一(一)", "一(二)", "一·2(一)"]


def test_numbers_out_of_sequence_are_running_text() -> None:
    # PDF wrapping can put a bracketed number at a line start inside a sentence.
    text = "一、任务\n（一）加强管理\n依照法律第\n（五）项的规定执行。\n（二）严格执法\n依法办事。\n"
    doc = parse_document(text)
    assert [m.key for m in doc.measures] == ["一（一）", "一（二）"]
    assert "（五）项的规定" in doc.measures[0].text


def test_second_level_numbered_across_sections_drops_the_section_from_keys() -> None:
    text = "一、甲\n（一）子一\n1、事一。\n二、乙\n（二）子二\n2、事二。\n"
    assert keys(text) == ["（一）1、", "（二）2、"]


def test_own_line_heading_and_inline_heading() -> None:
    own = parse_document("一、任务\n（一）加强巡逻\n每天巡逻两次。\n（二）加强值守\n昼夜值守。\n")
    assert [(m.heading, m.text) for m in own.measures] == [("加强巡逻", "每天巡逻两次。"), ("加强值守", "昼夜值守。")]
    inline = parse_document("一、任务\n(一)加强巡逻。每天巡逻两次。\n(二)加强值守。昼夜值守。\n")
    assert [m.heading for m in inline.measures] == ["加强巡逻", "加强值守"]
    assert inline.measures[0].text == "加强巡逻。每天巡逻两次。"


def test_prose_items_have_no_heading() -> None:
    text = (
        "一、任务\n1、根据人口密度、治安状况和地理位置等因素，科学划分巡逻区域，优化防控力量布局。其他。\n"
        "2、加强公共交通安保工作，强化人防、物防、技防建设和日常管理，按照原则推进。其他。\n"
    )
    assert [m.heading for m in parse_document(text).measures] == [None, None]


def test_top_level_sections_are_not_measures_but_a_flat_list_is() -> None:
    assert keys("一、指导思想\n坚持原则。\n二、任务\n（一）巡逻。每天。\n") == ["二（一）"]
    assert keys("一、加强巡逻。每天巡逻。\n二、加强值守。昼夜值守。\n") == ["一", "二"]


def test_preamble_items_are_not_measures() -> None:
    text = "一、总体要求\n（一）指导思想。\n坚持原则。\n（二）目标任务。\n达到目标。\n二、任务\n（三）巡逻。每天。\n"
    assert keys(text) == ["（三）"]


def test_text_without_numbering_has_no_measures() -> None:
    assert parse_document("这是一段没有编号的文字。\n第二段。").measures == []
