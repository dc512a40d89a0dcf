"""Fixtures for the loader tests; the helpers live in ``loader_seeds`` (a unique module name)."""

from __future__ import annotations

import pytest
from loader_seeds import read_seeds

from loaders.model import Document


@pytest.fixture(scope="session")
def seeds() -> dict[str, Document]:
    """The five seed documents, read once."""
    return read_seeds()
