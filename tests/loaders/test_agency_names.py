"""Agency names: splitting lists and jurisdiction-aware canonical names."""

from __future__ import annotations

import pytest

from loaders import agencies, lexicon
from loaders.agencies import expand_distributed_each, is_collective, resolve_agency, split_agencies


def names(text: str) -> list[str]:
    return [text[a:b] for a, b in split_agencies(text)]


def test_split_keeps_brackets_inside_names() -> None:
    assert names("市公安局、各县(市区)党委、政府") == ["市公安局", "各县(市区)党委", "政府"]
    assert names("市民政局，各县（市、区）") == ["市民政局", "各县（市、区）"]


@pytest.mark.parametrize(
    ("written", "jurisdiction", "canonical"),
    [
        ("市公安局", "呼和浩特市", "呼和浩特市公安局"),
        ("市委政法委", "呼和浩特市", "呼和浩特市委政法委"),
        ("各旗县区", "呼和浩特市", "呼和浩特市各旗县区"),
        ("各县(市区)政府", "聊城市", "聊城市各县(市区)政府"),
        ("团市委", "聊城市", "共青团聊城市委"),
        ("团省委", "辽宁省", "共青团辽宁省委"),
        ("省公安厅", "辽宁省", "辽宁省公安厅"),
        ("自治区公安厅", "内蒙古自治区", "内蒙古自治区公安厅"),
        ("各县（市区）党委", "聊城市", "聊城市各县(市区)党委"),
        ("县公安局", "晋中市", "县公安局"),
        ("聊城军分区", "聊城市", "聊城军分区"),
        ("省国家安全厅聊城工作站", "聊城市", "省国家安全厅聊城工作站"),
        ("聊城市公安局", "聊城市", "聊城市公安局"),
        ("市公安局", None, "市公安局"),
        ("呼市公安局", "呼和浩特市", "呼和浩特市公安局"),
        ("自治区公安厅", "呼和浩特市", "内蒙古自治区公安厅"),
        ("市检察院", "聊城市", "聊城市人民检察院"),
    ],
)
def test_resolve_agency(written: str, jurisdiction: str | None, canonical: str) -> None:
    assert resolve_agency(written, jurisdiction) == canonical


def test_collectives() -> None:
    assert is_collective("各旗县区") and is_collective("各县(市区)党委") and is_collective("各县（市、区）")
    assert not is_collective("各有关部门") and not is_collective("市公安局")


def _forget_levels() -> None:
    for cached in (agencies._levels, agencies._collective_patterns, agencies._levels_only, is_collective,
                   agencies.looks_like_agency):
        cached.cache_clear()


def test_a_level_added_to_collective_levels_counts_for_the_collectives_and_the_each_that_carries_over(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # every shipped level makes a collective after 各, and is one of a run the 各 carries over to
    for level in lexicon.words("collective_levels.txt"):
        assert is_collective("各" + level) and expand_distributed_each("各区", level) == "各" + level
    # Inner Mongolia's 苏木 (township) and 嘎查 (village), added by a user to that one file
    assert not is_collective("各苏木嘎查") and expand_distributed_each("各乡镇", "苏木") is None
    shipped = lexicon.words
    monkeypatch.setattr(lexicon, "words", lambda name: shipped(name) + (
        ("苏木", "嘎查") if name == "collective_levels.txt" else ()))
    _forget_levels()
    try:
        assert is_collective("各苏木嘎查") and is_collective("各嘎查党支部") is False
        assert expand_distributed_each("各乡镇", "苏木、嘎查") == "各苏木、嘎查"
        assert expand_distributed_each("各乡镇", "苏木公安局") is None
    finally:
        monkeypatch.undo()
        _forget_levels()
    assert not is_collective("各苏木嘎查")
