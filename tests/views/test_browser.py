"""The pages in a real headless Chromium: they draw, fetch nothing, and never run document text as code."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from chromium import CHROMIUM, Browser
from click.testing import CliRunner
from synthetic import synthetic_graph

from kg import views
from kg.cli import cli

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="needs Debian's chromium for real-browser checks: apt-get install -y chromium fonts-noto-cjk")


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201
    with Browser() as b:
        yield b


def drawn_pixels(png: Path) -> int:
    """Pixels that are neither the white background nor the page's panels (left and bottom-right corners)."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB"))
    box = pixels[120:-60, 440:-20]  # the canvas area, clear of the title and the legend
    return int((box != 255).any(axis=2).sum())


def offsite(urls: list[str], page: Path) -> list[str]:
    own = page.resolve().as_uri()
    return [u for u in urls if u != own and not u.startswith("data:")]


VIEWS = {
    "whole": [],
    "agency": ["--agency", "市公安局", "--jurisdiction", "呼和浩特市"],
    "overlap": ["--overlap", "--min-shared", "2"],
    "topic": ["--topic", "禁毒"],
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_each_view_draws_offline(name: str, seed_store: Path, tmp_path: Path, browser: Browser) -> None:
    page = tmp_path / f"{name}.html"
    result = CliRunner().invoke(cli, ["view", *VIEWS[name], "-o", str(page), "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    browser.events.clear()
    browser.open(page, until="window.__kgDrawn === true && window.__kgStable === true")
    time.sleep(0.2)
    shot = browser.screenshot(tmp_path / f"{name}.png")
    assert drawn_pixels(shot) > 2000, "the canvas is blank"
    assert browser.console_errors() == []
    assert offsite(browser.requests(), page) == []
    assert browser.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '公安局')") is True


def test_injected_script_in_a_document_never_runs(evil_store: Path, tmp_path: Path, browser: Browser) -> None:
    page = tmp_path / "evil.html"
    result = CliRunner().invoke(cli, ["view", "-o", str(page), "--store", str(evil_store)])
    assert result.exit_code == 0, result.output
    browser.events.clear()
    browser.open(page, until="window.__kgDrawn === true && window.__kgStable === true")
    title = browser.evaluate("document.title")
    # hover the measure whose text carries the payload, so its tooltip is built and shown
    point = browser.evaluate("""(() => {
        const net = window.kgNetwork;
        const id = net.body.data.nodes.getIds().find(i => i.endsWith('-001'));
        const p = net.canvasToDOM(net.getPosition(id));
        return [p.x, p.y];
    })()""")
    for dx in (0, 1, 0):  # vis shows a popup after the pointer rests on a node
        browser.hover(point[0] + dx, point[1])
        time.sleep(0.4)
    tooltip = browser.evaluate("""(() => { const t = document.querySelector('div.vis-tooltip');
        return t ? {visible: t.style.visibility !== 'hidden', text: t.textContent,
                    imgs: t.querySelectorAll('img, script').length} : null; })()""")
    assert tooltip is not None and tooltip["visible"], "the tooltip did not open"
    assert "<script>window.__pwned=1" in tooltip["text"] and "onerror" in tooltip["text"]  # shown as text
    assert tooltip["imgs"] == 0
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert title == browser.evaluate("document.title") != "pwned"
    assert offsite(browser.requests(), page) == []  # the <img src=x> was never requested


def test_five_thousand_nodes_open_and_stay_usable(tmp_path: Path, browser: Browser) -> None:
    page = views.write_html(views.graph_view(synthetic_graph(5000)), tmp_path / "big.html")
    seconds = browser.open(page, timeout=90)
    assert browser.evaluate("window.kgNetwork.body.data.nodes.length") >= 4980
    start = time.monotonic()  # a zoom redraws within a frame budget a person would accept
    browser.evaluate("window.kgNetwork.moveTo({scale: 0.5}); window.kgNetwork.redraw(); 1")
    assert time.monotonic() - start < 5
    assert drawn_pixels(browser.screenshot(tmp_path / "big.png")) > 2000
    print(f"5k nodes drawn in {seconds:.1f} s")
