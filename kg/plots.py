"""PNG charts with matplotlib: a heatmap of shared measures between agencies, and measures per agency by role.

Chinese labels need a CJK font that exists on a fresh machine. We take Noto Sans CJK SC from the ``mplfonts``
package on PyPI (so ``pip install`` is enough), else a system one (Debian's ``fonts-noto-cjk``); with neither,
one clear error instead of a chart of boxes. matplotlib is used through ``Figure`` and the Agg canvas, not
pyplot, so no global backend or state is touched, and it is imported inside the functions.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["DPI", "NoCJKFont", "cjk_font", "overlap_heatmap", "workload_bars"]

DPI = 110
ROLE_COLUMNS = (("lead", "牵头 lead", "#c0392b"), ("co", "配合 co", "#2c7fb8"), ("guide", "指导 guide", "#8e44ad"),
                ("implement", "落实 implement", "#95a5a6"))
# system fonts tried after mplfonts, in order (Debian fonts-noto-cjk, then other common CJK families)
_SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                    "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "SimHei")


class NoCJKFont(RuntimeError):
    """No font with Chinese glyphs was found; the message says what to install."""


@cache
def cjk_font() -> str:
    """The family name of a CJK font registered with matplotlib (adding the bundled one if needed)."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec("mplfonts")  # found, not imported: its __init__ is not needed
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / "NotoSansCJKsc-Regular.otf"
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in _SYSTEM_FAMILIES:
        if family in available:
            return family
    raise NoCJKFont("no Chinese font for the charts: `pip install mplfonts` (bundles Noto Sans CJK SC) or "
                    "`apt-get install fonts-noto-cjk`")


def _figure(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _rc() -> dict[str, Any]:
    return {"font.family": [cjk_font(), "DejaVu Sans"], "axes.unicode_minus": False, "font.size": 10}


def heatmap_size(n: int) -> tuple[float, float]:
    """Figure size in inches for an n × n heatmap (pixels = inches × DPI)."""
    side = max(6.0, 2.8 + 0.36 * n)
    return side + 1.2, side


def workload_size(n: int) -> tuple[float, float]:
    return 10.0, max(3.0, 1.3 + 0.3 * n)


def overlap_heatmap(agencies: Sequence[dict], pairs: Sequence[dict], path: Path, top: int = 30,
                    title: str = "shared measures") -> Path:
    """Write a heatmap of shared measures between the ``top`` agencies with the most measures.

    ``agencies``: rows of ``queries.agencies`` (agency, name, jurisdiction, measures …);
    ``pairs``: rows of ``queries.overlap_top`` (agencyA, agencyB, shared). Rows are grouped by jurisdiction.
    """
    import matplotlib
    import numpy as np

    chosen = sorted(agencies, key=lambda a: (-int(a["measures"]), a["name"]))[:top]
    chosen.sort(key=lambda a: (a["jurisdiction"] or "", -int(a["measures"]), a["name"]))
    # an agency is counted, and paired, in each place apart (one name written in plans of several places)
    index = {(a["agency"], a["jurisdiction"]): i for i, a in enumerate(chosen)}
    n = len(chosen)
    grid = np.zeros((n, n))
    for p in pairs:
        i, j = index.get((p["agencyA"], p["jurisdiction"])), index.get((p["agencyB"], p["jurisdiction"]))
        if i is not None and j is not None:
            grid[i, j] = grid[j, i] = int(p["shared"])
    labels = [f"{a['name']} ({a['measures']})" for a in chosen]
    with matplotlib.rc_context(_rc()):
        fig, ax = _figure(*heatmap_size(n))
        shown = np.ma.masked_where(np.eye(n, dtype=bool), grid)
        image = ax.imshow(shown, cmap="YlOrRd", vmin=0, vmax=max(1, grid.max()), interpolation="nearest")
        ax.set_xticks(range(n), labels, rotation=60, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(n), labels)
        ax.set_facecolor("#eeeeee")  # the masked diagonal
        if n <= 40:
            for i in range(n):
                for j in range(n):
                    if grid[i, j]:
                        ax.text(j, i, str(int(grid[i, j])), ha="center", va="center", fontsize=7,
                                color="white" if grid[i, j] > grid.max() * 0.6 else "#333333")
        ax.set_title(f"{title}  （括号内为机构参与的措施数 measures per agency）", fontsize=12)
        fig.colorbar(image, ax=ax, shrink=0.6, label="共同措施数 shared measures")
        fig.savefig(path, dpi=DPI)
    return path


def workload_bars(agencies: Sequence[dict], path: Path, top: int = 30, title: str = "measures per agency") -> Path:
    """Write horizontal bars: for the ``top`` agencies with the most measures, how many they lead, co-lead,
    guide and implement (rows of ``queries.agencies``)."""
    import matplotlib

    chosen = sorted(agencies, key=lambda a: (-int(a["measures"]), -int(a["lead"]), a["name"]))[:top]
    chosen.reverse()  # barh draws bottom-up; the busiest agency goes on top
    n = len(chosen)
    several_places = len({a["jurisdiction"] for a in chosen}) > 1
    labels = [a["name"] + (f"（{a['jurisdiction']}）" if several_places and a["jurisdiction"]
                           and a["jurisdiction"] not in a["name"] else "")
              for a in chosen]
    with matplotlib.rc_context(_rc()):
        fig, ax = _figure(*workload_size(n))
        left = [0] * n
        for key, text, colour in ROLE_COLUMNS:
            values = [int(a.get(key) or 0) for a in chosen]
            if any(values):
                ax.barh(range(n), values, left=left, color=colour, label=text, height=0.7)
                left = [x + v for x, v in zip(left, values, strict=True)]
        for y, total in enumerate(left):
            ax.text(total + 0.15, y, str(total), va="center", fontsize=8, color="#333333")
        ax.set_yticks(range(n), labels)
        ax.set_xlabel("措施数 measures")
        ax.set_title(title, fontsize=12)
        ax.legend(loc="lower right", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, max(left, default=1) * 1.08 + 1)
        ax.set_ylim(-0.6, n - 0.4)
        fig.savefig(path, dpi=DPI)
    return path
