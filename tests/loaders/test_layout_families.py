"""Each layout family of the development corpus, read from the real texts copied into tests/data/corpus_dev:
the facts a user of the graph relies on — who leads which item, what is a target, what is a result and whose."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

import loaders
from loaders import parse_document
from loaders.model import Document, Measure

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus_dev" / "docs"


@cache
def doc(prefix: str) -> Document:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return loaders.read(path)


def text(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def measure(document: Document, starts: str) -> Measure:
    """The measure whose text (blanks and cell bars aside) holds ``starts``."""
    squashed = starts.replace(" ", "")
    (found,) = [m for m in document.measures if squashed in "".join(m.text.split()).replace("|", "")]
    return found


def who(m: Measure) -> list[tuple[str, str]]:
    return [(a.as_written, a.role) for a in m.assignments]


# ── task tables flattened to text, in the three shapes ────────────────────────────────────────────


def test_a_table_of_one_cell_a_line_gives_one_measure_a_row_with_its_unit_goal_and_figures() -> None:
    d = doc("07")  # Traditional, pinyin glosses inside the names, " |" after every cell
    assert [m.key for m in d.measures][:9] == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    first = measure(d, "精準(zhǔn)扶貧")
    assert first.heading == "精准扶贫:农村饮用水安全巩固提升"  # read in Simplified, the gloss left out
    assert [(a.as_written, a.agency, a.role) for a in first.assignments] == [
        ("農(nóng)林水務(wù)局", "岳阳楼区农林水务局", "lead")]  # as written, and placed in the district
    assert [(t.value, t.unit, t.comparator) for t in first.targets] == [(1300, "人", ">=")]
    # the progress cells are statistics of the row's unit, the bare 700 counted in the goal's unit
    figures = {(o.value, o.unit, o.agency) for o in d.reports}
    assert {(700, "人", "岳阳楼区农林水务局"), (54, "%", "岳阳楼区农林水务局")} <= figures
    # row 9 holds three sub-rows and two units: both lead, each figure is its own unit's
    ninth = measure(d, "深化機(jī)關(guān)")
    assert who(ninth) == [("區(qū)人社局", "lead"), ("區(qū)民政局", "lead")]
    assert {(t.value, t.unit) for t in ninth.targets} >= {(6300, "人"), (300, "元/人"), (140, "元/人")}
    assert (300.1, "元/月", "岳阳楼区民政局") in figures
    assert (7965, "万", "岳阳楼区人力资源和社会保障局") in figures


def test_a_table_of_one_row_a_line_with_a_wrapped_header_and_shifted_cells() -> None:
    d = doc("08")
    assert len(d.measures) == 14 and d.jurisdiction == "岳阳楼区"
    fifth = measure(d, "提高城乡低保标准和救助水")
    assert who(fifth) == [("区民政局", "lead")]
    assert {(t.value, t.unit) for t in fifth.targets} == {(3480, "元/年"), (185, "元/月")}
    figures = {(o.value, o.unit, o.agency) for o in d.reports}
    # a row with no completion figure shifts its note left: its figures are still the unit's
    assert {(3600, "元/年", "岳阳楼区民政局"), (211.7, "元/月", "岳阳楼区民政局")} <= figures
    assert (350, "户", "岳阳楼区棚改办") in figures  # …目前已经完成350户签约 in a note
    assert not any(o.value == 1835 for o in d.reports)  # …1835户居民生活污水将全部纳入: a plan, no result
    # the district's own stem names its bodies: 岳阳楼公安分局 is the district's
    assert {a.agency for a in measure(d, "推行“一村一辅警”全覆盖").assignments} == {"岳阳楼区公安分局"}


def test_a_table_with_blank_lines_between_cells_keeps_people_out_and_reads_multi_line_units() -> None:
    d = doc("12")
    first = measure(d, "地区生产总值达到678亿")
    names = [a.as_written for a in first.assignments]
    assert names[0] == "区发改局" and first.assignments[0].role == "lead"
    # the 相关单位 cell runs over five lines; its note in brackets is no part of a name
    assert names[1:9] == ["区统计局", "区财政局", "区商务粮食局", "区工信局", "区农林水务局", "区房产分局", "区交建局",
                          "区金融办"]
    assert all(a.role == "co" for a in first.assignments[1:9])
    everyone = {a.as_written for m in d.measures for a in m.assignments}
    assert not everyone & {"徐平", "陈曦", "徐铭喜", "杨大明", "方正春", "王勇", "沈为庆", "杨林立", "相关各单位"}
    assert {(t.value, t.unit) for t in first.targets} == {(678, "亿元"), (9.5, "%")}
    assert (121.9, "亿元", "区发改局") in {(o.value, o.unit, o.as_written) for o in d.reports}


def test_a_table_with_every_cell_on_one_line() -> None:
    # the header and rows of 08, as an extraction that loses every line break leaves them
    header, more, *rows = [line for line in text("08").split("\n") if line.strip()][1:6]
    one_line = "岳阳楼区重点民生实事项目完成情况\n" + " | ".join(
        cell.strip() for line in (header, more, *rows) for cell in line.split("|") if cell.strip()) + "\n"
    d = parse_document(one_line)
    assert [(m.key, who(m)) for m in d.measures] == [
        ("1", [("区人社局", "lead")]), ("2", [("区教育局", "lead")]), ("3", [("区卫健局", "lead")])]
    assert [(t.value, t.unit) for t in d.measures[0].targets] == [(8950, "人")]


# ── department duty lists and regulations ─────────────────────────────────────────────────────────


def test_a_department_heading_leads_the_numbered_items_below_it() -> None:
    d = doc("02")  # a page that starts inside a department's list
    assert [m.key for m in d.measures][:2] == ["2.", "3."]
    assert [who(m) for m in d.measures[:2]] == [[], []]  # their heading is on the previous page
    health = [m for m in d.measures if m.key.startswith("(七)")]
    assert len(health) == 6 and all(("卫生部门", "lead") in who(m) for m in health)
    assert ("教育部门", "co") in who(health[2])  # 3.协助教育部门…
    assert all(("工商部门", "lead") in who(m) for m in d.measures if m.key.startswith("(八)"))


def test_a_page_saved_as_one_line_splits_into_its_department_items() -> None:
    d = doc("03")  # [接上页] (二)公安部门。… (三)城管部门。… 五、相关要求 …, all on one line
    assert [m.key for m in d.measures] == ["(二)", "(三)", "(四)", "(五)", "五"]
    assert who(d.measures[0])[:2] == [("公安部门", "lead"), ("民政部门", "co")]
    assert who(d.measures[3]) == [("财政部门", "lead")]
    assert "定点医院" not in {a.as_written for m in d.measures for a in m.assignments}


def test_each_article_of_a_regulation_is_led_by_its_subject() -> None:
    provincial = doc("01")
    assert [(m.key, who(m)) for m in provincial.measures][:2] == [
        ("第十三条", [("省委宣传部", "lead")]), ("第十四条", [("省编委办", "lead")])]
    assert who(measure(provincial, "省监察厅参加事故的调查处")) == [("省监察厅", "lead")]
    regulation = doc("04")
    assert regulation.jurisdiction == "广东省" and [m.key for m in regulation.measures][0] == "第二十一条"
    assert who(measure(regulation, "学校、幼儿园、医院、公园")) == []  # 管理单位或者运营单位 are no agencies
    assert who(measure(regulation, "司法行政、卫生健康、民政")) == [
        ("司法行政", "lead"), ("卫生健康", "lead"), ("民政", "lead"), ("公安", "lead")]
    # a field stands for its department
    assert measure(regulation, "司法行政、卫生健康、民政").assignments[3].agency == "公安部门"
    assert who(measure(regulation, "卫生健康部门、医疗机构应")) == [("卫生健康部门", "lead"), ("公安机关", "lead")]
    telecom = who(measure(regulation, "第二十六条") if False else regulation.measures[5])
    assert ("公安机关", "lead") in telecom and ("金融监管", "co") in telecom and ("通信管理部门", "co") in telecom
    assert not any("企业" in name or "机构" == name[-2:] for name, _ in telecom)


# ── news and summaries: duties and results, per clause ─────────────────────────────────────────────


def test_news_that_assigns_duties_gives_one_measure_a_strand() -> None:
    d = doc("06")
    assert d.jurisdiction == "博白县"  # from the dateline 博白:…
    assert len(d.measures) == 6
    assert who(d.measures[0]) == [("博白县人民政府", "lead"), ("教育局", "co")]
    assert [(t.value, t.unit) for t in d.measures[0].targets] == [(13, "天")]
    assert who(d.measures[2]) == [("食品药品监管局", "lead"), ("教育", "co"), ("卫生", "co"), ("城管", "co"),
                                  ("工商", "co")]
    assert who(d.measures[4])[0] == ("县公安交警大队", "lead")
    assert d.measures[4].assignments[0].agency == "博白县公安交警大队"
    assert not d.reports  # 全面整治了…, 有效控制了…: results with no figure


def test_a_news_report_of_results_has_statistics_and_no_measures() -> None:
    d = doc("09")  # Traditional, pinyin inside words
    assert d.measures == [] and d.jurisdiction == "武平县"
    assert {(o.value, o.unit) for o in d.reports} >= {(831, "起"), (3.37, "%"), (464, "起"), (151, "名"), (51, "万元")}
    assert {o.agency for o in d.reports if o.value in (831, 464, 151)} == {"武平县公安局"}


def test_a_news_item_that_sets_targets_is_a_plan_paragraph_by_paragraph() -> None:
    d = doc("11")
    assert d.jurisdiction == "吉林省" and len(d.measures) >= 5
    assert [(t.value, t.unit) for t in d.measures[0].targets] == [(100, "天")]  # 集中100天时间
    assert [t.value for t in d.measures[3].targets] == [80, 90, 100, 90]  # targets, no actor: still a measure
    assert d.reports == []  # 完成率要达到80%以上 obliges; it reports nothing


def test_a_directive_after_results_is_a_measure_and_the_results_statistics() -> None:
    d = doc("15")
    assert d.jurisdiction is None  # 会同县 is 要会同县督查落实办 read across a verb, not the place
    (directive,) = d.measures
    assert who(directive) == [("县发改委", "lead"), ("县督查落实办", "co")]
    assert {(o.value, o.unit) for o in d.reports} >= {(26, "件"), (40, "%"), (65, "件"), (100, "%")}
    assert not any(o.unit == "日" for o in d.reports)  # 截至1031日 is a date


def test_a_work_summary_item_holds_a_target_and_a_result() -> None:
    d = doc("13")
    first = d.measures[0]
    assert who(first) == [("街道综治办", "lead"), ("各村", "lead")]
    assert [(t.value, t.unit) for t in first.targets] == [(3, "条")]  # 不少于3条: an obligation
    assert (75, "条", "街道综治办") in {(o.value, o.unit, o.as_written) for o in d.reports}  # 共计75条: a result
    assert who(d.measures[3]) == [("街道派出所", "co"), ("卫生", "co"), ("民政", "co"), ("残联", "co")]


def test_statistics_count_and_are_credited_to_the_body_the_sentence_names() -> None:
    d = doc("10")
    figures = [(o.value, o.unit, o.as_written) for o in d.reports]
    assert (10.9, "%", None) in figures and (35.01, "%", None) in figures  # 同比下降10.9%和35.01%
    assert (30, "万元", "县财政") in figures  # 县财政拨付专项经费30余万元
    assert {o.agency for o in d.reports if o.as_written == "县财政"} == {"花垣县财政部门"}
    assert (6200, "份", None) in figures  # the next paragraph does not inherit 县扫黑办
    metrics = {o.value: o.metric for o in d.reports}
    assert metrics[3] == "提醒约谈乡镇" and metrics[2] != ""  # what is counted, not a bare verb


# ── lists that share a part, page noise, places ────────────────────────────────────────────────────


def test_lists_share_a_place_and_a_body() -> None:
    d = parse_document("山西省平安建设实施方案\n一、任务\n"
                       "（一）加强巡逻。（责任单位：省公安厅、司法厅，各市、县人民政府）\n")
    assert [(a.as_written, a.agency, a.role) for a in d.measures[0].assignments] == [
        ("省公安厅", "山西省公安厅", "lead"), ("司法厅", "山西省司法厅", "co"),
        ("各市", "山西省各市人民政府", "implement"), ("各县人民政府", "山西省各县人民政府", "implement")]


def test_page_noise_is_read_out_but_quoted_as_written() -> None:
    d = doc("15")  # 关怀版 无障碍, a breadcrumb, 访问量:
    assert d.title == "关于2023年10月份民生实事项目进展情况的通报"
    d = doc("07")
    assert "(" not in d.measures[0].heading  # 精準(zhǔn)扶貧 → 精准扶贫
    assert all(q.quote in text("07") for m in d.measures for q in m.assignments)


@pytest.mark.parametrize(("prefix", "place"), [("05", None), ("06", "博白县"), ("07", "岳阳楼区"), ("10", "花垣县"),
                                               ("12", None), ("13", None), ("14", None)])
def test_a_jurisdiction_is_always_a_real_place(prefix: str, place: str | None) -> None:
    # 05 cites 《广西壮族自治区…办法》 (a book title, not its place); 13 is a street, not in the place table
    assert doc(prefix).jurisdiction == place
