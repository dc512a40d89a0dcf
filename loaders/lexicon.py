"""Lexicons shipped as data files in ``loaders/data`` (see its README).

They are data, not code, so a user can add a label word, a collective pattern or an alias by
editing a text file. Each loader is cached: the files are read once per process.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files


def _rows(name: str) -> list[list[str]]:
    text = files("loaders").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


@cache
def words(name: str) -> tuple[str, ...]:
    """A one-word-a-line list, longest first so alternations prefer the longer word."""
    return tuple(sorted({row[0] for row in _rows(name)}, key=lambda w: (-len(w), w)))


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """A TSV table as tuples of cells, in file order."""
    return tuple(tuple(row) for row in _rows(name))


@cache
def weighted_patterns(name: str) -> tuple[tuple[re.Pattern[str], int], ...]:
    """A TSV of regex and integer weight."""
    return tuple((re.compile(row[0], re.M), int(row[1])) for row in _rows(name))
