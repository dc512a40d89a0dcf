"""`kg view` and `kg plot` as a user runs them, on the sample corpus."""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import plots
from kg.cli import cli


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def run(runner: CliRunner, store: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, [*args, "--store", str(store)])
    return result.exit_code, result.output


def test_view_writes_a_page_for_each_view(runner: CliRunner, seed_store: Path, tmp_path: Path) -> None:
    code, out = run(runner, seed_store, "view", "-o", str(tmp_path / "g.html"))
    assert code == 0 and "nodes" in out and (tmp_path / "g.html").stat().st_size > 500_000  # vis is inlined
    code, out = run(runner, seed_store, "view", "--agency", "市公安局", "-o", str(tmp_path / "a.html"))
    assert code == 0 and "市公安局 matches 2 agencies" in out  # both places' 市公安局, and it says so
    code, out = run(runner, seed_store, "view", "--overlap", "-j", "聊城市", "-o", str(tmp_path / "o.html"))
    assert code == 0
    page = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert "聊城市公安局" in page and "呼和浩特市公安局" not in page
    code, out = run(runner, seed_store, "view", "--topic", "drug control", "-o", str(tmp_path / "t.html"))
    assert code == 0 and "禁毒" in (tmp_path / "t.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--agency", "市公安"], "closest known"),
    (["--topic", "不存在的主题"], "no topic named"),
    (["--agency", "市公安局", "--topic", "禁毒"], "choose one view"),
    (["--overlap", "--min-shared", "999"], "nothing to show"),
    (["--jurisdiction", "火星"], "no jurisdiction"),
])
def test_view_mistakes_get_one_line(runner: CliRunner, seed_store: Path, tmp_path: Path, args: list[str],
                                    message: str) -> None:
    code, out = run(runner, seed_store, "view", *args, "-o", str(tmp_path / "x.html"))
    assert code == 1 and message in out and "Traceback" not in out
    assert not (tmp_path / "x.html").exists()


def test_view_without_a_store_says_so(runner: CliRunner, tmp_path: Path) -> None:
    code, out = run(runner, tmp_path / "nothing", "view")
    assert code == 1 and "Error" in out and "Traceback" not in out


def test_the_chart_font_has_chinese_glyphs() -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=plots.cjk_font()), fallback_to_default=False)
    font = FT2Font(path)
    assert all(font.get_char_index(ord(c)) for c in "公安局司法牵头配合呼和浩特聊城")


def test_plot_overlap_heatmap(runner: CliRunner, seed_store: Path, tmp_path: Path) -> None:
    out_png = tmp_path / "overlap.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (a box instead of 公) is a warning in matplotlib
        code, out = run(runner, seed_store, "plot", "overlap", "-j", "聊城市", "--top", "12", "-o", str(out_png))
    assert code == 0, out
    width, height = plots.heatmap_size(12)
    assert png_size(out_png) == (round(width * plots.DPI), round(height * plots.DPI))


def test_plot_workload(runner: CliRunner, seed_store: Path, tmp_path: Path) -> None:
    out_png = tmp_path / "workload.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out = run(runner, seed_store, "plot", "workload", "--top", "20", "-o", str(out_png))
    assert code == 0, out
    width, height = plots.workload_size(20)
    assert png_size(out_png) == (round(width * plots.DPI), round(height * plots.DPI))


def test_plot_needs_two_agencies(runner: CliRunner, evil_store: Path, tmp_path: Path) -> None:
    code, out = run(runner, evil_store, "plot", "overlap", "--top", "2", "-o", str(tmp_path / "p.png"))
    assert code == 0  # 测试市公安局 with 市网信办 and 市司法局
    code, out = run(runner, evil_store, "plot", "workload", "-j", "火星", "-o", str(tmp_path / "q.png"))
    assert code == 1 and "no jurisdiction" in out


def test_a_view_of_a_big_whole_graph_warns_first(runner: CliRunner, seed_store: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # at 100k measures the whole graph's view took minutes; a place's view takes seconds and says nothing, and so
    # does the overlap view (agencies only: 25 s)
    from kg import cli_views

    monkeypatch.setattr(cli_views, "WHOLE_GRAPH_WARNING", 100)  # the seeds have 139 measures
    code, out = run(runner, seed_store, "view", "-o", str(tmp_path / "g.html"))
    assert code == 0 and "warning: this view reads the whole graph (139 measures)" in out
    for args in (["-j", "呼和浩特市"], ["--agency", "市公安局"], ["--topic", "禁毒"], ["--overlap"]):
        code, out = run(runner, seed_store, "view", *args, "-o", str(tmp_path / "p.html"))
        assert code == 0 and "warning" not in out, args
