"""The one exception a user of the loaders sees."""

from __future__ import annotations


class LoadError(Exception):
    """A file could not be loaded; the message is one line naming the reason."""
