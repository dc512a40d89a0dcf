"""Where the places of agencies are not one each: a plan that states no place, and a generic name (公安机关) that
plans of several places write. Every question still finds their measures, answers each place with its own
documents, and never repeats a measure once per place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

HOHHOT = ("呼和浩特市平安建设实施方案\n一、主要任务\n"
          "（一）加强巡逻防控。（牵头单位：公安机关；配合单位：市司法局）\n"
          "（二）开展禁毒宣传。（责任单位：市司法局）\n")
BAOTOU = ("包头市平安建设实施方案\n一、主要任务\n"
          "（一）加强治安防控。（牵头单位：公安机关；配合单位：市司法局）\n"
          "（二）开展反诈宣传。（牵头单位：公安机关）\n"
          "（三）强化矛盾调解。（责任单位：市司法局）\n")
UNPLACED = ("关于加强平安建设的实施方案\n一、主要任务\n"
            "（一）加强巡逻防控。（责任单位：市公安局、市司法局）\n"
            "（二）加强矛盾纠纷排查化解。（牵头单位：市司法局；配合单位：市公安局）\n"
            "（三）开展禁毒宣传。\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("places")
    (root / "docs").mkdir()
    for name, text in (("hohhot.txt", HOHHOT), ("baotou.txt", BAOTOU), ("unplaced.txt", UNPLACED)):
        (root / "docs" / name).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(root / "docs"), "--store", str(root / "store")])
    assert result.exit_code == 0, result.output
    assert "unplaced.txt: no place found in the title, the issuer or the text" in result.output
    assert "hohhot.txt: no place" not in result.output
    return root / "store"


def ask(store: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, [*args, "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def keys(out: dict) -> list[tuple]:
    return sorted((r["jurisdiction"], r["key"], r["role"]) for r in out["rows"])


def test_the_agencies_of_a_plan_that_states_no_place_answer_every_question(store: Path) -> None:
    out = ask(store, "measures", "--agency", "市公安局")
    assert keys(out) == [(None, "一（一）", "lead"), (None, "一（二）", "co")]
    names = {(r["name"], r["jurisdiction"], r["measures"]) for r in ask(store, "agencies")["rows"]}
    assert {("市公安局", None, 2), ("市司法局", None, 2)} <= names
    gaps = ask(store, "gaps")["rows"]
    assert [(r["key"], r["jurisdiction"]) for r in gaps] == [("一（三）", None)]
    overlap = ask(store, "overlap", "市公安局", "市司法局")
    assert overlap["shared"] == 2 and len(overlap["rows"]) == 2
    profile = CliRunner().invoke(cli, ["agency", "市公安局", "--store", str(store)])
    assert profile.exit_code == 0 and profile.output.startswith("市公安局（no jurisdiction）")
    lint = CliRunner().invoke(cli, ["lint", "--store", str(store), "--format", "json"])
    findings = json.loads(lint.stdout)["rows"]
    assert any(f["where"] == "unplaced.txt" and f["finding"].startswith("no place found") for f in findings)


def test_a_name_written_in_two_places_gives_each_measure_once_with_its_documents_place(store: Path) -> None:
    out = ask(store, "measures", "--agency", "公安机关")
    assert keys(out) == [("包头市", "一（一）", "lead"), ("包头市", "一（二）", "lead"),
                         ("呼和浩特市", "一（一）", "lead")]
    assert keys(ask(store, "measures", "--agency", "公安机关", "-j", "包头")) == keys(out)[:2]
    assert keys(ask(store, "measures", "--agency", "公安机关", "-j", "呼和浩特市")) == keys(out)[2:]


def test_overlap_in_one_place_counts_that_places_measures_only(store: Path) -> None:
    out = ask(store, "overlap", "公安机关", "市司法局", "-j", "包头市")
    assert [(r["jurisdiction"], r["key"]) for r in out["rows"]] == [("包头市", "一（一）")]
    assert (out["countA"], out["countB"], out["shared"]) == (2, 2, 1)


def test_a_plain_question_about_a_shared_name_in_one_place(store: Path) -> None:
    out = ask(store, "ask", "包头市公安机关牵头哪些措施")
    assert keys(out) == [("包头市", "一（一）", "lead"), ("包头市", "一（二）", "lead")]


def test_a_name_written_in_two_places_is_counted_and_paired_in_each_place_apart(store: Path) -> None:
    counts = {(r["name"], r["jurisdiction"]): (r["lead"], r["measures"]) for r in ask(store, "agencies")["rows"]}
    assert counts[("公安机关", "包头市")] == (2, 2) and counts[("公安机关", "呼和浩特市")] == (1, 1)
    rows = ask(store, "agencies", "-j", "包头市")["rows"]
    assert {(r["name"], r["measures"]) for r in rows} == {("公安机关", 2), ("包头市司法局", 2)}
    pairs = {(r["nameA"], r["nameB"], r["jurisdiction"]): (r["shared"], r["nA"], r["nB"])
             for r in ask(store, "overlap", "--top", "10")["rows"]}
    assert pairs == {("市公安局", "市司法局", None): (2, 2, 2),
                     ("呼和浩特市司法局", "公安机关", "呼和浩特市"): (1, 2, 1),
                     ("公安机关", "包头市司法局", "包头市"): (1, 2, 2)}
    only = ask(store, "overlap", "--top", "10", "-j", "包头市")["rows"]
    assert [(r["nameA"], r["nameB"]) for r in only] == [("公安机关", "包头市司法局")]
    profile = ask(store, "agency", "公安机关", "-j", "包头市")
    assert profile["roles"]["lead"] == 2
    assert [(p["partner"], p["shared"]) for p in profile["partners"]] == [("包头市司法局", 1)]


def test_charts_and_views_draw_an_unplaced_plan_and_a_shared_name(store: Path, tmp_path: Path) -> None:
    for args, out in ((["plot", "workload"], "w.png"), (["plot", "overlap"], "o.png"), (["view"], "v.html")):
        result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / out), "--store", str(store)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / out).stat().st_size > 1000


def _two_places():  # noqa: ANN202 - a kg.projection.PropertyGraph
    """公安机关 leads a measure of each of two places' plans (呼和浩特市 p1, 包头市 p2)."""
    from kg.projection import Edge, Node, PropertyGraph

    nodes = {
        "p1": Node("p1", ["Jurisdiction"], {"id": "p1", "prefLabel": "呼和浩特市"}),
        "p2": Node("p2", ["Jurisdiction"], {"id": "p2", "prefLabel": "包头市"}),
        "a": Node("a", ["Agency"], {"id": "a", "prefLabel": "公安机关"}),
        "d1": Node("d1", ["Document", "Plan"], {"id": "d1", "title": "呼和浩特市方案"}),
        "d2": Node("d2", ["Document", "Plan"], {"id": "d2", "title": "包头市方案"}),
        "m1": Node("m1", ["Measure"], {"id": "m1", "heading": "巡逻防控", "key": "一"}),
        "m2": Node("m2", ["Measure"], {"id": "m2", "heading": "治安防控", "key": "一"}),
    }
    edges = [Edge("a", "JURISDICTION", "p1", {}), Edge("a", "JURISDICTION", "p2", {}),
             Edge("d1", "JURISDICTION", "p1", {}), Edge("d2", "JURISDICTION", "p2", {}),
             Edge("m1", "IN_DOCUMENT", "d1", {}), Edge("m2", "IN_DOCUMENT", "d2", {}),
             Edge("a", "LEADS", "m1", {"basis": "explicit"}), Edge("a", "LEADS", "m2", {"basis": "explicit"})]
    return PropertyGraph(nodes, edges)


def test_the_view_of_one_place_keeps_a_name_written_in_several_places() -> None:
    from kg.views import graph_view

    for place, measure in (("p1", "m1"), ("p2", "m2")):
        view = graph_view(_two_places(), place)
        assert {n["id"] for n in view.nodes} >= {"a", measure}
        assert [(e["from"], e["to"]) for e in view.edges if e["role"] == "LEADS"] == [("a", measure)]


def test_the_tip_of_a_name_written_in_several_places_names_each_place_and_its_measures() -> None:
    from kg.projection import Edge, Node
    from kg.views import graph_view

    graph = _two_places()  # and 包头市司法局, which leads a third measure 公安机关 co-leads
    graph.nodes["b"] = Node("b", ["Agency"], {"id": "b", "prefLabel": "包头市司法局"})
    graph.nodes["m3"] = Node("m3", ["Measure"], {"id": "m3", "heading": "矛盾化解", "key": "二"})
    graph.edges += [Edge("b", "JURISDICTION", "p2", {}), Edge("m3", "IN_DOCUMENT", "d2", {}),
                    Edge("a", "CO_RESPONSIBLE_FOR", "m3", {"basis": "explicit"}),
                    Edge("b", "LEADS", "m3", {"basis": "explicit"})]
    tips = {n["id"]: [text for _, text in n["tip"]] for n in graph_view(graph).nodes}
    assert tips["a"][0] == "公安机关" and tips["a"][1].startswith("包头市、呼和浩特市")
    assert tips["a"][2:] == ["包头市: 牵头 lead 1  配合 co 1", "呼和浩特市: 牵头 lead 1"]
    assert tips["b"][1].startswith("包头市") and tips["b"][2:] == ["牵头 lead 1"]
