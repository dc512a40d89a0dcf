"""The fast kg.output.format_table prints exactly what the straightforward version did, byte for byte.

The reference below is the implementation before it was made fast (per cell: collapse whitespace, shorten,
measure with wcwidth, pad), kept as it was so that any difference in output shows up here, plus the escaping of
control characters every cell has had since (kg.neutralise.terminal_text, written out here character by
character). No timings: see benchmarks/bench_output.py for those.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from kg import output
from kg.output import MAX_CELL, format_table
from kg.tables import Answer


def reference_display_width(text: str) -> int:
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def reference_escape(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if (code < 0x20 or 0x7F <= code <= 0x9F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069
                or code in (0x061C, 0x200E, 0x200F, 0x2028, 0x2029)):
            named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
            out.append(named or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"))
        else:
            out.append(ch)
    return "".join(out)


def reference_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return reference_escape(" ".join(str(value).split()))


def reference_shorten(text: str, limit: int = MAX_CELL) -> str:
    if reference_display_width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = max(reference_display_width(ch), 0)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def reference_format_table(rows: Sequence[dict], columns: Sequence[str], full: Sequence[str] = ()) -> str:
    cells = [[reference_cell(row.get(c)) if c in full else reference_shorten(reference_cell(row.get(c)))
              for c in columns] for row in rows]
    widths = [max([reference_display_width(c)] + [reference_display_width(r[i]) for r in cells])
              for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (widths[i] - reference_display_width(v)) for i, v in enumerate(values)]
        return "  ".join(padded).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out) + "\n"


# the characters that make table cells hard: wide CJK, fullwidth punctuation, emoji (with ZWJ, skin tones,
# VS16, flags), combining and zero-width marks, Indic conjuncts, C0/C1 controls and escape sequences, every
# kind of whitespace str.split() splits on, and soft hyphen / ambiguous-width characters
TRICKY = (
    "二三呼和浩特市公安局（）、。年％≥"
    "abcXYZ019 -_/.:%>=<"
    "😀👍🏽❤\ufe0f\u200d👨‍👩‍👧🇨🇳\ufe0e"
    "e\u0301\u0300\u20dd\u200b\u2060\ufeff"
    "क्ष\u094d"
    "\x00\x07\x08\x1b\x7f\x85\x9b[m"
    "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\xa0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000"
    "\xad\xa7ΩАж"
)
texts = st.one_of(
    st.text(alphabet=st.sampled_from(TRICKY), max_size=80),
    # small alphabets, so that the rare cases come up often: printable text with runs of spaces, ASCII or CJK
    # text with one kind of other whitespace or control character in it
    st.text(alphabet=st.sampled_from("二ab😀é "), max_size=16),
    st.text(alphabet=st.sampled_from("ab1 \t\n\x0b\x1f\x00\x7f\x1b"), max_size=12),
    st.text(alphabet=st.sampled_from("二三 \u3000\xa0\u2028\x85\u200b"), max_size=12),
    st.text(max_size=30),  # anything at all, surrogates excluded by hypothesis' default alphabet
    # long cells, shortened in non-full columns: CJK with whitespace, CJK mixed with ASCII and fullwidth forms
    st.text(alphabet=st.sampled_from("一二三四五六七八九十 \t"), min_size=20, max_size=200),
    st.text(alphabet=st.sampled_from("二（），。、％ＡabZ19 -…·"), min_size=20, max_size=90),
    # plan text quoting with “”, with the one-column symbols plans use (output._NARROW_RANGES) and their edges
    st.text(alphabet=st.sampled_from("加强“两抢一盗”‘’—…①≥≤℃Ⅱ×·●★→√\xa1\xac\xae\xff\u2010\u2027\u205e"
                                     "\u2319\u25fc\u25ff\u2613\u2028\u25fd\u231a a1"), min_size=1, max_size=90),
    st.sampled_from(["146b0fb79611-003", "二（三）", "呼和浩特市", "2020年", "%", ">=", "", " ", "  a  b  "]),
)
values = st.one_of(
    texts, texts,
    st.none(), st.booleans(), st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 1.0, True, False, 0.0, -0.0, 2.5]),  # equal under ==, different cells
)
column_names = st.lists(st.one_of(st.text(alphabet=st.sampled_from(TRICKY), max_size=12),
                                  st.sampled_from(["id", "key", "heading", "quote", "单位"])),
                        max_size=6)


# a column of one kind only: format_table takes shortcuts for columns of nothing but strings or floats
column_kinds = st.sampled_from([values, texts, st.floats(), st.sampled_from([0.0, -0.0, 1.0, 0.0005, 1e300])])


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[dict], list[str], list[str]]:
    columns = draw(column_names)
    if draw(st.booleans()):  # ragged rows: keys missing, any kind of value anywhere
        keys = st.sampled_from(columns + ["missing"]) if columns else st.just("missing")
        rows = draw(st.lists(st.dictionaries(keys, values, max_size=len(columns) + 1), max_size=12))
    else:  # every row has every column, each column of its own kind
        kinds = {c: draw(column_kinds) for c in columns}
        rows = draw(st.lists(st.fixed_dictionaries(kinds), max_size=12))
    # a few rows repeat: the fast version measures each distinct string once
    rows += draw(st.lists(st.sampled_from(rows), max_size=6)) if rows else []
    full = draw(st.lists(st.sampled_from(columns), max_size=3, unique=True)) if columns else []
    return rows, columns, full


@settings(max_examples=400, deadline=None)
@given(tables())
def test_format_table_is_byte_identical_to_the_reference(table: tuple[list[dict], list[str], list[str]]) -> None:
    rows, columns, full = table
    assert format_table(rows, columns, full) == reference_format_table(rows, columns, full)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_an_answer_of_tuples_prints_as_its_rows_do(table: tuple[list[dict], list[str], list[str]]) -> None:
    # kg targets and kg track print the tuples SQLite gives (kg.tables.Answer), column by column
    rows, columns, full = table
    names = tuple(dict.fromkeys(name for row in rows for name in row))
    answer = Answer(names, [tuple(row.get(name) for name in names) for row in rows])
    as_dicts = [{name: row.get(name) for name in names} for row in rows]
    assert len(answer) == len(rows) and list(answer) == as_dicts and answer == as_dicts
    assert answer[1:] == as_dicts[1:] and [answer[i] for i in range(len(rows))] == as_dicts
    assert format_table(answer, columns, full) == reference_format_table(as_dicts, columns, full)


@settings(max_examples=400, deadline=None)
@given(values, st.integers(min_value=0, max_value=60))
def test_cell_and_shorten_match_the_reference(value: Any, limit: int) -> None:
    cell = output._cell(value)
    assert cell == reference_cell(value)
    assert output._shorten(cell, limit) == reference_shorten(cell, limit)
    assert output.display_width(cell) == reference_display_width(cell)


def test_plain_characters_are_one_column_ascii_or_two_column_three_bytes() -> None:
    # what output._cut assumes of text that output._PLAIN matches, and output.wcswidth of the narrow characters
    # it measures as ASCII (output._NARROW_RANGES), checked against the installed wcwidth
    narrow = set(output._NARROW_AS_ASCII)
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if output._PLAIN.fullmatch(ch):
            if ch.isascii():
                assert reference_display_width(ch) == 1, hex(code)
            else:
                assert reference_display_width(ch) == 2 and len(ch.encode()) == 3, hex(code)
            assert reference_display_width(ch * 3) == 3 * reference_display_width(ch), hex(code)
        if code in narrow:
            assert reference_display_width(ch) == 1 and not output._PLAIN.fullmatch(ch), hex(code)
            assert reference_display_width(ch + "二a" + ch) == 5 == output.wcswidth(ch + "二a" + ch), hex(code)


def test_a_table_of_plan_text_is_measured_without_importing_wcwidth() -> None:
    # its import is 20-80 ms of a question that prints a few lines; plan text with “” and shortened cells
    # ending in … no longer needs it
    import subprocess

    code = ("import sys; from kg.output import format_table; "
            "format_table([{'heading': '守好首都“护城河”' * 9, 'key': '二（二）', 'n': 3, 'x': '① ≥ 5 ℃ · ×'}], "
            "['heading', 'key', 'n', 'x']); print('wcwidth' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_no_columns_and_no_rows() -> None:
    for rows in ([], [{}], [{"a": 1}, {}]):
        assert format_table(rows, []) == reference_format_table(rows, [])
        assert format_table(rows, ["a", "b"], ["b"]) == reference_format_table(rows, ["a", "b"], ["b"])
