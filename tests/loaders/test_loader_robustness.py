"""Arbitrary text never crashes the loaders; pathological lines stay fast."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import parse_document
from loaders.model import KINDS, ROLES

# Characters that matter to the parser, mixed into arbitrary text so examples reach the rules.
_PARSER_TEXT = st.text(
    alphabet=st.sampled_from(list("一二三十（）()、，,：:。；\n 1.责任单位牵头指导各县市区党委政府局") + ["\ufffd"]),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=500), _PARSER_TEXT))
def test_arbitrary_text_never_raises(text: str) -> None:
    doc = parse_document(text)
    assert doc.kind in KINDS
    for measure in doc.measures:
        assert all(a.role in ROLES for a in measure.assignments)


@pytest.mark.parametrize(
    "text",
    [
        "、" * 1_000_000,
        "（一）巡逻\n责任单位：" + "、" * 1_000_000,
        "（" * 300_000 + "）" * 300_000,
        "\n" * 1_000_000,
        "一、甲\n" + "1、x\n" * 100_000,
    ],
    ids=["dun", "label-of-dun", "brackets", "newlines", "restarts"],
)
def test_pathological_input_parses_in_linear_time(text: str) -> None:
    # A guard against catastrophic backtracking, not a benchmark: a quadratic parse of these takes hours; they
    # take 0.1-6 s (the machine's speed varies twofold between days), so the bound is far from both.
    start = time.perf_counter()
    parse_document(text)
    assert time.perf_counter() - start < 60
