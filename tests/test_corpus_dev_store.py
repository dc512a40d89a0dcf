"""The store built from the development corpus and the seeds: every agency is a real agency, every jurisdiction a
real place, the graph conforms to the shapes, and a document no reader understands says so.

The checks of an agency's shape here are the test's own (a body noun at the end; no clause, person, date or
level word taken for a place), not the loaders' agency_problem, so the two can disagree and fail."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from loaders.agencies import resolve_place

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS / "data" / "corpus_dev" / "docs"
SEEDS = TESTS.parent / "samples" / "seeds"

# What every agency name ends with: a body noun (or a collective level, or a place acting as a body).
BODY = re.compile(
    r"(?:局|委|办|厅|院|部|部门|中心|政府|机关|机构|组织|协会|委员会|办公室|联|会|站|队|所|署|社|台|处|公司|组|警种|"
    r"党委|党政|工会|妇联|残联|科协|军分区|监狱|支队|大队|领导小组|工作组|[县区市乡镇村旗](?:\([^()]*\))?|街道办事处|"
    r"综治委\(办\)|乡镇\(办事处\))$"
)
CLAUSE_CHARS = set("的要对将把在是由了被给")  # never inside a body's name
SURNAMES = set("徐陈杨方王沈张李刘赵黄周吴")  # the people of 12's 责任领导/责任人 columns and common ones
PEOPLE = {"徐平", "陈曦", "徐铭喜", "杨大明", "方正春", "王勇", "沈为庆", "杨林立"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus-dev")
    docs = root / "docs"
    docs.mkdir()
    for path in [*CORPUS.glob("*.txt"), *SEEDS.glob("*.txt")]:
        shutil.copy(path, docs / path.name)
    result = CliRunner().invoke(cli, ["build", str(docs), "--store", str(root / "store")])
    assert result.exit_code == 0, result.output
    return root / "store"


def ask(store: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, [*args, "--store", str(store), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_every_agency_has_the_shape_of_an_agency(store: Path) -> None:
    names = sorted({row["name"] for row in ask(store, "agencies")["rows"]})
    assert len(names) > 150
    bad = []
    for name in names:
        squashed = name.replace(" ", "")
        if not BODY.search(squashed):
            bad.append((name, "no body noun"))
        elif CLAUSE_CHARS & set(squashed):
            bad.append((name, "a piece of a sentence"))
        elif re.match(r"\d*年|[上下]半年", squashed):
            bad.append((name, "a year glued to it"))
        elif squashed.startswith(("县级市", "地级市")):
            bad.append((name, "a level word taken for a place"))
        elif any(person in squashed for person in PEOPLE) or (squashed[0] in SURNAMES and re.match(
                r"..[区县市]", squashed) and not resolve_place(squashed[:3]) and not resolve_place(squashed[:4])):
            bad.append((name, "a person glued to a body"))
    assert bad == []
    # and what the corpus is known to tempt a reader into: none of them is an agency
    assert not set(names) & {"民办", "共同", "完成地区", "然后送市未成年人救助保护中心", "整治主要由县公安局",
                             "办公室主任由民政厅一名副厅", "联席会议由省民政厅"}


def test_every_jurisdiction_is_a_real_place(store: Path) -> None:
    rows = CliRunner().invoke(cli, ["sparql", "SELECT DISTINCT ?name WHERE { ?d pa:jurisdiction ?p . "
                                    "?p skos:prefLabel ?name }", "--store", str(store), "--format", "json"])
    assert rows.exit_code == 0, rows.output
    places = {row["name"] for row in json.loads(rows.stdout)["rows"]}
    assert places >= {"呼和浩特市", "聊城市", "岳阳楼区", "博白县", "武平县", "花垣县", "广东省", "吉林省"}
    assert all(resolve_place(place) == place for place in places), places
    # a county plan's 区公安分局 and a district's own stem (岳阳楼公安分局) resolve into the district
    assert "岳阳楼区公安分局" in {row["name"] for row in ask(store, "agencies", "-j", "岳阳楼区")["rows"]}


def test_the_graph_conforms_to_the_shapes(store: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_lint_names_the_documents_it_could_not_fully_read(store: Path) -> None:
    findings = ask(store, "lint")["rows"]
    documents = {(f["where"], f["finding"]) for f in findings if f["check"] == "document"}
    assert any(where.startswith("002_") and "measures have no agency" in finding for where, finding in documents)


def test_a_document_in_a_layout_no_reader_knows_gets_a_warning_naming_it(tmp_path: Path) -> None:
    # Real texts of layouts the readers do not know: the preamble of 14 alone (no item, no table, no duty, no
    # figure), and the rows of 12 without their header (on the previous page): the cells are read as prose.
    preamble = (CORPUS / "14_qinghai_liulang_qitao_lianxi_huiyi.txt").read_text(encoding="utf-8").split("\n")[0]
    rows = (CORPUS / "12_yueyanglou_2018_zhengfu_gongzuo_baogao_table.txt").read_text(encoding="utf-8")
    rows = rows[rows.index("\n1\n") + 1 :]
    (tmp_path / "preamble.txt").write_text(preamble, encoding="utf-8")
    (tmp_path / "headerless.txt").write_text(rows, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "preamble.txt: layout not recognised: no numbered item" in result.output
    assert "headerless.txt: 34 short lines were not read: they look like the cells of a table whose header" \
        in result.output


def test_extract_explain_shows_how_each_line_was_read() -> None:
    path = CORPUS / "15_huichang_2023_minsheng_shishi_tongbao.txt"
    result = CliRunner().invoke(cli, ["extract", "--explain", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")
    assert lines[0].endswith("read 100% of its text: 1 measure(s) (0 without an agency), 5 statistic(s)")
    kinds = {line.split()[1] for line in lines[1:] if line[:5].strip().isdigit()}
    assert {"noise", "header", "statistic", "paragraph"} <= kinds
    breadcrumb = next(line for line in lines if "您当前所在位置" in line)
    assert "noise" in breadcrumb and "breadcrumb" in breadcrumb
    directive = next(line for line in lines if "下一步" in line)
    assert "县发改委(lead)" in directive and "县督查落实办(co)" in directive
