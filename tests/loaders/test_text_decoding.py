"""Encodings, byte-order marks, punctuation widths and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from loader_seeds import seed_path

import loaders
from loaders import LoadError
from loaders.model import Document
from loaders.text import fold_punctuation


def outline(doc: Document) -> list[tuple]:
    """What a user gets from a plan, minus ids and quotes (which depend on bytes and widths)."""
    return [
        (
            fold_punctuation(m.key),
            m.heading and fold_punctuation(m.heading),
            m.line,
            [(a.agency, fold_punctuation(a.as_written), a.role, a.basis, a.line) for a in m.assignments],
        )
        for m in doc.measures
    ]


@pytest.mark.parametrize(
    ("encoding", "suffix"),
    [("gbk", ".txt"), ("gb18030", ".text"), ("utf-8-sig", ".txt"), ("utf-16", ".md")],
)
def test_other_encodings_give_the_same_measures(
    seeds: dict[str, Document], tmp_path: Path, encoding: str, suffix: str
) -> None:
    copy = tmp_path / f"hohhot{suffix}"
    copy.write_bytes(seed_path("000").read_text(encoding="utf-8").encode(encoding))
    doc = loaders.read(copy)
    assert outline(doc) == outline(seeds["000"])
    assert doc.title == seeds["000"].title and doc.doc_number == seeds["000"].doc_number
    assert doc.id != seeds["000"].id  # the id hashes the bytes, which differ


def test_windows_line_endings_give_the_same_lines(seeds: dict[str, Document], tmp_path: Path) -> None:
    copy = tmp_path / "liaocheng.txt"
    copy.write_bytes(seed_path("001").read_bytes().replace(b"\n", b"\r\n"))
    assert outline(loaders.read(copy)) == outline(seeds["001"])


def test_half_width_brackets_parse_the_same(seeds: dict[str, Document]) -> None:
    text = seed_path("000").read_text(encoding="utf-8")
    half = text.translate(str.maketrans("（）：，；", "():,;"))
    doc = loaders.parse_document(half, source="half.txt")
    assert outline(doc) == outline(seeds["000"])
    assert doc.measures[0].key == "二(一)"  # keys follow the file's own bracket style


def test_full_width_variant_of_a_half_width_seed_parses_the_same(seeds: dict[str, Document]) -> None:
    text = seed_path("001").read_text(encoding="utf-8")
    full = text.translate(str.maketrans("():,;", "（）：，；"))
    assert outline(loaders.parse_document(full)) == outline(seeds["001"])


def test_truncated_ending_is_a_warning_not_a_crash(seeds: dict[str, Document], tmp_path: Path) -> None:
    assert any("U+FFFD" in w and "truncated" in w for w in seeds["001"].warnings)
    assert seeds["001"].measures[-1].key == "五(四)"
    cut = tmp_path / "cut.txt"
    cut.write_bytes(seed_path("000").read_bytes()[:-2] + "呼".encode()[:2])  # ends inside a character
    doc = loaders.read(cut)
    assert len(doc.measures) == 12
    assert any("UTF-8" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("noise.txt", bytes(range(0x80, 0x100)) * 40, "cannot decode"),
        ("plan.xls", b"\xd0\xcf\x11\xe0", "unsupported file type .xls"),
        ("plan", b"text", "unsupported file type"),
    ],
)
def test_unreadable_files_raise_one_line_load_errors(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError) as caught:
        loaders.read(path)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_and_directory_raise_load_errors(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read"):
        loaders.read(tmp_path / "missing.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(LoadError, match="cannot read"):
        loaders.read(folder)


def test_source_is_the_path_as_given(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("一、任务\n（一）巡逻。每天巡逻。\n", encoding="utf-8")
    assert loaders.read(str(path)).source == str(path)
    assert loaders.read(path).source == str(path)
