"""Where the tests find the sample corpus and its gold annotations (both copied into the repo)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
GOLD = Path(__file__).resolve().parent / "data" / "gold"


def load_gold(stem: str) -> dict:
    """The gold annotation of one seed, by file-name prefix ("000")."""
    (path,) = GOLD.glob(f"{stem}_*.json")
    return json.loads(path.read_text(encoding="utf-8"))
