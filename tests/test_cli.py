"""The questions a user asks from the command line, answered from the store built from the sample corpus."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

from click.testing import CliRunner
from seedpaths import SEEDS, load_gold

from kg.cli import cli


def fold(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def gold_keys(stem: str, agency: str, roles: set[str]) -> set[str]:
    return {fold(m["key"]) for m in load_gold(stem)["measures"]
            if any(a["name"] == agency and a["role"] in roles for a in m["agencies"])}


def run_json(runner: CliRunner, store: Path, *args: str) -> dict:
    result = runner.invoke(cli, [*args, "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_hohhot_public_security_leads_exactly_the_gold_measures(runner: CliRunner, seed_store: Path) -> None:
    out = run_json(runner, seed_store, "measures", "--agency", "市公安局", "--role", "lead",
                   "--jurisdiction", "呼和浩特市")
    keys = {fold(r["key"]) for r in out["rows"]}
    assert keys == gold_keys("000", "市公安局", {"lead"})
    assert len(keys) == 6  # 二（三） 三（一） 三（二） 三（六） 四（一） 四（二）
    assert {r["agencyName"] for r in out["rows"]} == {"呼和浩特市公安局"}
    # every row carries its evidence: the label quote and its line
    assert all(r["quote"] and "市公安局" in fold(r["quote"]) and r["line"] > 0 for r in out["rows"])


def test_agency_without_jurisdiction_matches_both_cities_and_says_so(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["measures", "--agency", "市公安局", "--role", "lead", "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    assert "呼和浩特市公安局" in result.stdout and "聊城市公安局" in result.stdout
    assert "matches 2 agencies" in result.stdout
    out = run_json(runner, seed_store, "measures", "--agency", "市公安局", "--role", "lead")
    liaocheng = {fold(r["key"]) for r in out["rows"] if r["jurisdiction"] == "聊城市"}
    assert liaocheng == gold_keys("001", "市公安局", {"lead"})


def test_overlap_of_public_security_and_justice_in_hohhot(runner: CliRunner, seed_store: Path) -> None:
    out = run_json(runner, seed_store, "overlap", "市公安局", "市司法局", "--jurisdiction", "呼和浩特")
    both = gold_keys("000", "市公安局", {"lead", "co"}) & gold_keys("000", "市司法局", {"lead", "co"})
    assert {fold(r["key"]) for r in out["rows"]} == both == {"三(五)", "三(六)", "四(二)"}
    roles = {fold(r["key"]): (r["roleA"], r["roleB"]) for r in out["rows"]}
    assert roles["三(五)"] == ("co", "lead")  # 市司法局 leads the special-groups measure
    n_a = len(gold_keys("000", "市公安局", {"lead", "co"}))
    n_b = len(gold_keys("000", "市司法局", {"lead", "co"}))
    assert out["shared"] == 3 and out["countA"] == n_a and out["countB"] == n_b
    assert abs(out["jaccard"] - 3 / (n_a + n_b - 3)) < 1e-3


def test_overlap_top_ranks_pairs_and_leaves_out_collectives(runner: CliRunner, seed_store: Path) -> None:
    out = run_json(runner, seed_store, "overlap", "--top", "5")
    rows = out["rows"]
    assert len(rows) == 5
    assert [r["shared"] for r in rows] == sorted((r["shared"] for r in rows), reverse=True)
    assert not any(n.startswith("各") for r in rows for n in (r["nameA"], r["nameB"]))
    # the top pair is the one the gold annotations make most overlapping
    best = 0
    for stem in ("000", "001"):
        members: dict[str, set[str]] = {}
        for m in load_gold(stem)["measures"]:
            for a in m["agencies"]:
                if not a["name"].startswith("各"):
                    members.setdefault(a["name"], set()).add(m["key"])
        names = sorted(members)
        best = max([best] + [len(members[x] & members[y]) for i, x in enumerate(names) for y in names[i + 1:]])
    assert rows[0]["shared"] == best


def test_agencies_counts_by_role(runner: CliRunner, seed_store: Path) -> None:
    out = run_json(runner, seed_store, "agencies", "--jurisdiction", "呼和浩特市")
    by_name = {r["name"]: r for r in out["rows"]}
    police = by_name["呼和浩特市公安局"]
    assert police["lead"] == 6
    assert police["lead"] + police["co"] == len(gold_keys("000", "市公安局", {"lead", "co"}))
    assert by_name["呼和浩特市委政法委"]["guide"] == 1
    assert all(r["jurisdiction"] == "呼和浩特市" for r in out["rows"])


def test_gaps_lists_measures_without_a_lead(runner: CliRunner, seed_store: Path) -> None:
    out = run_json(runner, seed_store, "gaps", "--jurisdiction", "呼和浩特市")
    # only 四（三） has no lead: 市委政法委 guides it and 各旗县区 implement it
    assert [fold(r["key"]) for r in out["rows"]] == ["四(三)"]
    assert out["rows"][0]["assignments"] == 2


def test_show_gives_the_measure_its_agencies_and_evidence(runner: CliRunner, seed_store: Path) -> None:
    out = run_json(runner, seed_store, "measures", "-a", "市信访局", "-j", "呼和浩特市")
    (row,) = out["rows"]
    shown = run_json(runner, seed_store, "show", row["id"])
    assert fold(shown["measure"]["key"]) == "二(二)"
    names = [(r["asWritten"], r["role"]) for r in shown["rows"]]
    assert names[0] == ("市委维稳办", "lead")
    assert ("市信访局", "co") in names  # written 市信 / 访局 across a PDF line break
    for r in shown["rows"]:
        assert r["sourceFile"].endswith("000_e915c20add5d7ca5.txt")
        raw = (SEEDS / "000_e915c20add5d7ca5.txt").read_text(encoding="utf-8")
        assert "".join(r["quote"].split()) in "".join(raw.split())
    table = runner.invoke(cli, ["show", row["id"], "--store", str(seed_store)])
    assert "守好首都" in table.stdout and "市委维稳办" in table.stdout


def test_unknown_agency_names_the_closest_and_exits_1(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["measures", "--agency", "市公安", "--store", str(seed_store)])
    assert result.exit_code == 1
    assert "closest known" in result.output and "市公安局" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_query_before_build_says_how_to_build(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["agencies", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "kg build" in result.output


def test_csv_opens_in_excel_and_table_aligns_chinese(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["agencies", "-j", "聊城", "--format", "csv", "--store", str(seed_store)])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert any(r["name"] == "聊城市公安局" for r in rows)
    table = runner.invoke(cli, ["agencies", "-j", "聊城", "--store", str(seed_store)]).stdout.splitlines()
    from kg.output import display_width

    # the second column starts at the same display column on every line, whatever the name's width
    starts = {display_width(m.group(0)) for line in table[1:] if (m := re.match(r"\S+\s{2,}", line))}
    assert len(starts) == 1 and len(table) > 10


def test_build_reports_a_bad_file_and_still_builds_the_rest(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02\xff" * 100)
    store = tmp_path / "s"
    result = runner.invoke(cli, ["build", str(SEEDS / "000_e915c20add5d7ca5.txt"), str(bad),
                                 str(tmp_path / "missing.txt"), "--store", str(store)])
    assert result.exit_code == 1
    assert "broken.txt" in result.output and "missing.txt" in result.output
    out = run_json(runner, store, "agencies")
    assert any(r["name"] == "呼和浩特市公安局" for r in out["rows"])


def test_build_and_lint_say_how_much_of_the_documents_was_understood(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "s"
    result = runner.invoke(cli, ["build", str(SEEDS), "--store", str(store)])
    assert result.exit_code == 0
    # the news report 004 is read least: half its lines are headlines and bylines, not figures
    assert "text understood: median 88% a document (least: 51%, 004_f2ba3c753fc53041.txt)" in result.stdout
    assert "84 measure(s) with no agency" in result.stdout
    shares = {Path(d["source"]).name: d["coverage"]["share"] for d in
              json.loads((store / (store / "CURRENT").read_text().strip() / "meta.json").read_text())["documents"]}
    assert shares["000_e915c20add5d7ca5.txt"] > 0.8 and set(shares) == {p.name for p in SEEDS.glob("*.txt")}
    lint = runner.invoke(cli, ["lint", "--store", str(store)])
    assert "5 document(s); text understood: median 88%" in lint.stdout


def test_extract_prints_the_documented_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["extract", str(SEEDS / "001_7701b9b31e01afc5.txt"), "--format", "json"])
    assert result.exit_code == 0
    (doc,) = json.loads(result.stdout)["documents"]
    for key in ("id", "source", "kind", "title", "jurisdiction", "issuer", "doc_number", "date", "measures", "reports"):
        assert key in doc
    m = doc["measures"][0]
    for key in ("id", "key", "heading", "text", "line", "assignments", "targets", "topics"):
        assert key in m
    for key in ("agency", "as_written", "role", "basis", "quote", "line"):
        assert key in m["assignments"][0]
    assert doc["jurisdiction"] == "聊城市" and m["assignments"][0]["agency"] == "聊城市委办公室"


def test_validate_passes_on_the_seed_graph(runner: CliRunner, seed_store: Path) -> None:
    result = runner.invoke(cli, ["validate", "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys; from kg.cli import cli; "
            "heavy = [m for m in ('rdflib', 'pyoxigraph', 'pyshacl', 'networkx', 'pyvis', 'neo4j', 'loaders.duties')"
            " if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_asking_in_chinese_does_not_load_the_extractor(seed_store: Path) -> None:
    # kg ask reads the short forms of place names from loaders.agencies; the rest of the loaders (their
    # patterns and dataclasses, 0.17 s) is for reading documents
    code = ("import sys; from click.testing import CliRunner; from kg.cli import cli; "
            f"r = CliRunner().invoke(cli, ['ask', '呼市公安局牵头哪些措施？', '--store', {str(seed_store)!r}]); "
            "print(r.exit_code, '加强互联网管控' in r.output, "
            "[m for m in ('loaders.document', 'loaders.duties', 'loaders.outline') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 True []"


def test_a_fresh_process_writes_its_whole_answer_to_a_pipe(seed_store: Path) -> None:
    # kg's main() leaves its objects to the operating system at exit (gc.freeze): the answer still reaches a
    # pipe whole, errors still exit non-zero with their message
    argv = [sys.executable, "-m", "kg.cli"]
    out = subprocess.run([*argv, "agencies", "--store", str(seed_store), "--format", "json"],
                         capture_output=True, text=True, check=True)
    rows = json.loads(out.stdout)["rows"]
    police = next(r for r in rows if r["name"] == "呼和浩特市公安局")
    assert (police["lead"], police["co"]) == (6, 5) and out.stderr == ""
    table = subprocess.run([*argv, "gaps", "--store", str(seed_store)], capture_output=True, text=True, check=True)
    assert table.stdout.endswith("\n") and "measure(s) with no lead agency" in table.stdout.splitlines()[0]
    missing = subprocess.run([*argv, "agency", "没有这个单位", "--store", str(seed_store)], capture_output=True,
                             text=True)
    assert missing.returncode != 0 and "没有这个单位" in missing.stderr


def test_every_command_has_help(runner: CliRunner) -> None:
    for name, command in cli.commands.items():
        assert command.help, f"kg {name} has no help"
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_a_store_whose_tables_another_version_wrote_still_answers_and_says_to_rebuild(
        runner: CliRunner, seed_store: Path, tmp_path: Path) -> None:
    # a user upgrades pingan-kg and asks before building again: the old tables are not read (their columns
    # differ), the question is answered from the generation's triples, and a warning says what to do
    import shutil
    import sqlite3

    from kg.store import SPARQL_DIR
    from kg.tables import FILE, SCHEMA_VERSION

    old = tmp_path / "old-store"
    shutil.copytree(seed_store, old)
    (generation,) = old.glob(f"gen-*/{FILE}")
    with sqlite3.connect(generation) as db:
        db.execute("UPDATE info SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION - 1),))
    db.close()
    shutil.rmtree(generation.parent / SPARQL_DIR, ignore_errors=True)  # built without --sparql
    args = ["targets", "--due", "2015", "--format", "json"]
    fresh = runner.invoke(cli, [*args, "--store", str(seed_store)])
    stale = runner.invoke(cli, [*args, "--store", str(old)])
    assert stale.exit_code == 0, stale.output
    assert json.loads(stale.stdout)["rows"] == json.loads(fresh.stdout)["rows"]
    assert len(json.loads(stale.stdout)["rows"]) > 5
    assert f"its tables have schema {SCHEMA_VERSION - 1}, this version reads {SCHEMA_VERSION}" in stale.stderr
    assert "kg build" in stale.stderr and "warning" not in fresh.stderr
    # the first question indexes the triples (at 100k measures as long as a build) and says so; later ones not
    assert "indexing them first" in stale.stderr
    again = runner.invoke(cli, [*args, "--store", str(old)])
    assert again.stdout == stale.stdout and "indexing" not in again.stderr and "kg build" in again.stderr


def test_the_build_progress_line_is_rewritten_in_place_at_most_five_times_a_second_then_erased() -> None:
    from kg.cli_common import ProgressLine

    out, now = io.StringIO(), [0.0]
    line = ProgressLine(out, clock=lambda: now[0])
    line(1, 3)
    now[0] = 0.1
    line(2, 3)  # 0.1 s after the last: not shown
    now[0] = 0.15
    line(3, 3)  # the last file is always shown
    line.close()
    last = "read 3 of 3 files; writing the store..."
    assert out.getvalue() == "\rread 1 of 3 files" + "\r" + last + "\r" + " " * len(last) + "\r"


def test_a_build_whose_messages_go_to_a_log_has_no_progress_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", str(SEEDS), "--store", str(tmp_path / "store")])
    assert result.exit_code == 0 and "built" in result.output and "\r" not in result.output
