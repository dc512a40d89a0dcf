"""Title, 文号, issuer, date, jurisdiction and kind of the seeds match the gold."""

from __future__ import annotations

import pytest
from loader_seeds import STEMS, gold, seed_path, squash

from loaders.model import Document

FIELDS = ("kind", "title", "jurisdiction", "issuer", "doc_number", "date")


@pytest.mark.parametrize("stem", STEMS)
def test_metadata_matches_gold(seeds: dict[str, Document], stem: str) -> None:
    doc, expected = seeds[stem], gold(stem)
    assert {f: squash(getattr(doc, f)) for f in FIELDS} == {f: squash(expected[f]) for f in FIELDS}


def test_doc_number_written_with_a_space_is_read_without_it(seeds: dict[str, Document]) -> None:
    assert seeds["000"].doc_number == "呼综治委〔2014〕5号"
    assert seeds["000"].date == "2014"  # no date line: the year of the 文号


def test_a_cited_document_number_is_not_the_plans_own(seeds: dict[str, Document]) -> None:
    assert "聊发〔2004〕5号" in seed_path("001").read_text(encoding="utf-8")
    assert seeds["001"].doc_number is None
    assert seeds["001"].date == "2003年6月15日"


def test_document_id_is_the_file_hash_and_source_the_path_given(seeds: dict[str, Document]) -> None:
    import hashlib

    path = seed_path("000")
    assert seeds["000"].id == hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert seeds["000"].source == str(path)
