"""One body, one canonical name: places and their short forms, aliases, user alias files, categories."""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import loaders.agencies
from loaders.agencies import (
    agency_category,
    clear_alias_files,
    load_aliases,
    parent_place,
    place_forms,
    register_alias_file,
    resolve_agency,
    resolve_place,
)
from loaders.errors import LoadError
from loaders.model import Document

PROVINCES = (
    "北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
    "河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 云南省 西藏自治区 陕西省 甘肃省 青海省 "
    "宁夏回族自治区 新疆维吾尔自治区 台湾省 香港特别行政区 澳门特别行政区"
).split()


@pytest.fixture
def no_user_aliases() -> Iterator[None]:
    clear_alias_files()
    yield
    clear_alias_files()


def agencies_of(doc: Document) -> dict[str, set[str]]:
    """canonical name → the forms the document writes it in: responsibility labels and report actors.

    Inline actors (basis ``inline``) are left out: their reader is changing; the gold's inline names are
    checked one by one in ``test_categories``.
    """
    found: dict[str, set[str]] = {}
    for measure in doc.measures:
        for a in measure.assignments:
            if a.basis != "inline":
                found.setdefault(a.agency, set()).add(a.as_written)
    for outcome in doc.reports:
        if outcome.agency:
            found.setdefault(outcome.agency, set()).add(outcome.as_written or outcome.agency)
    return found


# --- places -------------------------------------------------------------------------------------


def test_every_province_level_division_is_known_with_its_short_forms() -> None:
    assert all(resolve_place(p) == p for p in PROVINCES)
    assert place_forms("内蒙古自治区") == ["内蒙古自治区", "内蒙古", "蒙"]
    assert place_forms("山东省") == ["山东省", "山东", "鲁"]
    assert place_forms("新疆维吾尔自治区")[:2] == ["新疆维吾尔自治区", "新疆"]
    assert resolve_place("辽宁") == "辽宁省" and resolve_place("辽") == "辽宁省"


@pytest.mark.parametrize(
    ("written", "place", "province"),
    [
        ("呼和浩特市", "呼和浩特市", "内蒙古自治区"),
        ("呼和浩特", "呼和浩特市", "内蒙古自治区"),
        ("呼市", "呼和浩特市", "内蒙古自治区"),
        ("晋中", "晋中市", "山西省"),
        ("聊城", "聊城市", "山东省"),
        ("包头", "包头市", "内蒙古自治区"),
        ("延边", "延边朝鲜族自治州", "吉林省"),
        ("延边州", "延边朝鲜族自治州", "吉林省"),
        ("锡盟", "锡林郭勒盟", "内蒙古自治区"),
        ("大兴安岭", "大兴安岭地区", "黑龙江省"),
        ("海南州", "海南藏族自治州", "青海省"),
    ],
)
def test_prefecture_level_places_and_their_short_forms(written: str, place: str, province: str) -> None:
    assert resolve_place(written) == place
    assert parent_place(written) == province


def test_the_place_table_covers_every_prefecture_and_no_form_names_two_places() -> None:
    table = loaders.agencies._places()
    prefectures = [p for p in table.values() if p.rank == "prefecture"]
    assert len(prefectures) >= 333  # 333 prefecture-level divisions, plus historical names (莱芜市, 那曲地区)
    assert all(p.parent in PROVINCES for p in prefectures)
    forms = [f for p in table.values() for f in (p.name, *p.forms)]
    assert len(forms) == len(set(forms))
    # a short form shared by a province and a city belongs to the province
    assert resolve_place("吉林") == "吉林省" and resolve_place("海南") == "海南省"
    assert place_forms("吉林市") == ["吉林市"]


def test_a_name_that_is_no_place() -> None:
    assert resolve_place("市公安局") is None and place_forms("公安局") == [] and parent_place("辽宁省") is None


# --- resolution ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["呼市公安局", "市公安局", "呼和浩特市公安局", "呼和浩特公安局", "呼 市公安局"])
def test_hohhot_police_written_five_ways_is_one_agency(written: str) -> None:
    assert resolve_agency(written, "呼和浩特市") == "呼和浩特市公安局"


def test_the_same_written_name_in_another_city_is_another_agency() -> None:
    assert resolve_agency("市公安局", "聊城市") == "聊城市公安局"
    assert resolve_agency("呼市公安局", "聊城市") == "呼和浩特市公安局"  # an explicit place wins over the document's


@pytest.mark.parametrize(
    ("written", "jurisdiction", "canonical"),
    [
        ("自治区公安厅", "呼和浩特市", "内蒙古自治区公安厅"),  # the province's level word in a city plan
        ("省公安厅", "聊城市", "山东省公安厅"),
        ("州公安局", "延边朝鲜族自治州", "延边朝鲜族自治州公安局"),
        ("内蒙古公安厅", None, "内蒙古自治区公安厅"),
        ("吉林公安厅", None, "吉林省公安厅"),
        ("呼市委宣传部", None, "呼和浩特市委宣传部"),
        ("中央综治委", "呼和浩特市", "中央综治委"),  # no place: stays
        ("内蒙古警院", "呼和浩特市", "内蒙古警院"),  # a proper name after a short place form
        ("聊城消防支队", "聊城市", "聊城消防支队"),
        ("省国家安全厅聊城工作站", "聊城市", "省国家安全厅聊城工作站"),
        ("呼和浩特市", "呼和浩特市", "呼和浩特市"),  # a place, not an agency: the caller decides
        ("县公安局", "晋中市", "县公安局"),  # which county is not known
        ("鲁公安厅", None, "鲁公安厅"),  # one-character 简称 never start an agency name
    ],
)
def test_place_prefixes(written: str, jurisdiction: str | None, canonical: str) -> None:
    assert resolve_agency(written, jurisdiction) == canonical


@pytest.mark.parametrize(
    ("forms", "jurisdiction", "canonical"),
    [
        (["市检察院", "市人民检察院", "聊城市检察院"], "聊城市", "聊城市人民检察院"),
        (
            ["市人力资源社会保障局", "市人力资源和社会保障局", "市人社局"],
            "呼和浩特市",
            "呼和浩特市人力资源和社会保障局",
        ),
        (["市委政法委", "市委政法委员会"], "聊城市", "聊城市委政法委"),
        (["市广电局", "市广播电视局"], "聊城市", "聊城市广播电视局"),
        (["市政府", "市人民政府", "聊城市政府"], "聊城市", "聊城市人民政府"),
        (["团市委", "共青团聊城市委"], "聊城市", "共青团聊城市委"),
        (["市中院", "市中级法院", "市中级人民法院"], "聊城市", "聊城市中级人民法院"),
    ],
)
def test_one_body_written_several_ways_has_one_name(forms: list[str], jurisdiction: str, canonical: str) -> None:
    assert {resolve_agency(f, jurisdiction) for f in forms} == {canonical}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("市法院", "市中级人民法院"),
        ("市综治办", "市委综治办"),
        ("市公安局", "市公安处"),
        ("市维稳办", "市委维稳办"),
        ("市610办公室", "市委防范办"),
        ("市人事局", "市人力资源和社会保障局"),
    ],
)
def test_bodies_that_differ_stay_apart(a: str, b: str) -> None:
    assert resolve_agency(a, "聊城市") != resolve_agency(b, "聊城市")


def test_seed_001_writes_the_procuratorate_two_ways_and_gets_one_agency(seeds: dict[str, Document]) -> None:
    liaocheng = agencies_of(seeds["001"])
    assert liaocheng["聊城市人民检察院"] == {"市检察院", "市人民检察院"}
    assert liaocheng["聊城市广播电视局"] == {"市广电局", "市广播电视局"}
    assert liaocheng["聊城市中级人民法院"] == {"市中级人民法院"}
    assert "聊城市检察院" not in liaocheng


def test_the_2023_report_and_the_2014_plan_name_one_hohhot_police(seeds: dict[str, Document]) -> None:
    plan, report = agencies_of(seeds["000"]), agencies_of(seeds["003"])
    assert plan["呼和浩特市公安局"] == {"市公安局"}
    assert report["呼和浩特市公安局"] == {"呼市公安局"}
    assert "呼市公安局" not in report
    # a place and a proper name are passed through for the caller to judge
    assert {"呼和浩特市", "内蒙古警院"} <= set(report)
    assert seeds["003"].jurisdiction == "呼和浩特市"


def test_the_hohhot_court_is_not_the_liaocheng_intermediate_court(seeds: dict[str, Document]) -> None:
    assert "呼和浩特市人民法院" in agencies_of(seeds["000"])
    assert "呼和浩特市中级人民法院" not in agencies_of(seeds["000"])


# --- user alias files ---------------------------------------------------------------------------


def test_a_user_alias_file_merges_two_names(tmp_path: Path, no_user_aliases: None) -> None:
    assert resolve_agency("市计生委", "聊城市") != resolve_agency("市人口和计划生育委员会", "聊城市")
    path = tmp_path / "mine.tsv"
    path.write_text(
        "# my merges\n{place}计生委\t{place}人口和计划生育委员会\n聊城市经贸委\t聊城市经济委员会\n", encoding="utf-8"
    )
    assert load_aliases(path) == [
        ("{place}计生委", "{place}人口和计划生育委员会"),
        ("聊城市经贸委", "聊城市经济委员会"),
    ]
    register_alias_file(path)
    assert resolve_agency("市计生委", "聊城市") == "聊城市人口和计划生育委员会"
    assert resolve_agency("市人口和计划生育委员会", "聊城市") == "聊城市人口和计划生育委员会"
    # a user row wins over the shipped one (经贸委 → 经济贸易委员会) for the name it gives
    assert resolve_agency("市经贸委", "聊城市") == "聊城市经济委员会"
    clear_alias_files()
    assert resolve_agency("市计生委", "聊城市") == "聊城市计生委"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("只有一列\n", "two columns"),
        ("{place}甲\t乙\n", "{place}"),
        ("{place}甲\t{place}乙\n{place}乙\t{place}甲\n", "circle"),
    ],
)
def test_a_bad_alias_file_is_one_clear_error(tmp_path: Path, no_user_aliases: None, text: str, reason: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=reason):
        register_alias_file(path)
    assert resolve_agency("市检察院", "聊城市") == "聊城市人民检察院"  # the bad file was not kept


def test_a_missing_alias_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read alias file"):
        load_aliases(tmp_path / "nowhere.tsv")


# --- idempotence --------------------------------------------------------------------------------

NAME_PARTS = st.sampled_from(
    "市 省 自治区 州 县 区 旗 委 团 各 公安局 公安厅 检察院 人民 法院 中级 政法委 员会 政府 办公室 军分区 监狱 "
    "呼和浩特 呼市 聊城 内蒙古 吉林 海南 延边 晋 鲁 ( ) （ ） 、 等 610 X".split()
)
JURISDICTIONS = st.sampled_from(
    [None, "", "呼和浩特市", "聊城市", "辽宁省", "晋中市", "内蒙古自治区", "延边朝鲜族自治州"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(NAME_PARTS, max_size=6).map("".join) | st.text(max_size=12), JURISDICTIONS | st.text(max_size=6))
def test_resolving_is_idempotent_and_never_fails(name: str, jurisdiction: str | None) -> None:
    once = resolve_agency(name, jurisdiction)
    assert resolve_agency(once, jurisdiction) == once
    assert isinstance(agency_category(once), str)


# --- categories ---------------------------------------------------------------------------------

SEED_CATEGORIES = {
    "共青团呼和浩特市委": "群团",
    "共青团聊城市委": "群团",
    "内蒙古警院": "公安",  # ※ the region's police college
    "呼和浩特市": "地方党政",  # ※ a place as the actor of a report
    "呼和浩特市人力资源和社会保障局": "政府部门",
    "呼和浩特市人民检察院": "检察",
    "呼和浩特市人民法院": "审判",
    "呼和浩特市信访局": "政府部门",
    "呼和浩特市公安局": "公安",
    "呼和浩特市卫生局": "政府部门",
    "呼和浩特市司法局": "司法行政",
    "呼和浩特市各旗县区": "下级地方",
    "呼和浩特市国家安全局": "国家安全",
    "呼和浩特市妇联": "群团",
    "呼和浩特市委政法委": "党委部门",
    "呼和浩特市委维稳办": "党委部门",
    "呼和浩特市委防范办": "党委部门",
    "呼和浩特市工商行政管理局": "政府部门",
    "呼和浩特市教育局": "政府部门",
    "呼和浩特市民委": "政府部门",
    "呼和浩特市民政局": "政府部门",
    "呼和浩特市网信办": "党委部门",
    "呼和浩特市食品药品监督管理局": "政府部门",
    "省国家安全厅聊城工作站": "国家安全",
    "聊城军分区": "军队",
    "聊城市610办公室": "党委部门",
    "聊城市中级人民法院": "审判",
    "聊城市交通局": "政府部门",
    "聊城市人事局": "政府部门",
    "聊城市人民检察院": "检察",
    "聊城市信访局": "政府部门",
    "聊城市公安局": "公安",
    "聊城市公路局": "政府部门",
    "聊城市劳动和社会保障局": "政府部门",
    "聊城市卫生防疫站": "事业单位",
    "聊城市司法局": "司法行政",
    "聊城市各县(市区)党委": "下级地方",
    "聊城市各县(市区)政府": "下级地方",
    "聊城市妇联": "群团",
    "聊城市委办公室": "党委部门",
    "聊城市委宣传部": "党委部门",
    "聊城市委政法委": "党委部门",
    "聊城市委组织部": "党委部门",
    "聊城市安全生产监督管理局": "政府部门",
    "聊城市工商行政管理局": "政府部门",
    "聊城市广播电视局": "政府部门",
    "聊城市建委": "政府部门",
    "聊城市总工会": "群团",
    "聊城市人民政府办公室": "政府部门",
    "聊城市教育局": "政府部门",
    "聊城市文化局": "政府部门",
    "聊城市民族宗教事务局": "政府部门",
    "聊城市民政局": "政府部门",
    "聊城市油区办": "政府部门",
    "聊城市环境保护局": "政府部门",
    "聊城市移动公司": "企业",
    "聊城市经济贸易委员会": "政府部门",
    "聊城市综治办": "党委部门",  # ※ 综治 is a party-side body
    "聊城市网通公司": "企业",
    "聊城市联通公司": "企业",
    "聊城市计生委": "政府部门",
    "聊城市财政局": "政府部门",
    "聊城消防支队": "公安",  # ※ 公安消防 before 2018
    "聊城监狱": "司法行政",
}


def test_every_seed_agency_has_its_category(seeds: dict[str, Document]) -> None:
    found = {name for doc in seeds.values() for name in agencies_of(doc)}
    assert found == set(SEED_CATEGORIES)
    assert {name: agency_category(name) for name in found} == SEED_CATEGORIES
    assert "其他" not in {agency_category(name) for name in found}


@pytest.mark.parametrize(
    ("name", "category"),
    [
        # bodies the seeds name inline (gold), as written
        ("各级司法行政机关", "司法行政"),
        ("各级安帮办", "司法行政"),
        ("各级政府", "下级地方"),
        ("市综治委", "党委部门"),
        ("隐蔽战线各警种", "国家安全"),
        ("乡镇(办事处)", "下级地方"),
        ("创建平安工作领导小组", "党委部门"),
        ("县(市区)", "下级地方"),
        ("各级党委政府", "下级地方"),
        ("市委", "地方党政"),
        ("市政府", "地方党政"),
        ("政法部门", "政法综合"),
        ("电信部门", "企业"),
        ("通信管理部门", "政府部门"),
        ("聊城日报社", "媒体"),
        ("聊城电视台", "媒体"),
        ("上级公安机关", "公安"),
        ("国家安全机关", "国家安全"),
        ("省反恐办", "公安"),
        ("检察院", "检察"),
        ("法院", "审判"),
        # the 2018 reforms
        ("呼和浩特市消防救援支队", "应急"),
        ("呼和浩特市应急管理局", "应急"),
        ("内蒙古自治区人大常委会", "人大/政协"),
        ("中共聊城市委", "地方党政"),
        ("武警聊城支队", "军队"),
        ("中央综治委", "党委部门"),
        ("某某", "其他"),
    ],
)
def test_categories(name: str, category: str) -> None:
    assert agency_category(name) == category


def test_docstring_examples_run() -> None:
    failed, _ = doctest.testmod(loaders.agencies)
    assert failed == 0


def test_tables_load_on_first_use_not_on_import() -> None:
    import subprocess
    import sys

    code = (
        "import sys, loaders.agencies as a\n"
        "heavy = {'rdflib', 'networkx', 'pyvis', 'neo4j', 'pypdfium2', 'lxml'} & set(sys.modules)\n"
        "print(sorted(heavy), a._places.cache_info().currsize, a._aliases.cache_info().currsize)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.split() == ["[]", "0", "0"]
