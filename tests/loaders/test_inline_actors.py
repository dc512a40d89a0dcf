"""Inline actors: bodies named in the sentence as the ones who act (basis ``inline``)."""

from __future__ import annotations

import pytest
from loader_seeds import gold, squash

from loaders import parse_document
from loaders.inline import is_inline_agency
from loaders.model import Assignment, Document

HEAD = "辽宁省社会治安防控体系建设规划\n一、任务\n"


def inline(body: str, head: str = HEAD) -> list[Assignment]:
    doc = parse_document(f"{head}（一）加强防控。{body}\n")
    (measure,) = doc.measures
    return [a for a in measure.assignments if a.basis == "inline"]


def roles(body: str, head: str = HEAD) -> list[tuple[str, str]]:
    return [(a.as_written, a.role) for a in inline(body, head)]


def test_the_subject_of_a_duty_leads() -> None:
    assert roles("公安机关要加强实战型指挥中心建设。") == [("公安机关", "lead")]
    assert roles("各级综治部门牵头开展重点地区排查整治。") == [("各级综治部门", "lead")]
    assert roles("法院、检察院要结合审判工作，及时提出司法建议。") == [("法院", "lead"), ("检察院", "lead")]
    assert roles("公安机关、检察院、法院建立环境保护专业机构。") == [
        ("公安机关", "lead"),
        ("检察院", "lead"),
        ("法院", "lead"),
    ]


def test_a_clause_that_opens_with_fuze_gives_the_duty_to_the_body_the_clause_before_names() -> None:
    # …参加的领导小组，负责…: the second clause names no body (no character a name ends with) and still acts
    assert roles("成立由各部门参加的创建平安工作领导小组，负责统筹协调。") == [("创建平安工作领导小组", "lead")]
    assert roles("成立由各部门参加的创建平安工作领导小组，统筹协调。") == []


def test_partners_of_huitong_and_peihe_are_co() -> None:
    assert roles("省反恐办要会同相关部门，做好涉恐形势分析研判工作。") == [("省反恐办", "lead")]
    assert roles("政法综治机构要加强组织协调，会同政法机关和有关部门开展研判。会同省反恐办建立情报体系。") == [
        ("政法综治机构", "lead"),
        ("政法机关", "co"),
        ("省反恐办", "co"),
    ]
    assert roles("司法行政机关要配合公安机关做好安置帮教。") == [("司法行政机关", "lead"), ("公安机关", "co")]


def test_you_and_bao_introduce_the_actor_anywhere_in_a_clause() -> None:
    assert roles("“平安县(市区)”考核由市综治委组织，有关部门参与进行考评。") == [("市综治委", "lead")]
    assert roles("由县(市区)综治委申报，市综治委复核合格后，报市委、市政府命名。") == [
        ("县(市区)综治委", "lead"),
        ("市综治委", "lead"),
        ("市委", "lead"),
        ("市政府", "lead"),
    ]


def test_collectives_and_place_levels_act_too() -> None:
    assert roles("重要节点和敏感时期各级党委政府要派出专人开展稳控工作。") == [("各级党委政府", "lead")]
    assert roles("县(市区)、乡镇(办事处)要在辖区主要道路交界口制作标语。") == [
        ("县(市区)", "lead"),
        ("乡镇(办事处)", "lead"),
    ]
    # 各县(市区)党委、政府: the bare 政府 takes the prefix of the name before it
    assert roles("其余的由各县(市区)党委、政府命名。") == [("各县(市区)党委", "lead"), ("各县(市区)政府", "lead")]
    # 各区、县(市): the 各 carries over to the levels after it, as in a label's list
    assert [(a.as_written, a.agency) for a in inline("各区、县(市)要加强巡逻。")] == [
        ("各区", "辽宁省各区"), ("各县(市)", "辽宁省各县(市)")]
    # …but not across 及: the townships of those counties, as the gold of the Liaocheng plan has them
    assert roles("各县(市区)及所辖乡镇(办事处)也要参照市里做法。") == [("各县(市区)", "lead"), ("乡镇(办事处)", "lead")]


@pytest.mark.parametrize(
    "body",
    [
        "有关部门要加强协作。",
        "各相关职能部门要强化对实名制的监督管理。",
        "其他各有关部门要按照“谁主管谁负责”的原则承担责任。",
        "各级各部门要牢固树立以人为本的思想。",
        "各地要以重大问题为导向，适时出台地方性法规。",
        "基层组织要配合家庭搞好帮教。",
        "领导干部要分头负责予以解决。",
        "各地党政主要负责同志是平安建设的第一责任人。",
        "乡镇(街道)综治委主任应由乡镇(街道)党(工)委书记担任。",
        "每年邀请市人大代表、市政协委员进行视察。",
        "建立健全由党委、政府统一领导的工作机制。",
        "为各级党委、政府和公安机关提供有力的情报支持。",
        "检查中发现违禁物品的，应及时报告公安机关或相关管理部门。",
        "市委、市政府确定，每年财政拿出20万元作为奖励基金。",
        "加强对公交车站、地铁站、机场、火车站等重点部位的安全保卫。",
        "急事急办一批，防范控制一批。",
    ],
)
def test_generic_phrases_officials_recipients_and_things_are_not_actors(body: str) -> None:
    assert roles(body) == []


def test_an_agency_in_the_label_is_not_repeated_inline() -> None:
    found = parse_document(f"{HEAD}（一）加强防控。市公安局要尽快出台方案。责任单位：市公安局、市财政局。\n")
    (measure,) = found.measures
    assert [(a.as_written, a.basis) for a in measure.assignments] == [
        ("市公安局", "first-listed"),
        ("市财政局", "first-listed"),
    ]


def test_quote_is_the_clause_as_written_and_the_agency_is_resolved() -> None:
    head = "聊城市社会治安综合治理委员会关于平安建设的实施意见\n一、任务\n"
    text = f"{head}（一）加强考核。“平安县（市区）”考核由市综治委组织，有关部门\n参与进行考评。\n"
    (measure,) = parse_document(text).measures
    (found,) = measure.assignments
    assert found.quote == "“平安县（市区）”考核由市综治委组织"
    assert found.quote in text and found.line == 3
    assert (found.as_written, found.agency, found.basis) == ("市综治委", "聊城市综治委", "inline")


def test_the_recogniser_reads_suffixes_and_vetoes_from_data() -> None:
    assert all(map(is_inline_agency, ["省反恐办", "各级公安机关", "隐蔽战线各警种", "聊城日报社", "电台", "县(市区)"]))
    assert not any(map(is_inline_agency, ["有关部门", "重点行业场所", "工作格局", "内部", "政府", "各级各部门"]))


def _prf(found: int, expected: int, hits: int) -> tuple[float, float, float]:
    p = hits / found if found else 1.0
    r = hits / expected if expected else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@pytest.mark.parametrize("stem", ["000", "001", "002"])
def test_seed_inline_actors_match_the_gold(seeds: dict[str, Document], stem: str) -> None:
    measures = {squash(m.key): m for m in seeds[stem].measures}
    found = expected = hits = 0
    for g in gold(stem)["measures"]:
        measure = measures[squash(g["key"])]
        mine = {squash(a.as_written): a.role for a in measure.assignments if a.basis == "inline"}
        theirs = {squash(a["name"]): a["role"] for a in g.get("inline_agencies", [])}
        found, expected = found + len(mine), expected + len(theirs)
        hits += len(mine.keys() & theirs.keys())
        assert all(mine[n] == theirs[n] for n in mine.keys() & theirs.keys()), g["key"]
    assert _prf(found, expected, hits)[2] >= 0.9
