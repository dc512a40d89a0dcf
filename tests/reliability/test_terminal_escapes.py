"""What a file name or a document says never reaches the terminal as control characters (issue 23, item 8).

A file name holding a newline forged an ``error:`` line in `kg build`'s output; ESC sequences, CR, BEL and
bidirectional overrides in file names and in document text went to the terminal as they were. Now every
message line and every table cell shows them as escapes (kg.neutralise.terminal_text: ``\\n``, ``\\r``,
``\\t``, ``\\x1b``, ``\\u202e``); JSON keeps the exact value.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from reliability_kit import FUZZ, KG, SEED_DIR, record

from kg.cli import cli
from kg.neutralise import terminal_text

# what must never be written raw to a terminal: C0 and C1 controls (a line feed only where lines are meant),
# DEL, line and paragraph separators, bidi marks, embeddings, overrides and isolates
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

HOSTILE_NAMES = {
    "a newline and a forged error line": "bad\nerror: forged.txt",
    "a carriage return over the line": "bad\rwarning: all good.txt",
    "an ESC sequence that clears the screen": "bad\x1b[2J\x1b[31mred.txt",
    "a terminal title sequence and BEL": "bad\x1b]0;pwned\x07.txt",
    "a bidi override (Trojan Source)": "bad\u202eexe.txt",
    "a C1 CSI": "bad\x9b31m.txt",
}

HOSTILE_PLAN = ("呼和浩特市平安建设实施方案\n一、主要任务\n"
                "（一）加强巡逻\x1b[2J防控\x07。每天巡逻。（责任单位：\x1b]0;pwned\x07局、市公安局）\n"
                "（二）加强\u202e宣传\u202c工作。（牵头单位：市司法\x1b[8m局；配合单位：市信访局）\n")


def lines_of(stream: str) -> list[str]:
    return stream.split("\n")[:-1] if stream.endswith("\n") else stream.split("\n")


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("names")
    (folder / "000.txt").write_text((SEED_DIR / "000_e915c20add5d7ca5.txt").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    for name in HOSTILE_NAMES.values():
        (folder / name).write_bytes(b"")  # an empty file: one error line each
    return folder


def test_a_build_prints_one_line_per_bad_file_whatever_its_name(hostile_folder: Path, tmp_path: Path) -> None:
    done = subprocess.run([*KG, "build", str(hostile_folder), "--store", str(tmp_path / "store")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    errors = lines_of(done.stderr)
    assert len(errors) == len(HOSTILE_NAMES), errors
    assert all(line.startswith("error: ") for line in errors), errors
    assert not RAW_CONTROL.search(done.stderr + done.stdout), repr(done.stderr)
    shown = "\n".join(errors)
    for case, name in HOSTILE_NAMES.items():
        assert terminal_text(name) in shown, (case, shown)
        record("terminal escapes", f"kg build of a file named with {case}", "one error line, escaped")
    assert "\\nerror: forged.txt" in shown and "\\x1b[2J" in shown and "\\u202e" in shown


def test_kg_extract_prints_one_line_per_bad_file_whatever_its_name(hostile_folder: Path) -> None:
    done = subprocess.run([*KG, "extract", str(hostile_folder), "--format", "jsonl"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1
    errors = lines_of(done.stderr)
    assert len(errors) == len(HOSTILE_NAMES) and all(line.startswith("error: ") for line in errors), errors
    assert not RAW_CONTROL.search(done.stderr), repr(done.stderr)
    record("terminal escapes", "kg extract of files named with control characters", "one error line each, escaped")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("text")
    (root / "plan.txt").write_text(HOSTILE_PLAN, encoding="utf-8")
    store = root / "store"
    result = CliRunner().invoke(cli, ["build", str(root / "plan.txt"), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


def run(store: Path, *args: str, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(cli, [*args, "--store", str(store)])
    assert result.exit_code == code, result.output
    return result.stdout, result.stderr


def test_document_text_in_tables_is_escaped_and_exact_in_json(hostile_store: Path) -> None:
    names = [r["name"] for r in json.loads(run(hostile_store, "agencies", "--format", "json")[0])["rows"]]
    hostile = [n for n in names if RAW_CONTROL.search(n)]
    assert hostile, names  # the plan's control characters reached the graph: JSON gives them exactly
    for command in (["agencies"], ["measures", "--agency", "市公安局"], ["measures", "--agency", "市信访局"],
                    ["overlap", "--top", "5"], ["sparql", "SELECT ?h WHERE { ?m pa:heading ?h }"],
                    ["agency", "市公安局"]):
        out, err = run(hostile_store, *command)
        assert not RAW_CONTROL.search(out + err), (command, repr(out + err))
        assert "\\x1b" in out or "\\u202e" in out or "\\x07" in out, (command, out)
        record("terminal escapes", f"ESC, BEL and bidi overrides in a plan, kg {command[0]} (table)",
               "shown as escapes")
    out, _ = run(hostile_store, "agencies")
    assert "\\x1b[8m" in out and "\\x07" in out


def test_kg_show_escapes_the_measure_and_keeps_its_line_breaks(hostile_store: Path) -> None:
    rows = json.loads(run(hostile_store, "sparql", "SELECT ?id WHERE { ?m pa:measureId ?id }", "--format",
                          "json")[0])["rows"]
    assert rows
    for row in rows:
        out, err = run(hostile_store, "show", row["id"])
        assert not RAW_CONTROL.search(out + err), repr(out)
        record("terminal escapes", "kg show of a measure with control characters", "escaped; its text keeps lines")


def test_error_lines_naming_document_text_are_one_line(hostile_store: Path) -> None:
    # the closest known names come from the documents
    _, err = run(hostile_store, "measures", "--agency", "pwned", code=1)
    assert len(lines_of(err)) == 1 and not RAW_CONTROL.search(err), repr(err)
    _, err = run(hostile_store, "measures", "--agency", "bad\nError: forged", code=1)
    assert len(lines_of(err)) == 1 and "\\n" in err, repr(err)
    record("terminal escapes", "Error: line naming document text or a typed name with a newline", "one line, escaped")


def test_csv_and_json_keep_control_characters_exactly(hostile_store: Path) -> None:
    out, _ = run(hostile_store, "agencies", "--format", "csv")
    assert "\x1b[8m" in out and "\x07" in out  # data streams keep the value (CSV only gets its formula guard)
    record("terminal escapes", "kg agencies --format csv/json", "exact values")


@FUZZ
@given(st.one_of(st.text(max_size=40), st.text(alphabet=st.sampled_from("a二\n\r\t\x1b\x07\x00\x9b\u202e\u2066 "
                                                                            "\u2028\x85\\"), max_size=20)))
def test_terminal_text_leaves_no_control_character(text: str) -> None:
    line = terminal_text(text)
    assert not RAW_CONTROL.search(line) and "\n" not in line
    block = terminal_text(text, lines=True)
    assert not RAW_CONTROL.search(block.replace("\t", " ")) and block.count("\n") == text.count("\n")
    if text.isprintable():
        assert line == text
    record("terminal escapes", "any text → terminal_text", "no control character left")
