"""Task tables flattened to text: 任务分工表 rows become measures.

A .docx table copied to text, or an attachment such as 附件：重点任务分工表, arrives as one row a line with
its cells separated by tabs, two or more spaces, or ``|``::

    序号  工作任务                          牵头单位    配合单位          完成时限
    1     建立重点人员动态管控机制          市公安局    市司法局、市民政局  2016年底前

:func:`find_task_tables` finds the header row by its column names (``data/table_headers.tsv``: 序号,
工作任务/重点任务/具体措施, 牵头单位, 配合单位/责任单位/参与单位, 完成时限/时间节点) and returns every data
row with the source span of each cell, so that quotes stay verbatim. It is pure: lines in, rows out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from loaders import lexicon
from loaders.text import fold_punctuation

__all__ = ["Cell", "TaskRow", "TaskTable", "find_task_tables", "split_cells"]

# Two or more spaces (ASCII or ideographic) or a tab separate cells; a lone space is inside a cell.
_SPACE_GAP = re.compile(r"[ \u3000]{2,}|\t")
_PIPE = re.compile(r"[|｜]")
_MAX_CELLS = 12
_MAX_HEADER = 12  # characters in a header cell


@dataclass
class Cell:
    text: str  # as written, trimmed
    start: int  # offsets in the line
    end: int


@dataclass
class TaskRow:
    line: int  # 1-based
    key: str  # the 序号 as written, or the row's ordinal when the table has no 序号 column
    cells: dict[str, Cell] = field(default_factory=dict)  # column kind → cell


@dataclass
class TaskTable:
    header_line: int
    columns: list[str]  # column kind per position (None-free: unknown headers are "other")
    rows: list[TaskRow]

    @property
    def last_line(self) -> int:
        return self.rows[-1].line if self.rows else self.header_line


@cache  # read once per process
def _headers() -> dict[str, str]:
    return {row[0]: row[1] for row in lexicon.table("table_headers.tsv") if len(row) >= 2}


@cache
def _task_word() -> re.Pattern[str]:
    """Any task-column header: a line without one is not a header, and costs no split."""
    words = sorted((w for w, kind in _headers().items() if kind == "task"), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words) or r"(?!)")


def split_cells(line: str) -> list[Cell]:
    """The cells of one flattened row. Pipes win when the line has them (a Markdown table)."""
    body = line.strip()
    if not body:
        return []
    offset = line.index(body[0])
    if _PIPE.search(body):
        pieces = [(m.start(), m.end()) for m in _PIPE.finditer(body)]
        bounds = [0] + [e for _, e in pieces]
        stops = [s for s, _ in pieces] + [len(body)]
        spans = list(zip(bounds, stops, strict=True))
        # | a | b | has an empty cell before the first and after the last pipe
        spans = [(a, b) for n, (a, b) in enumerate(spans) if body[a:b].strip() or 0 < n < len(spans) - 1]
    else:
        spans, start = [], 0
        for m in _SPACE_GAP.finditer(body):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, len(body)))
    cells = []
    for a, b in spans[:_MAX_CELLS]:
        text = body[a:b]
        lead = len(text) - len(text.lstrip())
        cells.append(Cell(text.strip(), offset + a + lead, offset + a + lead + len(text.strip())))
    return cells


def _header_columns(cells: list[Cell]) -> list[str] | None:
    headers = _headers()
    kinds = []
    for cell in cells:
        word = re.sub(r"\s+", "", fold_punctuation(cell.text)).rstrip(":")
        kinds.append(headers.get(word, "other") if len(word) <= _MAX_HEADER else "other")
    units = {"lead", "co", "list", "guide"} & set(kinds)
    if len(cells) < 3 or "task" not in kinds or not units:
        return None
    return kinds


def find_task_tables(lines: list[str]) -> list[TaskTable]:
    """Every task table in ``lines``: its header line, column kinds and data rows (1-based lines).

    A table runs from its header to the first non-blank line that does not split into at least two cells.
    A data row needs a task cell; its key is the 序号 cell as written (一, 1, (1)) or its ordinal.
    """
    tables: list[TaskTable] = []
    current: TaskTable | None = None
    task_word = _task_word()
    for number, line in enumerate(lines, start=1):
        if current is None and not task_word.search(line):
            continue
        cells = split_cells(line)
        if current is not None:
            if not cells:
                continue
            if len(cells) >= 2 and _header_columns(cells) is None:
                row = _row(current, cells, number)
                if row is not None:
                    current.rows.append(row)
                continue
            current = None
        columns = _header_columns(cells) if len(cells) >= 3 else None
        if columns is not None:
            current = TaskTable(number, columns, [])
            tables.append(current)
    return [t for t in tables if t.rows]


def _row(table: TaskTable, cells: list[Cell], number: int) -> TaskRow | None:
    columns = table.columns
    if "key" not in columns and len(cells) == len(columns) + 1:
        columns = ["key", *columns]  # rows numbered in a column the header leaves unnamed
    row = TaskRow(number, "")
    for kind, cell in zip(columns, cells, strict=False):
        if kind != "other" and cell.text and kind not in row.cells:
            row.cells[kind] = cell
    if "task" not in row.cells:
        return None
    key = row.cells.get("key")
    row.key = key.text if key else str(len(table.rows) + 1)
    return row
