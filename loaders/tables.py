"""Task and progress tables flattened to text: each row becomes a measure.

A .docx table copied to text, an attachment such as 附件：重点任务分工表 or a web page's progress table
(重点民生实事完成情况表) arrives in one of three shapes:

* a row a line, its cells separated by tabs, two or more spaces, or ``|``::

      序号  工作任务                          牵头单位    配合单位          完成时限
      1     建立重点人员动态管控机制          市公安局    市司法局、市民政局  2016年底前

* a cell a line (``序号`` alone on its line), often with blank lines or ``|`` between cells;
* every cell on one line.

:func:`find_task_tables` finds the header by its column names (``data/table_headers.tsv``) and cuts the cells
after it into rows at the row numbers (1, 2, 3 … in sequence). Cells are then given to columns by what they
hold, not only by their position, because a flattened row loses its empty cells (a row with no figure shifts
left) and a web table may hold sub-rows (a task cell, then two or three sub-tasks each with its unit, goal and
figures): a unit column takes only names of bodies, a person column only people's names (分管领导 徐  平), a
rate only a percentage. A unit cell that ends with 、 or , goes on in the next cell. It is pure: text in, rows
out, with the source span of every cell, so that quotes stay verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

from loaders import lexicon
from loaders.agencies import looks_like_agency, split_agencies
from loaders.inline import is_generic_body, is_inline_agency
from loaders.outline import chinese_number
from loaders.text import fold_punctuation

__all__ = ["Cell", "TaskRow", "TaskTable", "cell_kind", "find_task_tables", "header_kind", "is_person_name",
           "split_cells"]

# Two or more spaces (ASCII or ideographic) or a tab separate cells; a lone space is inside a cell.
_SPACE_GAP = re.compile(r"[ \u3000\u00a0]{2,}|\t")
_PIPE = re.compile(r"[|｜]")
_MAX_CELLS = 64
_MAX_COLUMNS = 24  # header cells of one table, a cell a line
_MAX_TITLE = 60  # characters of a table's title line above its header
_MAX_HEADER = 16  # characters in a header cell
_MIN_HEADER = 3  # header cells a table needs
_UNITS = frozenset({"lead", "co", "list", "guide", "implement"})
# A row number: 1, 12, 一, (3). The first row is 1 (or 一); the next is the one after it.
_KEY = re.compile(r"[(（]?(?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）.、]?")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
# A person's name as a table writes it: two to four characters, sometimes spread with blanks (徐  平).
_PERSON = re.compile(r"[\u4e00-\u9fff](?:[ \u3000\u00a0]{0,3}[\u4e00-\u9fff]){1,3}")
_FIGURE = re.compile(r"[\d.]+\s*[%％‰]?|[\d.]+\s*[\u4e00-\u9fff/元]{1,6}")
_RATE = re.compile(r"[\d.]+\s*[%％]")
_SECTION = re.compile(r"[ \t\u3000]*(?:[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十]{1,3}[)）]|附件)")
_BRACKET_NOTE = re.compile(r"\([^()]*\)$")
_MAX_ORPHANS = 3  # rows' worth of cells without a row number that end a cell-a-line table


@dataclass
class Cell:
    text: str  # as the parsers read it, trimmed
    start: int  # offsets in the whole text
    end: int
    line: int  # 1-based


@dataclass
class TaskRow:
    line: int  # 1-based line of its first cell (its number)
    key: str  # the 序号 as written, or the row's ordinal when the table has no 序号 column
    cells: list[tuple[str, Cell]] = field(default_factory=list)  # (column kind, cell) in order; kinds repeat
    headers: dict[int, str] = field(default_factory=dict)  # id(cell) → its column's header, as written

    def first(self, kind: str) -> Cell | None:
        return next((cell for k, cell in self.cells if k == kind), None)

    def of(self, kind: str) -> list[Cell]:
        return [cell for k, cell in self.cells if k == kind]

    @property
    def last_line(self) -> int:
        return max((cell.line for _, cell in self.cells), default=self.line)


@dataclass
class TaskTable:
    header_line: int
    columns: list[str]  # column kind per position ("other" for a header the lexicon does not know)
    rows: list[TaskRow]
    headers: list[str] = field(default_factory=list)  # each column's header as written
    shape: str = "row-per-line"  # or cell-per-line, one-line

    @property
    def last_line(self) -> int:
        return max((row.last_line for row in self.rows), default=self.header_line)


@cache  # read once per process
def _headers() -> dict[str, str]:
    return {row[0]: row[1] for row in lexicon.table("table_headers.tsv") if len(row) >= 2}


@cache
def _header_words() -> tuple[str, ...]:
    return tuple(sorted(_headers(), key=len, reverse=True))


@cache
def _any_header() -> re.Pattern[str]:
    """Any header word: a line without one is neither a header nor part of one, and costs no split. (An
    alternation of plain words: the regex engine skips to their first characters itself.)"""
    return re.compile("|".join(re.escape(w) for w in _header_words()) or r"(?!)")


def header_kind(text: str) -> str | None:
    """The column a header cell names (序号 → key, 省重点民生实事项目名称 → task), or None."""
    if len(text) > 3 * _MAX_HEADER or _LABEL.search(text):
        return None  # (quick tests first: most lines asked about are prose or a label and its value)
    word = _HEADER_BLANKS.sub("", fold_punctuation(text)).rstrip(":")
    word = _PERCENT.sub("", word)
    if not word or len(word) > _MAX_HEADER:
        return None
    headers = _headers()
    if word in headers:
        return headers[word]
    if not word.endswith(_header_words()):
        return None
    return next((headers[w] for w in _header_words() if len(w) >= 2 and word.endswith(w)), None)


_HEADER_BLANKS = re.compile(r"\s+")
_LABEL = re.compile(r"[:：]\s*\S")  # 责任单位：市公安局 (a header cell ends at its colon, if it has one)
_PERCENT = re.compile(r"(?:\(%\)|%)$")


def split_cells(line: str) -> list[Cell]:
    """The cells of one flattened row (offsets in the line, line 0). Pipes win when the line has them."""
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
        cells.append(Cell(text.strip(), offset + a + lead, offset + a + lead + len(text.strip()), 0))
    return cells


# ── what a cell holds ─────────────────────────────────────────────────────────────────────────────


def cell_kind(text: str) -> str:
    """What a cell holds: ``empty``, ``key`` (a row number), ``units`` (names of bodies), ``person``, ``rate``
    (a percentage), ``figure`` (a number, maybe with a unit) or ``text``."""
    folded = fold_punctuation(text).strip()
    if not folded:
        return "empty"
    if _KEY.fullmatch(folded):
        return "key"
    if _RATE.fullmatch(folded):
        return "rate"
    if _FIGURE.fullmatch(folded):
        return "figure"
    if _names_units(folded):
        return "units"
    if all(is_person_name(part) for part in re.split("[、,]", folded) if part.strip()):
        return "person"
    return "text"


def is_person_name(text: str) -> bool:
    """A person's name as a table writes it (徐  平, 徐铭喜, 欧阳晓东): two to four characters, blanks allowed
    between them, starting with a common surname (``data/surnames.txt``), naming no body."""
    name = re.sub(r"[ \u3000\u00a0]+", "", text.strip())
    if not _PERSON.fullmatch(text.strip()) or looks_like_agency(name):
        return False
    surnames = _surnames()
    return name[:2] in surnames or (name[0] in surnames and len(name) <= 3)


@cache
def _surnames() -> frozenset[str]:
    return frozenset(lexicon.words("surnames.txt"))


def _names_units(folded: str) -> bool:
    """Every item of the list names a body (区统计局(数据统计评估牵头单位), 各乡、街道办事处), or bodies by kind
    (相关各单位), and one at least a body."""
    items = [folded[a:b].rstrip("。") for a, b in split_agencies(folded)]
    bodies = [is_inline_agency(item) or is_inline_agency(_BRACKET_NOTE.sub("", item)) for item in items]
    return any(bodies) and all(body or is_generic_body(item) for body, item in zip(bodies, items, strict=True))


_ACCEPTS: dict[str, frozenset[str]] = {
    "key": frozenset({"key"}),
    "task": frozenset({"text", "figure", "rate", "key", "person"}),
    "person": frozenset({"person"}),
    "target": frozenset({"figure", "rate", "text", "key"}),
    "result": frozenset({"figure", "rate", "text", "key"}),
    "rate": frozenset({"rate"}),
    "note": frozenset({"text", "figure", "rate", "person", "key"}),
    "deadline": frozenset({"text", "figure", "key"}),
    "other": frozenset({"text", "figure", "rate", "person", "key"}),
    **{unit: frozenset({"units"}) for unit in _UNITS},
}


# ── headers ───────────────────────────────────────────────────────────────────────────────────────


def _header_columns(cells: list[Cell]) -> list[str] | None:
    kinds = [header_kind(cell.text) or "other" for cell in cells]
    return kinds if _is_header(kinds) else None


def _is_header(kinds: list[str]) -> bool:
    named = [k for k in kinds if k != "other"]
    has_task = "task" in kinds or "target" in kinds
    return len(named) >= _MIN_HEADER and has_task and bool(_UNITS & set(kinds))


def _settle_columns(kinds: list[str]) -> list[str]:
    """A table with no task column takes its first target column for its task (目标任务 of a report on goals)."""
    if "task" in kinds or "target" not in kinds:
        return kinds
    first = kinds.index("target")
    return [*kinds[:first], "task", *kinds[first + 1 :]]


# ── finding tables ────────────────────────────────────────────────────────────────────────────────


@dataclass
class _Line:
    number: int
    start: int  # offset of the line in the text
    text: str
    cells: list[Cell]


class _Lines:
    """The lines of a text, each made a :class:`_Line` only when a reader asks for it (most never are)."""

    def __init__(self, text: str) -> None:
        self.texts = text.split("\n")
        self._starts: list[int] | None = None
        self.made: dict[int, _Line] = {}

    @property
    def starts(self) -> list[int]:
        if self._starts is None:  # only a text with a table needs them
            self._starts = [0, *accumulate(len(t) + 1 for t in self.texts)]
        return self._starts

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: int) -> _Line:
        line = self.made.get(i)
        if line is None:
            line = self.made[i] = _Line(i + 1, self.starts[i], self.texts[i], [])
        return line


def _cells_of(line: _Line) -> list[Cell]:
    if not line.cells:
        line.cells = [Cell(c.text, line.start + c.start, line.start + c.end, line.number)
                      for c in split_cells(line.text)]
    return line.cells


def find_task_tables(text: str) -> list[TaskTable]:
    """Every task or progress table in ``text``: its header line, column kinds and data rows (1-based lines)."""
    candidates = _header_lines(text)
    if not candidates:
        return []
    lines = _Lines(text)
    tables: list[TaskTable] = []
    i = 0
    for candidate in candidates:
        if candidate < i:
            continue  # inside a table already read
        found = _row_table(lines, candidate) or _cell_table(lines, candidate)
        if found is None:
            continue
        table, i = found
        if table.rows:
            tables.append(table)
    return tables


def _header_lines(text: str) -> list[int]:
    """The 0-based lines worth a look, in order, each once: those that hold a header word and are short (a cell a
    line, a title) or hold cells; prose that mentions a 任务 is neither, nor is a label and its value
    (责任单位：市公安局). One pass over the text finds them."""
    found: list[int] = []
    line, done, line_end = 0, 0, -1
    for match in _any_header().finditer(text):
        at = match.start()
        if at <= line_end:
            continue  # a line already judged
        line += text.count("\n", done, at)
        done = at
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        line_end = len(text) if line_end == -1 else line_end
        body = text[line_start:line_end].strip()  # (an indented line is no line of cells)
        if (len(body) <= _MAX_TITLE and not _LABEL.search(body)) or _CELL_MARKS.search(body):
            found.append(line)
    return found


_CELL_MARKS = re.compile(r"[|｜\t]|  |\u3000\u3000")


def _row_table(lines: _Lines, i: int) -> tuple[TaskTable, int] | None:
    """A header row (maybe continued on the next line) and then a row a line, or every cell on its line."""
    if not _PIPE.search(lines.texts[i]) and not _SPACE_GAP.search(lines.texts[i].strip()):
        return None  # one cell: no header row (a sentence that says 任务 is most lines that do)
    cells = _cells_of(lines[i])
    if len(cells) < _MIN_HEADER:
        return None
    kinds = [header_kind(cell.text) or "other" for cell in cells]
    headers = [cell.text for cell in cells]
    # All cells on one line: the header's cells, then row 1's number, then the rows.
    first_key = next((n for n, cell in enumerate(cells) if n >= _MIN_HEADER and _key_value(cell.text) == 1), None)
    if first_key is not None and _is_header(kinds[:first_key]):
        columns = _settle_columns(kinds[:first_key])
        table = TaskTable(lines[i].number, columns, [], headers[:first_key], "one-line")
        table.rows = _rows_from_stream(cells[first_key:], table)
        return table, i + 1
    if not _is_header(kinds):
        return None
    j = i + 1
    while j < len(lines) and not lines[j].text.strip():
        j += 1
    # A header wrapped onto a second line: its cells are all headers (任务完成率 | 备注).
    if j < len(lines):
        more = _cells_of(lines[j])
        if more and all(header_kind(c.text) for c in more):
            kinds += [header_kind(c.text) or "other" for c in more]
            headers += [c.text for c in more]
            j += 1
    columns = _settle_columns(kinds)
    table = TaskTable(lines[i].number, columns, [], headers)
    rows_start = j
    while j < len(lines) and not lines[j].text.strip():
        j += 1
    if j < len(lines) and len(_cells_of(lines[j])) < 2:
        return None  # one cell a line follows: not this shape
    j = rows_start
    while j < len(lines):
        cells = _cells_of(lines[j])
        if not cells:
            j += 1
            continue
        if len(cells) < 2 or _header_columns(cells) is not None:
            break
        row = _row(table, cells, lines[j].number)
        if row is not None:
            table.rows.append(row)
        j += 1
    return table, j


def _cell_table(lines: _Lines, i: int) -> tuple[TaskTable, int] | None:
    """A header of one cell a line (序号 / 项目名称 / 责任单位 …, blank lines allowed), then one cell a line."""
    first = lines.texts[i]
    if len(first.strip()) > _MAX_TITLE:
        return None  # prose that names a task, not a header cell (nor the title line above one)
    following = next((text for text in lines.texts[i + 1 : i + 4] if text.strip()), None)
    if header_kind(first) is None and (following is None or header_kind(following) is None):
        return None  # neither this line nor the next is a header cell
    kinds: list[str] = []
    headers: list[str] = []
    j = i
    unknown = 0
    while j < len(lines) and len(kinds) < _MAX_COLUMNS:  # a header has a bounded number of columns
        text = lines[j].text.strip()
        if not text:
            j += 1
            continue
        if len(_cells_of(lines[j])) != 1:
            break
        kind = header_kind(text)
        if kind is None:
            if _key_value(text) == 1 or unknown >= 1:
                break
            unknown += 1  # a header cell split over two lines (区政府办 / 协管责任人)
            kind = "other"
        else:
            unknown = 0
        kinds.append(kind)
        headers.append(text)
        j += 1
    while kinds and kinds[-1] == "other":
        kinds.pop()
        headers.pop()
        j -= 1
    skipped = 0
    while kinds and kinds[0] == "other":  # a title line above the header
        kinds.pop(0)
        headers.pop(0)
        skipped += 1
    while skipped and i < len(lines):
        i += 1
        skipped -= 1 if lines[i - 1].text.strip() else 0
    while i < len(lines) and not lines[i].text.strip():
        i += 1
    if not _is_header(kinds) or "key" not in kinds:
        return None
    table = TaskTable(lines[i].number, _settle_columns(kinds), [], headers, "cell-per-line")
    stream: list[Cell] = []
    orphans = 0
    k = j
    while k < len(lines):
        line = lines[k]
        text = line.text.strip()
        if text:
            if _SECTION.match(line.text) and stream:
                break  # the next section of the document
            cell = Cell(text, line.start + line.text.index(text[0]), line.start + line.text.index(text[0]) + len(text),
                        line.number)
            orphans = 0 if _key_value(text) is not None else orphans + 1
            if orphans > _MAX_ORPHANS * max(len(kinds), 1):
                break
            stream.append(cell)
        k += 1
    table.rows = _rows_from_stream(stream, table)
    return table, k


def _key_value(text: str) -> int | None:
    folded = fold_punctuation(text).strip().strip("().、")
    if folded.isdigit() and len(folded) <= 3:
        return int(folded)
    if folded and len(folded) <= 3 and all(ch in _CN_DIGITS or ch == "十" for ch in folded):
        return chinese_number(folded)  # as the outline reads its numbers
    return None


def _rows_from_stream(cells: list[Cell], table: TaskTable) -> list[TaskRow]:
    """Cut a stream of cells into rows at the row numbers, each the one after the last (1, 2, 3 …)."""
    rows: list[TaskRow] = []
    current: list[Cell] = []
    expected = 1
    for n, cell in enumerate(cells):
        # a row number is followed by its task (a figure after a number is a figure of the row: 55 after 5)
        task_follows = n + 1 < len(cells) and cell_kind(cells[n + 1].text) in ("text", "person")
        if _key_value(cell.text) == expected and task_follows and (not current or len(current) > 1):
            if current:
                rows.append(_aligned(table, current))
            current = [cell]
            expected += 1
        elif current:
            current.append(cell)
    if current:
        rows.append(_aligned(table, current))
    return [row for row in rows if row.first("task") is not None]


def _row(table: TaskTable, cells: list[Cell], number: int) -> TaskRow | None:
    columns = table.columns
    if "key" not in columns and len(cells) == len(columns) + 1:
        columns = ["key", *columns]  # rows numbered in a column the header leaves unnamed
    if "key" in columns and columns.index("key") == 0 and cell_kind(cells[0].text) != "key":
        return None  # a line that does not start with a number is not a row of a numbered table
    row = _aligned(TaskTable(table.header_line, columns, [], table.headers), cells)
    if row.first("task") is None:
        return None
    row.line = number
    if not row.key or "key" not in columns:
        row.key = str(len(table.rows) + 1)
    return row


def _aligned(table: TaskTable, cells: list[Cell]) -> TaskRow:
    """Give each cell its column: in order, skipping a column the cell cannot fill (the row left it empty); a text
    cell where a unit is due, followed by a unit, is a sub-task (and a new sub-row when the columns ran out)."""
    columns = table.columns
    headers = table.headers + [""] * (len(columns) - len(table.headers))
    units = next((n for n, kind in enumerate(columns) if kind in _UNITS), None)
    row = TaskRow(cells[0].line, "")
    p = 0
    has_task = False  # kept as a flag: looking it up in the row for every cell would be quadratic
    kinds = [cell_kind(cell.text) for cell in cells]
    for n, cell in enumerate(cells):
        kind = kinds[n]
        following = kinds[n + 1] if n + 1 < len(kinds) else None
        previous = row.cells[-1] if row.cells else None
        wrapped = previous is not None and previous[1].text.rstrip().endswith(("、", ",", "，"))
        if previous and previous[0] in _UNITS and kind == "units" and wrapped:
            _add(row, previous[0], cell, headers[columns.index(previous[0])])  # a unit cell wrapped onto the next
            continue
        if kind == "empty":
            p += 1 if p < len(columns) else 0
            continue
        if not has_task and p < len(columns) and columns[p] == "task":
            _add(row, "task", cell, headers[p])  # the cell after the number is the task, whatever it looks like
            p += 1
            has_task = True
            continue
        if units is not None and has_task and kind == "text" and following == "units" and (
            p >= len(columns) or p > units or columns[p] in _UNITS
        ):
            _add(row, "task", cell, headers[columns.index("task")] if "task" in columns else "")  # a sub-task
            p = units
            continue
        while p < len(columns) and kind not in _ACCEPTS.get(columns[p], _ACCEPTS["other"]):
            p += 1
        if p >= len(columns):
            _add(row, "note", cell, "")  # more cells than columns: kept as a note of the row
            continue
        _add(row, columns[p], cell, headers[p])
        has_task = has_task or columns[p] == "task"
        p += 1
    key = row.first("key")
    row.key = key.text if key else ""
    return row


def _add(row: TaskRow, kind: str, cell: Cell, header: str) -> None:
    row.cells.append((kind, cell))
    row.headers[id(cell)] = header
