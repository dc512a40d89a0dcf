"""Responsibility labels: shapes, roles and bases."""

from __future__ import annotations

from loaders import parse_document
from loaders.model import Assignment


def assignments(body: str, head: str = "聊城市社会治安综合治理委员会关于平安建设的实施意见\n") -> list[Assignment]:
    doc = parse_document(f"{head}一、任务\n（一）加强巡逻。{body}\n")
    (measure,) = doc.measures
    return measure.assignments


def roles(body: str) -> list[tuple[str, str, str]]:
    return [(a.as_written, a.role, a.basis) for a in assignments(body)]


def test_first_listed_leads_the_rest_are_co_and_collectives_implement() -> None:
    assert roles("每天巡逻。（责任单位：市公安局、市司法局，各县市区）") == [
        ("市公安局", "lead", "first-listed"),
        ("市司法局", "co", "first-listed"),
        ("各县市区", "implement", "first-listed"),
    ]


def test_lead_and_partner_labels_are_explicit() -> None:
    assert roles("每天巡逻。牵头单位：市公安局；配合单位：市司法局、市民政局") == [
        ("市公安局", "lead", "explicit"),
        ("市司法局", "co", "explicit"),
        ("市民政局", "co", "explicit"),
    ]


def test_lead_label_then_responsibility_list_on_another_line() -> None:
    assert roles("每天巡逻。\n牵头单位：市公安局\n责任单位：市司法局、市民政局") == [
        ("市公安局", "lead", "explicit"),
        ("市司法局", "co", "first-listed"),
        ("市民政局", "co", "first-listed"),
    ]


def test_role_verbs_inside_a_label_and_in_a_closing_note() -> None:
    assert roles("每天巡逻。（责任单位：市公安局牵头，市司法局配合）") == [
        ("市公安局", "lead", "explicit"),
        ("市司法局", "co", "explicit"),
    ]
    assert roles("每天巡逻。\n（市委政法委指导，各区县具体实施）") == [
        ("市委政法委", "guide", "explicit"),
        ("各区县", "implement", "explicit"),
    ]
    assert roles("每天巡逻。（责任单位：市公安局（牵头）、市司法局）") == [
        ("市公安局", "lead", "explicit"),
        ("市司法局", "co", "first-listed"),
    ]


def test_collective_prefix_distributes_over_party_committee_and_government() -> None:
    found = assignments("每天巡逻。责任单位：市公安局、各级党委、政府。")
    assert [(a.as_written, a.agency, a.role) for a in found] == [
        ("市公安局", "聊城市公安局", "lead"),
        ("各级党委", "聊城市各级党委", "implement"),
        ("各级政府", "聊城市各级政府", "implement"),
    ]


def test_the_each_of_a_collective_distributes_over_the_levels_listed_after_it() -> None:
    # 各区、县(市): each district and each county (city), as Shenyang's plans write their lower levels; the
    # county level is not one body named 县(市) sharing the measures as a co-responsible agency
    found = assignments("每天巡逻。（责任单位：市公安局，各区、县(市)）")
    assert [(a.as_written, a.agency, a.role) for a in found] == [
        ("市公安局", "聊城市公安局", "lead"),
        ("各区", "聊城市各区", "implement"),
        ("各县(市)", "聊城市各县(市)", "implement"),
    ]
    assert roles("每天巡逻。（责任单位：市公安局、各市、县（区））")[1:] == [
        ("各市", "implement", "first-listed"), ("各县（区）", "implement", "first-listed")]
    # only a bare run of levels takes the 各: a body after a collective stays itself
    assert roles("每天巡逻。（责任单位：各区、市公安局）") == [
        ("各区", "implement", "first-listed"), ("市公安局", "lead", "first-listed")]


def test_a_label_word_without_colon_is_running_text() -> None:
    assert assignments("必须落实管控责任单位、落实管控责任人。") == []
    # running text still names actors, but as inline ones (tests/loaders/test_inline_actors.py)
    assert roles("公安机关要加强巡逻。") == [("公安机关", "lead", "inline")]


def test_a_bracketed_aside_is_not_a_label() -> None:
    assert assignments("每年开展（配合）的专项行动。\n（城中村、城乡结合部等）") == []


def test_quote_and_line_of_a_label_spanning_lines() -> None:
    (first, second) = assignments("每天巡逻。\n（责任单位：市公安局、市信\n\n访局）")
    assert second.as_written == "市信访局"
    assert first.quote == second.quote == "（责任单位：市公安局、市信\n\n访局）"
    assert first.line == 4
