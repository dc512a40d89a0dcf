"""Scale-out: `kg extract --format jsonl` streams one document per line, and `kg build --from-jsonl` loads those
records into the same graph a build from the files gives."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from seedpaths import SEEDS

import kg.build
from kg.cli import cli
from kg.store import open_store
from loaders.model import Document


def nquads(store_path: Path) -> set[bytes]:
    with open_store(store_path) as store:
        return set(store.dump_nquads().splitlines())


def test_jsonl_prints_each_document_as_soon_as_it_is_read(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_read, real_echo = kg.build._read_one, click.echo

    def read(path: Path):  # noqa: ANN202 - the wrapped function's own type
        events.append("read")
        return real_read(path)

    def echo(message=None, *args, **kwargs):  # noqa: ANN001, ANN202
        if isinstance(message, str) and message.startswith("{"):
            events.append("line")
        return real_echo(message, *args, **kwargs)

    monkeypatch.setattr(kg.build, "_read_one", read)
    monkeypatch.setattr(click, "echo", echo)
    files = [str(p) for p in sorted(SEEDS.glob("*.txt"))[:3]]
    result = runner.invoke(cli, ["extract", *files, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert events == ["read", "line"] * 3
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and [json.loads(line)["source"] for line in lines] == files


def test_records_round_trip() -> None:
    import loaders

    for path in sorted(SEEDS.glob("*.txt")):
        doc = loaders.read(path)
        assert Document.from_dict(json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))) == doc


def test_build_from_jsonl_gives_the_graph_of_the_files(runner: CliRunner, tmp_path: Path) -> None:
    files = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    # two parts, as two machines of a cluster would write them
    for name, part in (("a.jsonl", files[:2]), ("b.jsonl", files[2:])):
        out = runner.invoke(cli, ["extract", *part, "--format", "jsonl"])
        assert out.exit_code == 0
        (tmp_path / name).write_text(out.stdout, encoding="utf-8")
    built = runner.invoke(cli, ["build", "--from-jsonl", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"),
                                "--store", str(tmp_path / "from-jsonl")])
    assert built.exit_code == 0, built.output
    assert "5 documents, 139 measures" in built.output
    direct = runner.invoke(cli, ["build", *files, "--store", str(tmp_path / "from-files")])
    assert direct.exit_code == 0, direct.output
    assert nquads(tmp_path / "from-jsonl") == nquads(tmp_path / "from-files")
    for store in ("from-jsonl", "from-files"):
        out = runner.invoke(cli, ["measures", "--agency", "市公安局", "--role", "lead", "-j", "呼和浩特市",
                                  "--format", "json", "--store", str(tmp_path / store)])
        assert len(json.loads(out.stdout)["rows"]) == 6


def test_a_bad_jsonl_line_is_reported_and_the_rest_load(runner: CliRunner, tmp_path: Path) -> None:
    out = runner.invoke(cli, ["extract", str(SEEDS / "000_e915c20add5d7ca5.txt"), "--format", "jsonl"])
    (tmp_path / "x.jsonl").write_text(out.stdout + "{not json\n", encoding="utf-8")
    built = runner.invoke(cli, ["build", "--from-jsonl", str(tmp_path / "x.jsonl"), "--store", str(tmp_path / "s")])
    assert built.exit_code == 1
    assert "x.jsonl:2: not a Document record" in built.output
    with open_store(tmp_path / "s") as store:
        assert len(store.meta["documents"]) == 1 and "x.jsonl:2" in store.meta["errors"][0]
