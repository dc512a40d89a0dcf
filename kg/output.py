"""Rows → table | json | csv, the same options on every query command.

Tables are aligned by display width (a Chinese character takes two terminal columns), CSV is UTF-8 with a
BOM so Excel opens Chinese correctly, JSON keeps Chinese readable (no \\u escapes).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, TextIO

from wcwidth import wcswidth

FORMATS = ("table", "json", "csv")
MAX_CELL = 48  # display columns a table cell may take before it is shortened with …


def display_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)  # control characters: count them as one column each


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    # a table row is one line: document text may hold line breaks and tabs
    return " ".join(str(value).split())


def _shorten(text: str, limit: int = MAX_CELL) -> str:
    if display_width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = max(display_width(ch), 0)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def format_table(rows: Sequence[dict], columns: Sequence[str], full: Sequence[str] = ()) -> str:
    """An aligned table; cells longer than MAX_CELL columns are shortened, except in ``full`` columns."""
    cells = [[_cell(row.get(c)) if c in full else _shorten(_cell(row.get(c))) for c in columns] for row in rows]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (widths[i] - display_width(v)) for i, v in enumerate(values)]
        return "  ".join(padded).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out) + "\n"


def format_csv(rows: Sequence[dict], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return "\ufeff" + buf.getvalue()


def format_json(rows: Sequence[dict], columns: Sequence[str], meta: dict | None = None) -> str:
    body: dict[str, Any] = dict(meta or {})
    body["rows"] = [{c: row.get(c) for c in columns} for row in rows]
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def emit(
    rows: Sequence[dict],
    columns: Sequence[str],
    fmt: str,
    *,
    notes: Sequence[str] = (),
    meta: dict | None = None,
    full: Sequence[str] = (),
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> None:
    """Write rows in the chosen format. Notes (how a name was resolved, totals) go above a table, and to
    stderr for json/csv so that the data stream stays clean; json also carries them under "notes"."""
    import sys

    out = out or sys.stdout
    err = err or sys.stderr
    if fmt == "json":
        out.write(format_json(rows, columns, {**(meta or {}), "notes": list(notes)}))
        return
    if fmt == "csv":
        for note in notes:
            err.write(note + "\n")
        out.write(format_csv(rows, columns))
        return
    for note in notes:
        out.write(note + "\n")
    if rows:
        out.write(format_table(rows, columns, full))
    else:
        out.write("(no rows)\n")
