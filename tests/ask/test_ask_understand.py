"""How `kg ask` reads a question: the kind chosen and its parameters, for many phrasings of each question.

Pure understanding: a vocabulary built once from the seed store, then no store at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ask import Ambiguous, NotUnderstood, Understanding, Vocabulary, fold_question, understand

HOHHOT, LIAOCHENG = "呼和浩特市", "聊城市"
POLICE_H, POLICE_L = "呼和浩特市公安局", "聊城市公安局"


@pytest.fixture(scope="session")
def vocab(seed_store: Path) -> Vocabulary:
    from kg.ask import vocabulary_from_store
    from kg.store import open_store

    with open_store(str(seed_store)) as store:
        return vocabulary_from_store(store)


def params(u: Understanding) -> dict:
    out: dict = {"kind": u.kind}
    for name in ("agencies", "role", "place", "places", "topic", "year"):
        value = getattr(u, name)
        if value:
            out[name] = value
    return out


# question → the kind and the parameters it must be read as
CASES: list[tuple[str, dict]] = [
    # measures of one agency, by role
    ("市公安局牵头哪些措施？", {"kind": "measures", "agencies": ["市公安局"], "role": "lead"}),
    ("市公安局牵头哪些措施", {"kind": "measures", "agencies": ["市公安局"], "role": "lead"}),
    ("市公安局 牵头 哪些 措施 ?", {"kind": "measures", "agencies": ["市公安局"], "role": "lead"}),
    ("市公安局牽頭哪些措施", {"kind": "measures", "agencies": ["市公安局"], "role": "lead"}),
    ("市公安局負責哪些工作？", {"kind": "measures", "agencies": ["市公安局"], "role": "lead"}),
    ("哪些措施由市公安局牵头？", {"kind": "measures", "agencies": ["市公安局"], "role": "lead"}),
    ("市公安局主抓哪些工作呢", {"kind": "measures", "agencies": ["市公安局"], "role": "lead"}),
    ("市公安局主责的任务有哪些", {"kind": "measures", "agencies": ["市公安局"], "role": "lead"}),
    ("呼和浩特市公安局牵头哪些措施", {"kind": "measures", "agencies": [POLICE_H], "role": "lead"}),
    ("呼市公安局牵头了什么", {"kind": "measures", "agencies": [POLICE_H], "role": "lead"}),
    ("呼和浩特公安局负责哪些事", {"kind": "measures", "agencies": [POLICE_H], "role": "lead"}),
    ("呼和浩特的市公安局牵头哪些措施", {"kind": "measures", "agencies": [POLICE_H], "role": "lead",
                                        "place": HOHHOT}),
    ("聊城市公安局牵头的措施有哪些？", {"kind": "measures", "agencies": [POLICE_L], "role": "lead"}),
    ("聊城公安局牵头啥", {"kind": "measures", "agencies": [POLICE_L], "role": "lead"}),
    ("聊城市综治办配合了哪些任务", {"kind": "measures", "agencies": ["聊城市综治办"], "role": "co"}),
    ("市综治办配合了哪些任务？", {"kind": "measures", "agencies": ["聊城市综治办"], "role": "co"}),
    ("聊城市综治办参与了哪些工作", {"kind": "measures", "agencies": ["聊城市综治办"], "role": "co"}),
    ("聊城市综治办协助哪些措施", {"kind": "measures", "agencies": ["聊城市综治办"], "role": "co"}),
    ("市司法局协同哪些工作", {"kind": "measures", "agencies": ["市司法局"], "role": "co"}),
    ("市委政法委指导哪些工作", {"kind": "measures", "agencies": ["市委政法委"], "role": "guide"}),
    ("市教育局落实哪些措施", {"kind": "measures", "agencies": ["市教育局"], "role": "implement"}),
    ("聊城市教育局实施了哪些措施", {"kind": "measures", "agencies": ["聊城市教育局"], "role": "implement"}),
    ("呼和浩特市司法局有哪些职责", {"kind": "measures", "agencies": ["呼和浩特市司法局"]}),
    ("呼和浩特市司法局参与哪些措施", {"kind": "measures", "agencies": ["呼和浩特市司法局"], "role": "co"}),
    # overlap of two agencies
    ("呼和浩特市公安局和市司法局在哪些工作上有交叉？",
     {"kind": "overlap", "agencies": [POLICE_H, "呼和浩特市司法局"]}),
    ("呼和浩特市公安局与市司法局有哪些重叠", {"kind": "overlap", "agencies": [POLICE_H, "呼和浩特市司法局"]}),
    ("呼市公安局跟呼市司法局共同负责哪些措施", {"kind": "overlap", "agencies": [POLICE_H, "呼和浩特市司法局"]}),
    ("市司法局和呼和浩特市公安局都参与了哪些工作",
     {"kind": "overlap", "agencies": ["呼和浩特市司法局", POLICE_H]}),
    ("呼和浩特的市公安局和市司法局一起做了哪些工作",
     {"kind": "overlap", "agencies": [POLICE_H, "呼和浩特市司法局"], "place": HOHHOT}),
    ("聊城市公安局和市综治办在哪些方面合作", {"kind": "overlap", "agencies": [POLICE_L, "聊城市综治办"]}),
    # punctuation is dropped, so 聊城：市公安局 reads as the one name 聊城市公安局
    ("聊城：市公安局、市司法局交叉的措施", {"kind": "overlap", "agencies": [POLICE_L, "聊城市司法局"]}),
    # measures without a lead
    ("哪些措施没有牵头单位", {"kind": "gaps"}),
    ("哪些措施没有牵头单位？", {"kind": "gaps"}),
    ("没有牵头部门的措施有哪些", {"kind": "gaps"}),
    ("缺少牵头单位的任务", {"kind": "gaps"}),
    ("哪些工作无人牵头", {"kind": "gaps"}),
    ("哪些措施缺乏牵头部门?", {"kind": "gaps"}),
    ("呼和浩特哪些措施没有牵头单位", {"kind": "gaps", "place": HOHHOT}),
    ("呼市没有牵头单位的措施", {"kind": "gaps", "place": HOHHOT}),
    ("聊城市有哪些工作没有明确牵头单位", {"kind": "gaps", "place": LIAOCHENG}),
    ("哪些措施沒有牽頭單位", {"kind": "gaps"}),
    # targets due by a year
    ("2020年前要完成哪些指标？", {"kind": "targets", "year": 2020}),
    ("2020年之前要完成哪些指标", {"kind": "targets", "year": 2020}),
    ("到2020年要完成哪些指标", {"kind": "targets", "year": 2020}),
    ("截至2020年有哪些目标", {"kind": "targets", "year": 2020}),
    ("2015年底前要达到哪些指标", {"kind": "targets", "year": 2015}),
    ("二〇一五年以前需要完成的目标", {"kind": "targets", "year": 2015}),
    ("２０２０年前要完成哪些指標？", {"kind": "targets", "year": 2020}),
    ("呼和浩特2015年前的指标", {"kind": "targets", "year": 2015, "place": HOHHOT}),
    ("市公安局有哪些指标", {"kind": "targets", "agencies": ["市公安局"]}),
    ("禁毒工作有哪些量化目标", {"kind": "targets", "topic": "禁毒"}),
    ("有哪些考核指标", {"kind": "targets"}),
    # outcomes
    ("呼市公安局2023年报告了哪些成效", {"kind": "outcomes", "agencies": [POLICE_H], "year": 2023}),
    ("呼和浩特市公安局2023年取得了哪些成绩？", {"kind": "outcomes", "agencies": [POLICE_H], "year": 2023}),
    ("2023年呼和浩特公安局的成果", {"kind": "outcomes", "agencies": [POLICE_H], "year": 2023}),
    ("呼市公安局报告了哪些成效", {"kind": "outcomes", "agencies": [POLICE_H]}),
    ("电信诈骗方面取得了哪些成效", {"kind": "outcomes", "topic": "电信诈骗"}),
    ("呼和浩特报告了哪些成绩", {"kind": "outcomes", "place": HOHHOT}),
    ("呼市公安局2023年報告了哪些成效", {"kind": "outcomes", "agencies": [POLICE_H], "year": 2023}),
    # who carries a topic
    ("禁毒工作由哪些部门负责", {"kind": "track", "topic": "禁毒"}),
    ("禁毒由哪个部门牵头？", {"kind": "track", "topic": "禁毒"}),
    ("谁负责禁毒工作", {"kind": "track", "topic": "禁毒"}),
    ("戒毒工作谁来抓", {"kind": "track", "topic": "禁毒"}),
    ("呼和浩特的禁毒工作由哪些单位负责", {"kind": "track", "topic": "禁毒", "place": HOHHOT}),
    ("电信网络诈骗由哪些部门负责", {"kind": "track", "topic": "电信诈骗"}),
    ("校园安全哪些部门参与", {"kind": "track", "topic": "校园安全"}),
    ("禁毒工作由哪些部門負責", {"kind": "track", "topic": "禁毒"}),
    ("禁毒", {"kind": "track", "topic": "禁毒"}),
    ("drug control由谁负责", {"kind": "track", "topic": "禁毒"}),
    # two places compared
    ("呼和浩特和聊城在校园安全上的分工有什么不同",
     {"kind": "compare", "places": [HOHHOT, LIAOCHENG], "topic": "校园安全"}),
    ("呼市和聊城市校园安全分工对比", {"kind": "compare", "places": [HOHHOT, LIAOCHENG], "topic": "校园安全"}),
    ("比较呼和浩特市与聊城市的禁毒工作", {"kind": "compare", "places": [HOHHOT, LIAOCHENG], "topic": "禁毒"}),
    ("聊城和呼和浩特有什么区别", {"kind": "compare", "places": [LIAOCHENG, HOHHOT]}),
    ("呼和浩特和聊城在学校安全方面的差异", {"kind": "compare", "places": [HOHHOT, LIAOCHENG], "topic": "校园安全"}),
    ("呼和浩特和聊城的禁毒工作分别由哪些部门负责",
     {"kind": "compare", "places": [HOHHOT, LIAOCHENG], "topic": "禁毒"}),
]


def test_there_are_at_least_sixty_phrasings_covering_every_kind() -> None:
    assert len({q for q, _ in CASES}) == len(CASES) >= 60
    assert {p["kind"] for _, p in CASES} == {"measures", "overlap", "gaps", "targets", "outcomes", "track",
                                             "compare"}


@pytest.mark.parametrize(("question", "expected"), CASES, ids=[q for q, _ in CASES])
def test_question_is_understood(vocab: Vocabulary, question: str, expected: dict) -> None:
    assert params(understand(question, vocab)) == expected


def test_a_written_form_of_several_agencies_is_answered_for_each_with_the_names_listed(vocab: Vocabulary) -> None:
    u = understand("市公安局牵头哪些措施？", vocab)
    assert u.matched == [[POLICE_H, POLICE_L]]
    assert u.command() == ["measures", "--agency", "市公安局", "--role", "lead"]
    assert "呼和浩特市公安局、聊城市公安局" in u.describe()


def test_the_understanding_line_names_kind_and_parameters(vocab: Vocabulary) -> None:
    line = understand("呼市公安局2023年报告了哪些成效", vocab).describe()
    assert "outcomes" in line and POLICE_H in line and "2023" in line
    line = understand("呼和浩特和聊城在校园安全上的分工有什么不同", vocab).describe()
    assert "kg compare 呼和浩特市 聊城市 --topic 校园安全" in line


def test_longest_name_wins(vocab: Vocabulary) -> None:
    u = understand("呼和浩特市公安局牵头哪些措施", vocab)
    assert u.agencies == [POLICE_H] and u.place is None


def test_folding() -> None:
    assert fold_question("市公安局牽頭哪些措施？") == "市公安局牵头哪些措施"
    assert fold_question("二〇二〇年 底前！") == "2020年底前"


@pytest.mark.parametrize("question", [
    "今天天气怎么样", "市公安局局长是谁", "谁的预算最多", "市公安局的电话是多少", "你好", "", "？？？",
    "市公安局", "呼和浩特", "市交警支队牵头哪些措施", "市公安局在禁毒工作上牵头哪些措施",
    "市公安局2014年牵头哪些措施", "市公安局没有参与哪些措施", "呼和浩特市公安局和市司法局牵头哪些措施",
    "哪个部门牵头的措施最多", "为什么禁毒工作由公安局牵头", "2015年以后要完成哪些指标", "2013年以来取得了哪些成效",
    "呼市公安局和聊城市公安局的分工有什么不同", "呼市有哪些措施",
])
def test_out_of_scope_questions_are_refused_with_the_kinds_listed(vocab: Vocabulary, question: str) -> None:
    with pytest.raises(NotUnderstood) as info:
        understand(question, vocab)
    assert "kg ask answers these kinds of question" in str(info.value)
    assert "2020年前要完成哪些指标" in str(info.value)


@pytest.mark.parametrize(("question", "candidates"), [
    ("市公安局和市司法局在哪些工作上有交叉", ["呼和浩特市公安局", "聊城市公安局"]),
    ("市公安局和市司法局都参与了哪些措施", ["呼和浩特市公安局", "聊城市公安局"]),
    ("公安局牵头哪些措施", ["呼和浩特市公安局（呼和浩特市）", "聊城市公安局（聊城市）"]),
    ("呼和浩特和聊城哪些措施没有牵头单位", [HOHHOT, LIAOCHENG]),
    ("2015年到2020年要完成哪些指标", ["2015", "2020"]),
])
def test_ambiguous_names_list_the_candidates(vocab: Vocabulary, question: str, candidates: list[str]) -> None:
    with pytest.raises(Ambiguous) as info:
        understand(question, vocab)
    assert info.value.candidates == candidates


def test_the_vocabulary_needs_no_store() -> None:
    vocab = Vocabulary.build([("甲市公安局", "甲市", {"市公安局"})], [("甲市", {"甲"})], [("禁毒", {"戒毒"})])
    assert understand("甲公安局牵头哪些措施", vocab).agencies == ["甲市公安局"]
    assert understand("戒毒由谁负责", vocab).topic == "禁毒"
