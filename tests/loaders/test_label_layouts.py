"""Responsibility layouts users bring: lead/responsible lines, role notes in brackets, task tables."""

from __future__ import annotations

from loaders import parse_document
from loaders.model import Document
from loaders.tables import find_task_tables, split_cells

HEAD = "聊城市社会治安综合治理委员会关于印发2016年平安聊城建设任务分工的通知\n"


def duties(doc: Document, n: int = 0) -> list[tuple[str, str, str]]:
    return [(a.as_written, a.role, a.basis) for a in doc.measures[n].assignments]


def test_lead_line_then_responsible_line_makes_the_responsible_units_co() -> None:
    doc = parse_document(
        f"{HEAD}一、重点任务\n（一）深化矛盾纠纷排查调处。每月开展一次集中排查。\n"
        "牵头单位：市综治办\n责任单位：市信访局、市司法局\n"
    )
    assert duties(doc) == [
        ("市综治办", "lead", "explicit"),
        ("市信访局", "co", "first-listed"),
        ("市司法局", "co", "first-listed"),
    ]


def test_half_width_punctuation_reads_like_full_width() -> None:
    full = parse_document(
        f"{HEAD}一、重点任务\n（一）加强巡逻。每天巡逻。（责任单位：市公安局、市司法局，各县（市区））\n"
    )
    half = parse_document(f"{HEAD}一、重点任务\n(一)加强巡逻。每天巡逻。(责任单位:市公安局、市司法局,各县(市区))\n")
    assert duties(half) == [
        ("市公安局", "lead", "first-listed"),
        ("市司法局", "co", "first-listed"),
        ("各县(市区)", "implement", "first-listed"),
    ]
    # as_written keeps the author's brackets; the canonical agency is the same
    assert duties(full)[2][0] == "各县（市区）"
    assert [a.agency for a in full.measures[0].assignments] == [a.agency for a in half.measures[0].assignments]


def test_a_role_note_inside_a_sentence_is_explicit() -> None:
    doc = parse_document(
        f"{HEAD}一、重点任务\n（一）整治校园周边环境。开展校园周边集中整治（市教育局牵头，市公安局、市城管局配合）。\n"
    )
    assert duties(doc) == [
        ("市教育局", "lead", "explicit"),
        ("市公安局", "co", "explicit"),
        ("市城管局", "co", "explicit"),
    ]
    half = parse_document(f"{HEAD}一、重点任务\n(一)整治校园周边环境。开展集中整治(市教育局牵头,市公安局配合)。\n")
    assert duties(half) == [("市教育局", "lead", "explicit"), ("市公安局", "co", "explicit")]


TABLE = (
    f"{HEAD}"
    "各县(市区)综治委，市综治委各成员单位：\n"
    "现将2016年平安聊城建设重点任务分工印发给你们，请认真抓好落实。\n"
    "\n"
    "附件：重点任务分工表\n"
    "序号\t工作任务\t牵头单位\t配合单位\t完成时限\n"
    "1\t建立重点人员动态管控机制，管控率达到100%。\t市公安局\t市司法局、市民政局\t2016年底前\n"
    "2\t推进乡镇(街道)综治中心建设。\t市综治办\t各县(市区)\t2016年6月\n"
    "3\t加强校园周边治安整治\t市教育局（牵头）、市公安局\t\t长期坚持\n"
    "\n"
    "聊城市社会治安综合治理委员会\n"
    "2016年3月1日\n"
)


def test_split_cells_on_tabs_wide_gaps_and_pipes() -> None:
    assert [c.text for c in split_cells("1\t加强 巡逻\t市公安局")] == ["1", "加强 巡逻", "市公安局"]
    assert [c.text for c in split_cells("一    加强巡逻防控      市公安局")] == ["一", "加强巡逻防控", "市公安局"]
    assert [c.text for c in split_cells("| 1 | 加强巡逻 | 市公安局 |")] == ["1", "加强巡逻", "市公安局"]
    line = "2  推进综治中心建设  市综治办"
    assert all(line[c.start : c.end] == c.text for c in split_cells(line))


def test_find_task_tables_reads_header_and_rows() -> None:
    (table,) = find_task_tables(TABLE)
    assert table.header_line == 6
    assert table.columns == ["key", "task", "lead", "co", "deadline"]
    assert [(r.line, r.key, r.first("task").text) for r in table.rows] == [
        (7, "1", "建立重点人员动态管控机制，管控率达到100%。"),
        (8, "2", "推进乡镇(街道)综治中心建设。"),
        (9, "3", "加强校园周边治安整治"),
    ]


def test_a_document_that_is_a_table_gets_one_measure_a_row() -> None:
    doc = parse_document(TABLE)
    assert doc.kind == "plan" and doc.jurisdiction == "聊城市"
    assert [(m.key, m.line) for m in doc.measures] == [("1", 7), ("2", 8), ("3", 9)]
    first, second, third = doc.measures
    # the row as written from its task on; the deadline cell reaches the targets (below)
    assert first.text == "建立重点人员动态管控机制，管控率达到100%。\t市公安局\t市司法局、市民政局\t2016年底前"
    assert first.heading == "建立重点人员动态管控机制，管控率达到100%"  # the task cell, a title of one sentence
    assert duties(doc, 0) == [
        ("市公安局", "lead", "explicit"),
        ("市司法局", "co", "explicit"),
        ("市民政局", "co", "explicit"),
    ]
    assert [a.agency for a in first.assignments][0] == "聊城市公安局"
    assert all(a.quote in TABLE and a.line == 7 for a in first.assignments)
    assert duties(doc, 1) == [("市综治办", "lead", "explicit"), ("各县(市区)", "implement", "explicit")]
    assert duties(doc, 2) == [("市教育局", "lead", "explicit"), ("市公安局", "lead", "explicit")]
    # the deadline cell reaches the targets
    assert [(t.metric, t.value, t.deadline) for t in first.targets if t.value] == [("管控率", 100, "2016")]
    assert all(t.quote in TABLE for m in doc.measures for t in m.targets)


def test_a_responsibility_column_beside_a_lead_column_is_co() -> None:
    text = (
        f"{HEAD}"
        "序号  重点任务                牵头单位    责任单位              时间节点\n"
        "一    加强社会面巡逻防控      市公安局    市交通局、市城管局    长期坚持\n"
        "二    完善网格化服务管理      市综治办    各县(市区)            2017年6月底前\n"
    )
    doc = parse_document(text)
    assert [m.key for m in doc.measures] == ["一", "二"]
    assert duties(doc, 0) == [
        ("市公安局", "lead", "explicit"),
        ("市交通局", "co", "first-listed"),
        ("市城管局", "co", "first-listed"),
    ]


def test_an_outline_and_a_table_are_read_in_document_order() -> None:
    text = (
        f"{HEAD}"
        "一、总体要求\n"
        "（一）加强组织领导。各级综治委要把平安建设列入重要议事日程。\n"
        "（二）严格考核奖惩。责任单位：市综治办。\n"
        "二、任务分工\n"
        "序号\t具体措施\t责任单位\t完成时限\n"
        "1\t开展重点地区排查整治\t市公安局、市司法局\t2016年9月\n"
        "2\t落实社区矫正衔接\t市司法局\t2016年底前\n"
    )
    doc = parse_document(text)
    assert [m.key for m in doc.measures] == ["一（一）", "一（二）", "1", "2"]
    assert "序号" not in doc.measures[1].text
    assert duties(doc, 2) == [("市公安局", "lead", "first-listed"), ("市司法局", "co", "first-listed")]
    assert [m.id[-3:] for m in doc.measures] == ["001", "002", "003", "004"]


def test_a_slipped_row_does_not_name_a_date_as_an_agency() -> None:
    text = f"{HEAD}序号\t工作任务\t牵头单位\t配合单位\n1\t加强巡逻\t市公安局\t2016年底前\n"
    assert duties(parse_document(text)) == [("市公安局", "lead", "explicit")]
