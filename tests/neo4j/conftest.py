from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def seed_graph(seed_store: Path) -> Any:
    """The property graph of the five sample documents."""
    from kg.projection import project
    from kg.store import open_store

    with open_store(seed_store) as store:
        return project(store.triples())
