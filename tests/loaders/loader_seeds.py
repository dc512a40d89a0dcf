"""Seeds and gold for the loader tests, read from the project's own copies (helpers, no fixtures)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import loaders
from loaders.model import Document

TESTS = Path(__file__).resolve().parent.parent
SEED_DIR = TESTS.parent / "samples" / "seeds"
GOLD_DIR = TESTS / "data" / "gold"
STEMS = ("000", "001", "002", "003", "004")


def seed_path(stem: str) -> Path:
    (path,) = SEED_DIR.glob(f"{stem}_*.txt")
    return path


def gold(stem: str) -> dict:
    (path,) = GOLD_DIR.glob(f"{stem}_*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def squash(text: str | None) -> str | None:
    """Compare the way the gold does: NFKC (folds full/half-width brackets), no whitespace."""
    return None if text is None else re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def read_seeds() -> dict[str, Document]:
    return {stem: loaders.read(seed_path(stem)) for stem in STEMS}
