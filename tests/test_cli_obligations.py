"""Obligations, results, topics and profiles from the command line, on the sample-corpus store."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from click.testing import CliRunner
from seedpaths import load_gold

from kg.cli import cli


def fold(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def run_json(runner: CliRunner, store: Path, *args: str) -> dict:
    result = runner.invoke(cli, [*args, "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_targets_due_by_a_year(runner: CliRunner, seed_store: Path) -> None:
    rows = run_json(runner, seed_store, "targets", "--due", "2015", "-j", "呼和浩特市")["rows"]
    assert rows and all(r["deadlineYear"] <= 2015 for r in rows)
    bandwidth = [r for r in rows if r["metric"] == "网络节点线路带宽覆盖率"]
    assert len(bandwidth) == 1
    assert (bandwidth[0]["comparator"], bandwidth[0]["value"], bandwidth[0]["unit"]) == (">=", 85, "%")
    assert bandwidth[0]["deadline"] == "2015"  # 到“十二五”末期
    assert bandwidth[0]["leads"] == "呼和浩特市公安局"


def test_targets_of_an_agency_match_the_gold(runner: CliRunner, seed_store: Path) -> None:
    rows = run_json(runner, seed_store, "targets", "--agency", "市公安局", "-j", "呼和浩特市")["rows"]
    gold = [t for m in load_gold("000")["measures"] if any(a["name"] == "市公安局" for a in m["agencies"])
            for t in m["targets"]]
    assert len(rows) == len(gold)
    quotes = {fold(r["quote"]) for r in rows}
    assert all(any(fold(g["quote"]) in q or q in fold(g["quote"]) for q in quotes) for g in gold)


def test_track_a_topic_gives_obligations_with_targets(runner: CliRunner, seed_store: Path) -> None:
    rows = run_json(runner, seed_store, "track", "禁毒", "-j", "呼和浩特")["rows"]
    (drugs,) = [r for r in rows if r["kind"] == "obligation"]
    assert drugs["who"] == "呼和浩特市公安局" and drugs["year"] == 2014
    assert "吸毒人员查处率 >= 40 %" in drugs["targets"]
    assert "呼和浩特市司法局" in drugs["partners"]


def test_track_puts_the_2014_duty_before_the_2023_results(runner: CliRunner, seed_store: Path) -> None:
    rows = run_json(runner, seed_store, "track", "电信诈骗", "-j", "呼和浩特市")["rows"]
    kinds = [(r["year"], r["kind"]) for r in rows]
    assert kinds[0] == (2014, "obligation")
    assert any(k == (2023, "outcome") for k in kinds)
    assert [y for y, _ in kinds] == sorted(y for y, _ in kinds)


def test_compare_two_places_on_one_topic(runner: CliRunner, seed_store: Path) -> None:
    out = run_json(runner, seed_store, "compare", "呼和浩特", "聊城市", "--topic", "反恐维稳")
    (row,) = [r for r in out["rows"] if r["topic"] == "反恐维稳"]
    assert "委维稳办" in row["呼和浩特市:lead"]
    assert row["聊城市:lead"] != "—"


def test_unknown_topic_names_the_known_ones(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["track", "养老", "--store", str(seed_store)])
    assert result.exit_code == 1 and "no topic named" in result.output and "Traceback" not in result.output


def test_agency_profile_shows_duties_topics_targets_and_partners(runner: CliRunner, seed_store: Path) -> None:
    p = run_json(runner, seed_store, "agency", "市公安局", "-j", "呼和浩特市")
    assert p["agency"] == "呼和浩特市公安局"
    assert p["roles"]["lead"] == 6 and p["roles"]["co"] == 5
    assert "禁毒" in p["topics"]
    assert any(t["metric"] == "吸毒人员查处率" for t in p["targets"])
    assert p["partners"][0]["partner"] == "呼和浩特市各旗县区"


def test_lint_flags_what_a_careful_reader_should_check(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["lint", "--store", str(seed_store), "--format", "json"])
    assert result.exit_code == 1  # findings, as linters report them
    rows = json.loads(result.stdout)["rows"]
    findings = [(r["check"], r["where"], r["finding"]) for r in rows]
    assert any(c == "measure" and "四（三）" in w and "no lead" in f for c, w, f in findings)
    assert any(c == "document" and w.startswith("001_") and "truncated" in f for c, w, f in findings)
    # 001 is dated 2003年6月15日 but cites the 2004 decision it implements
    assert any(c == "document" and w.startswith("001_") and "cites a document of 2004" in f for c, w, f in findings)


def test_agency_profile_joins_the_2014_duties_and_the_2023_results(runner: CliRunner, seed_store: Path) -> None:
    p = run_json(runner, seed_store, "agency", "呼和浩特市公安局")
    assert "呼市公安局" in p["writtenAs"] and p["category"] == "公安"
    assert p["roles"]["lead"] == 6  # from the 2014 plan
    assert any(o["metric"].startswith("电信网络诈骗案件") and o["value"] == 5.1 for o in p["outcomes"])  # 2023 report


def test_a_user_alias_file_merges_names(runner: CliRunner, tmp_path: Path) -> None:
    from seedpaths import SEEDS

    from loaders.agencies import clear_alias_files

    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("{place}食品药品监管局\t{place}市场监督管理局\n", encoding="utf-8")
    store = tmp_path / "s"
    try:
        result = runner.invoke(cli, ["build", str(SEEDS / "000_e915c20add5d7ca5.txt"), "--aliases", str(aliases),
                                     "--store", str(store)])
        assert result.exit_code == 0, result.output
    finally:
        clear_alias_files()  # the CLI registers for its process; the tests share one
    names = {r["name"] for r in run_json(runner, store, "agencies")["rows"]}
    assert "呼和浩特市市场监督管理局" in names and "呼和浩特市食品药品监管局" not in names
    bad = tmp_path / "bad.tsv"
    bad.write_text("only-one-column\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", str(SEEDS), "--aliases", str(bad), "--store", str(store)])
    assert result.exit_code != 0 and "bad.tsv" in result.output and "Traceback" not in result.output
