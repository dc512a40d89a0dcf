"""`kg ask` answers with the very rows the matching command gives, on the seed store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

QUESTIONS = [
    "市公安局牵头哪些措施？",
    "呼和浩特市公安局和市司法局在哪些工作上有交叉？",
    "哪些措施没有牵头单位",
    "2020年前要完成哪些指标？",
    "禁毒工作由哪些部门负责",
    "呼和浩特和聊城在校园安全上的分工有什么不同",
    "呼市公安局2023年报告了哪些成效",
    "聊城市综治办配合了哪些任务",
    # and some other phrasings, with places, topics and years
    "呼和浩特的市公安局牵头哪些措施",
    "呼市没有牵头单位的措施",
    "呼和浩特2015年前的指标",
    "市公安局有哪些指标",
    "电信诈骗方面取得了哪些成效",
    "呼和浩特的禁毒工作由哪些单位负责",
    "聊城和呼和浩特有什么区别",
    "聊城市公安局和市综治办在哪些方面合作",
    "市委政法委指导哪些工作",
]


def run(runner: CliRunner, store: Path, *args: str) -> tuple[int, dict | None, str]:
    result = runner.invoke(cli, [*args, "--store", str(store), "--format", "json"])
    body = json.loads(result.stdout) if result.exit_code == 0 else None
    return result.exit_code, body, result.stderr


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_answer_is_the_rows_of_the_matching_command(runner: CliRunner, seed_store: Path, question: str) -> None:
    code, answer, stderr = run(runner, seed_store, "ask", question)
    assert code == 0, stderr
    command = answer["understood"]["command"].split()[1:]
    code, expected, stderr = run(runner, seed_store, *command)
    assert code == 0, stderr
    rows = expected["rows"]
    if command[0] == "outcomes" and "period" in answer["understood"]["description"]:
        year = int(answer["understood"]["description"].rsplit("period ", 1)[1].split()[0])
        rows = [r for r in rows if r["periodYear"] == year]
    assert answer["rows"] == rows
    assert answer["rows"], "the seed corpus answers every one of these questions"


def test_the_headline_questions_read_as_the_issue_says(runner: CliRunner, seed_store: Path) -> None:
    commands = [run(runner, seed_store, "ask", q)[1]["understood"]["command"] for q in QUESTIONS[:8]]
    assert commands == [
        "kg measures --agency 市公安局 --role lead",
        "kg overlap 呼和浩特市公安局 呼和浩特市司法局",
        "kg gaps",
        "kg targets --due 2020",
        "kg track 禁毒",
        "kg compare 呼和浩特市 聊城市 --topic 校园安全",
        "kg outcomes --agency 呼和浩特市公安局",
        "kg measures --agency 聊城市综治办 --role co",
    ]


def test_outcomes_of_a_year_are_those_of_that_period(runner: CliRunner, seed_store: Path) -> None:
    rows = run(runner, seed_store, "ask", "呼市公安局2023年报告了哪些成效")[1]["rows"]
    assert rows and all(r["periodYear"] == 2023 and r["agencyName"] == "呼和浩特市公安局" for r in rows)


def test_a_table_answer_starts_with_how_the_question_was_understood(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["ask", "聊城市综治办配合了哪些任务", "--store", str(seed_store)])
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("understood: question: measures") and "聊城市综治办" in first and "role co" in first


def test_show_query_prints_the_sparql_and_its_cypher_twin(runner: CliRunner, seed_store: Path) -> None:
    import queries

    result = runner.invoke(cli, ["ask", "哪些措施没有牵头单位", "--show-query", "--store", str(seed_store)])
    assert result.exit_code == 0
    assert queries.sparql("measures_without_lead").strip() in result.stdout
    assert queries.sql("measures_without_lead").strip() in result.stdout
    assert queries.cypher("measures_without_lead").strip() in result.stdout
    body = run(runner, seed_store, "ask", "禁毒工作由哪些部门负责", "--show-query")[1]
    assert set(body["queries"]) == {"topic_measures", "targets", "outcomes"}
    assert "MATCH" in body["queries"]["topic_measures"]["cypher"]
    assert "FROM measure_about" in body["queries"]["topic_measures"]["sql"]


def test_csv_answers_keep_the_data_stream_clean(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["ask", "哪些措施没有牵头单位", "--format", "csv", "--store", str(seed_store)])
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeffid,jurisdiction,key,heading,assignments")
    assert "understood:" in result.stderr


@pytest.mark.parametrize("question", ["今天天气怎么样", "市公安局局长是谁", "谁的预算最多"])
def test_out_of_scope_questions_exit_1_with_the_kinds(runner: CliRunner, seed_store: Path, question: str) -> None:
    result = runner.invoke(cli, ["ask", question, "--store", str(seed_store)])
    assert result.exit_code == 1
    assert result.stdout == ""
    for kind in ("measures", "overlap", "gaps", "targets", "outcomes", "track", "compare"):
        assert kind in result.stderr
    assert "Traceback" not in result.output


def test_an_ambiguous_overlap_lists_the_candidates(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["ask", "市公安局和市司法局在哪些工作上有交叉", "--store", str(seed_store)])
    assert result.exit_code == 1
    assert "呼和浩特市公安局、聊城市公安局" in result.stderr


def test_a_missing_store_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["ask", "哪些措施没有牵头单位", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_ask_has_help_and_is_listed(runner: CliRunner) -> None:
    assert "ask" in runner.invoke(cli, ["--help"]).stdout
    assert "--show-query" in runner.invoke(cli, ["ask", "--help"]).stdout
