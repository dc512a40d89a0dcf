from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from seedpaths import SEEDS


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once from the five sample documents, with the CLI, as a user would."""
    from kg.cli import cli

    store = tmp_path_factory.mktemp("store") / "kg-store"
    result = CliRunner().invoke(cli, ["build", str(SEEDS), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store
