"""A table row (:mod:`loaders.tables`) as a measure and the statistics its progress cells report.

* key: the row's number; heading: its task cell; text: the row as written from the task cell on;
* duties: the unit columns (牵头单位 leads, 配合单位 is co, 责任单位 is a list whose first unit leads), a unit
  cell's own role words (市公安局牵头), and actors named inside the task cell;
* targets: the task cell and its sub-tasks read as any measure text (the 完成时限 cell as their deadline),
  and the goal cells (目标任务 1300人): a goal cell no target cue explains is its own target, its first number;
* statistics: the progress cells (完成情况, 完成率, 备注), credited to the unit of their (sub-)row, with the row's
  task and the column's header as their metric (新增城镇就业（1-8月实际完成情况）); a figure written without
  a unit takes the unit of its row's goal (700 under 1300人 is 700 人).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.agencies import agency_problem
from loaders.duties import find_column_duties, to_assignment
from loaders.inline import find_inline_duties, is_generic_body
from loaders.model import Assignment, Measure, Outcome, Target
from loaders.mood import RESULT
from loaders.numbers import parse_number
from loaders.reports import find_outcomes
from loaders.tables import Cell, TaskRow
from loaders.targets import find_targets
from loaders.text import Source, join_lines
from loaders.topics import find_topics

__all__ = ["row_measure"]

_MAX_ROW_HEADING = 45
_UNIT_KINDS = ("lead", "co", "list", "guide", "implement")
_PROGRESS = ("result", "rate", "note")
# The first number of a goal cell and the unit written right after it: 1300人, 10000万, 300元/人, 2所, 8950.
_GOAL = re.compile(r"(\d+(?:\.\d+)?)\s*((?:万|亿)?(?:[%‰]|[\u4e00-\u9fff]{1,2}(?:/[\u4e00-\u9fff])?)?)")
_FIGURE = _GOAL


@dataclass
class RowFacts:
    measure: Measure
    outcomes: list[Outcome]  # as read: agency is the unit as written, resolved with the document's place
    start: int  # the source span of the row's cells
    end: int


def row_measure(src: Source, row: TaskRow) -> RowFacts:
    tasks = row.of("task")
    main = tasks[0]
    same_line = all(cell.line == main.line for _, cell in row.cells if cell.start >= main.start)
    if same_line:
        text = src.quote(main.start, max(c.end for _, c in row.cells))
    else:
        text = " | ".join(src.quote(c.start, c.end) for _, c in row.cells if c.start >= main.start)
    sentence = main.text.strip().rstrip("。")
    heading = sentence if sentence and "。" not in sentence and len(sentence) <= _MAX_ROW_HEADING else None
    units = [(kind, cell) for kind, cell in row.cells if kind in _UNIT_KINDS]
    column = find_column_duties([(kind, cell.text, cell.start, cell.end) for kind, cell in units])
    column = [duty for duty in column if not is_generic_body(duty.as_written)]  # 相关各单位: nobody in particular
    assignments = [
        Assignment(d.as_written, src.written_name(d.as_written, d.start, d.end), d.role, d.basis,
                   src.quote(d.start, d.end), src.line_of(d.start))
        for d in column
    ]
    for task in tasks:
        joined = join_lines(src, task.start, task.end)
        assignments += [to_assignment(src, joined, duty) for duty in find_inline_duties(joined, column)]
    measure = Measure(
        id="",
        key=row.key,
        heading=heading,
        text=text,
        line=row.line,
        assignments=assignments,
        targets=_targets(src, row),
        topics=find_topics(" ".join(cell.text for cell in tasks)),
    )
    cells = [cell for _, cell in row.cells]
    return RowFacts(measure, _outcomes(src, row), min(c.start for c in cells), max(c.end for c in cells))


def _targets(src: Source, row: TaskRow) -> list[Target]:
    deadline = row.first("deadline")
    prefix = f"{deadline.text}，" if deadline else ""
    found: list[Target] = []
    tasks = row.of("task")
    for task in tasks:
        found += _cell_targets(src, task, prefix)
    goal_of = _goal_tasks(row)
    for cell in row.of("target"):
        targets = _cell_targets(src, cell, prefix)
        if not any(t.value is not None for t in targets):
            bare = _bare_goal(src, cell, goal_of.get(id(cell), tasks[0]).text)
            targets = [bare] if bare else targets
        found += targets
    return found


def _cell_targets(src: Source, cell: Cell, prefix: str) -> list[Target]:
    """Targets of one cell, read with the 完成时限 cell put first ("2016年底前，…"), the way the target reader
    expects a deadline; a quote is cut back to the cell as written."""
    targets = find_targets(prefix + cell.text, first_line=cell.line)
    for target in targets:
        quote = target.quote[len(prefix) :] if prefix and target.quote.startswith(prefix) else target.quote
        if not quote or quote not in cell.text:
            quote = cell.text
        target.quote = src.written(quote, cell.start, cell.end)
        target.line = cell.line
    return targets


def _bare_goal(src: Source, cell: Cell, task: str) -> Target | None:
    """A goal cell that is a figure (1300人, 8950, 100%): the target is to reach it."""
    found = _GOAL.match(cell.text.strip())
    if found is None:
        return None
    value = parse_number(found.group(1))
    if value is None:
        return None
    unit = found.group(2) or None
    return Target(metric=task.strip().rstrip("。"), comparator=">=", value=value, unit=unit, deadline=None,
                  quote=src.quote(cell.start, cell.end), line=cell.line)


def _goal_tasks(row: TaskRow) -> dict[int, Cell]:
    """Each goal or progress cell's (sub-)task: the last task cell before it."""
    task: Cell | None = None
    out: dict[int, Cell] = {}
    for kind, cell in row.cells:
        if kind == "task":
            task = cell
        elif task is not None:
            out[id(cell)] = task
    return out


def _outcomes(src: Source, row: TaskRow) -> list[Outcome]:
    """The progress cells' figures, each credited to the unit of its (sub-)row."""
    found: list[Outcome] = []
    task = main = row.first("task")
    assert main is not None
    unit: str | None = None
    unit_task: Cell | None = None  # the (sub-)task whose unit ``unit`` is: a co column does not replace the lead
    goal_unit: str | None = None
    for kind, cell in row.cells:
        if kind == "task":
            task = cell
        elif kind in _UNIT_KINDS and unit_task is not task:
            unit, unit_task = _first_unit(cell) or unit, task
        elif kind == "target":
            goal = _GOAL.match(cell.text.strip())
            goal_unit = goal.group(2) or None if goal else None
        elif kind in _PROGRESS:
            metric = f"{task.text.strip().rstrip('。')}（{row.headers.get(id(cell)) or '备注'}）"
            found += _progress(src, cell, metric, unit, goal_unit)
    return found


def _first_unit(cell: Cell) -> str | None:
    duties = find_column_duties([("list", cell.text, cell.start, cell.end)])
    return duties[0].as_written if duties else None


def _progress(src: Source, cell: Cell, metric: str, unit: str | None, goal_unit: str | None) -> list[Outcome]:
    text = cell.text.strip()
    figure = _FIGURE.fullmatch(text)
    if figure:
        value = parse_number(figure.group(1))
        if value is None:
            return []
        return [Outcome(agency=unit, metric=metric, value=value, unit=figure.group(2) or goal_unit or "",
                        period=None, quote=src.quote(cell.start, cell.end), line=cell.line,
                        topics=find_topics(metric))]
    outcomes = find_outcomes(text, first_line=cell.line, mood=RESULT)  # 将全部纳入 in a note is no result
    for outcome in outcomes:
        # the row's unit, unless the cell names a body of its own (完成地区生产总值… names none)
        if not outcome.agency or agency_problem(outcome.agency):
            outcome.agency = unit
        outcome.quote = src.written(outcome.quote, cell.start, cell.end)
    return outcomes
