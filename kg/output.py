"""Rows → table | json | csv, the same options on every query command.

Tables are aligned by display width (a Chinese character takes two terminal columns), CSV is UTF-8 with a
BOM so Excel opens Chinese correctly, JSON keeps Chinese readable (no \\u escapes).

What a document says reaches a terminal or a spreadsheet only made harmless (kg.neutralise): control characters
in a table cell or a note are shown as escapes (\\x1b), and a CSV cell that would start a formula gets a single
quote in front. JSON keeps every value exact.
"""

from __future__ import annotations

import io
import json
import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate, repeat
from typing import Any, TextIO

from kg.neutralise import terminal_text

FORMATS = ("table", "json", "csv")
MAX_CELL = 48  # display columns a table cell may take before it is shortened with …


def wcswidth(text: str) -> int:
    """wcwidth.wcswidth, except for plain text (see _PLAIN), whose width is its length plus one column for each
    wide character, and plain text with narrow punctuation and symbols among it (_NARROW_RANGES: “” — … ① ≥ ℃):
    nearly every cell of a Chinese plan. wcwidth is imported only for the others (its import is 20-80 ms of a
    command that prints a few lines, and the … that ends every shortened cell used to bring it in)."""
    if not _PLAIN.fullmatch(text):
        narrowed = text.translate(_NARROW_AS_ASCII)
        if not _PLAIN.fullmatch(narrowed):
            from wcwidth import wcswidth as measure

            return measure(text)
        text = narrowed
    return (len(text) + len(text.encode("utf-8"))) // 2  # a wide character is 3 bytes in UTF-8, 1 column more


def _wcwidth_module() -> Any:
    import wcwidth

    return wcwidth


def display_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)  # control characters: count them as one column each


class _CharWidths(dict):
    """display_width of single characters, filled on first use: _cut looks up every character of a long
    cell, and the same few thousand characters come back in every answer (so the dict stays small)."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = max(display_width(ch), 0)
        return width


_CHAR_WIDTH = _CharWidths()

# Text made only of printable ASCII (one column) and of CJK ideographs, CJK punctuation and fullwidth forms
# (two columns, three UTF-8 bytes, no combining or variation marks among them, so no character changes the
# width of its neighbour): most of a Chinese plan. Its width follows from its length and UTF-8 size, which
# finds where to shorten it without looking at each character. tests/test_output_speed.py checks the ranges.
_PLAIN = re.compile(r"[\x20-\x7e\u3001-\u3029\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6]*")

# Characters one column wide besides ASCII, none of them combining or zero-width, none changing the width of a
# neighbour: Latin-1 signs (· ×), general punctuation (“ ” ‘ ’ — … ‰), letterlike symbols and number forms
# (℃ Ⅰ), arrows, mathematical operators (≥ ≤ √), enclosed numbers (①), box drawing and geometric shapes (● ■ ★).
# Chinese plans quote with “” and … ends every shortened cell. Measured as ASCII letters; the test that checks
# _PLAIN checks these against the installed wcwidth too.
_NARROW_RANGES = ((0xA1, 0xAC), (0xAE, 0xFF), (0x2010, 0x2027), (0x2030, 0x205E), (0x2100, 0x2319),
                  (0x2460, 0x25FC), (0x25FF, 0x2613))
_NARROW_AS_ASCII = {code: "a" for low, high in _NARROW_RANGES for code in range(low, high + 1)}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    # a table row is one line: document text may hold line breaks and tabs; other control characters (ESC,
    # bidi overrides …) are shown as escapes, never sent to the terminal
    return terminal_text(" ".join(str(value).split()))


def _cut(text: str, room: int) -> int:
    """How many leading characters of text fit in room columns, each character counted on its own."""
    if not _PLAIN.fullmatch(text):
        # running sums of the character widths are sorted (no width is negative): bisect finds the end
        return bisect_right(list(accumulate(map(_CHAR_WIDTH.__getitem__, text))), room)
    # plain text as one byte per column (C-level passes, no loop over characters): its UTF-8 with each ASCII
    # byte made "a", a wide character's lead byte dropped and its two continuation bytes made "W"
    columns = text.encode().translate(_COLUMN_BYTES, _LEAD_BYTES)[:max(room, 0)]
    wide = columns.count(b"W")  # two per wide character that fits; an odd one is half of one that does not
    return len(columns) - wide + wide // 2


# for _cut: ASCII bytes become "a", UTF-8 continuation bytes (0x80–0xBF) "W"; lead bytes of three-byte
# characters are dropped (plain text has no other bytes)
_COLUMN_BYTES = bytes(ord("a") if b < 0x80 else ord("W") if b <= 0xBF else b for b in range(256))
_LEAD_BYTES = bytes(range(0xE0, 0xF0))


def _shorten(text: str, limit: int = MAX_CELL) -> str:
    if display_width(text) <= limit:
        return text
    return text[: _cut(text, limit - 1)] + "…"


def _column(header: str, values: Sequence, full: bool) -> tuple[list[str], int]:
    """One column's cells, padded to the column's width, and that width.

    The work is done once per distinct value (answers repeat names, places and units thousands of times)
    and mostly by map() over C functions; per cell there is only a dict lookup."""
    # the distinct values first: a column all of text (most are) is known as such from them (a str is never
    # equal to a value of another type, so none hides behind one), without a pass over every cell
    distinct = list(dict.fromkeys(values))
    raw = values
    if not set(map(type, distinct)) <= {str}:
        kinds = set(map(type, values))  # every cell's: 1, 1.0 and True are one key of a dict
        if kinds == {float}:
            raw = list(map(format, values, repeat(".3f")))  # what _cell does to a float, without a call per cell
        elif kinds == {int}:
            raw = list(map(str, values))  # years, counts: _cell's text, without a call per cell
        else:
            raw = [v if type(v) is str else _cell(v) for v in values]  # _cell's text of _cell's text: no change
        distinct = list(dict.fromkeys(raw))
    texts = list(map(terminal_text, map(" ".join, map(str.split, distinct))))  # _cell's text, C-level passes
    widths = _widths(texts)
    for i in [i for i, w in enumerate(widths) if w < 0 or (w > MAX_CELL and not full)]:
        text = texts[i]
        if widths[i] < 0:
            widths[i] = len(text)  # as display_width: control characters count one column each
        if widths[i] > MAX_CELL and not full:
            texts[i] = text = text[: _cut(text, MAX_CELL - 1)] + "…"
            widths[i] = display_width(text)
    width = max(display_width(header), max(widths, default=0))
    padded = dict(zip(distinct, [t + " " * (width - w) for t, w in zip(texts, widths, strict=True)], strict=True))
    return list(map(padded.__getitem__, raw)), width


def _widths(texts: list[str]) -> list[int]:
    """wcswidth of each text. A column all of printable ASCII, or all of plain text (_PLAIN), is measured as a
    whole with C-level passes (most columns of an answer: ids, names, keys), without importing wcwidth."""
    joined = "".join(texts)
    if joined.isascii() and joined.isprintable():
        return list(map(len, texts))
    plain = _PLAIN.fullmatch(joined) is not None
    if not plain and _PLAIN.fullmatch(joined.translate(_NARROW_AS_ASCII)):
        texts = list(map(str.translate, texts, repeat(_NARROW_AS_ASCII)))  # as wcswidth does, each at once
        plain = True
    if plain:
        # as wcswidth does for one plain text: length plus one column per three-byte (wide) character
        return [(n + b) // 2 for n, b in zip(map(len, texts), map(len, map(str.encode, texts)), strict=True)]
    # wcwidth measures faster per string than the plain-text rule once imported: worth importing for many
    return list(map(_wcwidth_module().wcswidth if len(texts) > 256 else wcswidth, texts))


def format_table(rows: Sequence[dict], columns: Sequence[str], full: Sequence[str] = ()) -> str:
    """An aligned table; cells longer than MAX_CELL columns are shortened, except in ``full`` columns."""
    # column by column, then zip the padded columns into lines; rows that can give a whole column (a
    # kg.tables.Answer: tuples from SQLite) give it without a dict per row
    column = getattr(rows, "column", None)
    built = [_column(c, column(c) if column else list(map(dict.get, rows, repeat(c))), c in full) for c in columns]
    widths = [w for _, w in built]

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (widths[i] - display_width(v)) for i, v in enumerate(values)]
        return "  ".join(padded).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    if columns:
        out.extend(map(str.rstrip, map("  ".join, zip(*[cells for cells, _ in built], strict=True))))
    else:
        out.extend("" for _ in rows)  # no columns: every row is an empty line
    return "\n".join(out) + "\n"


def format_csv(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """CSV for spreadsheets: every cell through kg.neutralise.spreadsheet_cell (a cell that would start a
    formula gets a single quote in front; plain numbers such as -3 do not). Column by column, each distinct
    text guarded once, as format_table does (answers repeat names and places thousands of times)."""
    import csv

    from kg.neutralise import spreadsheet_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(map(spreadsheet_cell, columns)))
    column = getattr(rows, "column", None)
    cells = [_csv_column(column(c) if column else list(map(dict.get, rows, repeat(c))), spreadsheet_cell)
             for c in columns]
    writer.writerows(zip(*cells, strict=True) if cells else ([] for _ in rows))
    return "\ufeff" + buf.getvalue()


def _csv_column(values: Sequence[Any], guard: Any) -> list[Any]:
    distinct = dict.fromkeys(values)
    kinds = set(map(type, distinct))
    if kinds <= {int, float, bool, type(None)}:  # numbers are never formulas (a spreadsheet reads -3 as -3)
        return list(values)  # the csv module writes None as an empty cell
    if kinds <= {str, type(None)}:  # 1, 1.0 and True are one dict key: text only here
        texts = [v for v in distinct if v]
        if not _MAY_NEED_GUARD.search("\n".join(texts)):  # the usual column: nothing to look at one by one
            return list(values)
        guarded = {v: v if v is None else guard(v) for v in distinct}
        return list(map(guarded.__getitem__, values))
    return [_csv_cell(v, guard) for v in values]


# a line that starts as a guarded cell might (kg.neutralise.FORMULA_STARTS, or a quote): a cheap first look at
# a whole column joined by line feeds (a value's own line breaks only send it to the exact check)
_MAY_NEED_GUARD = re.compile("^[=+\\-@\t\r\x00']", re.MULTILINE)


def _csv_cell(value: Any, guard: Any) -> Any:
    if isinstance(value, str):
        return guard(value)
    return value  # a number, True/False or None (written as an empty cell)


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
            err.write(terminal_text(note) + "\n")
        out.write(format_csv(rows, columns))
        return
    for note in notes:
        out.write(terminal_text(note) + "\n")
    if rows:
        out.write(format_table(rows, columns, full))
    else:
        out.write("(no rows)\n")
