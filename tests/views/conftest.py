from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def evil_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of one plan whose measure text carries <script> and <img onerror> (untrusted document text)."""
    from kg.cli import cli

    store = tmp_path_factory.mktemp("evil") / "kg-store"
    result = CliRunner().invoke(cli, ["build", str(DATA / "evil_plan.txt"), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="session")
def seed_graph(seed_store: Path):  # noqa: ANN201 - a PropertyGraph
    from kg.projection import project
    from kg.store import open_store

    with open_store(seed_store) as store:
        return project(store.triples())
